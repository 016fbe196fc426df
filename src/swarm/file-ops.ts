/**
 * The file workload's three operations on a shard, each recording one row of an OpsResult:
 * - publish: the publisher adds its own ID as a source of the file's hash, then the file's entry
 *   under each word of its name (publishFile's stores, one after the other);
 * - find-sources: findSources(hash), counting the values found and those that are the file's
 *   real publishers;
 * - search: the keyword search of net/keywords.ts (fetch the longest word's entries, keep the
 *   names that have every query word), counting matches and those that are real matching files.
 * Callbacks, not promises, so the virtual clock sees every step at its own instant.
 */
import { ID_WORDS, readIdBytes } from '../core/id.js';
import type { LookupCost } from '../core/index.js';
import { decodeFileEntry, encodeFileEntry, keywordKey, nameMatches, searchWord } from '../net/keywords.js';
import type { OpsResult } from './control.js';
import type { FileWorkload } from './files-workload.js';
import type { Shard } from './shard.js';

type Record = (c: LookupCost, ok: boolean) => void;

export function startFileOp(shard: Shard, kind: 'publish' | 'find-sources' | 'search', node: number, item: number, row: number, out: OpsResult, w: FileWorkload, record: Record): void {
  if (kind === 'publish') return publish(shard, node, Math.floor(item / w.spec.sources), out, row, w, record);
  if (kind === 'find-sources') {
    const f = item;
    shard.findSources(node, w.hashes[f]!, (r) => {
      let real = 0;
      for (const v of r.values) if (isPublisherOf(shard, v.value, f, w)) real++;
      out.found[row] = r.values.length;
      out.correct[row] = real;
      // A user can download when at least one real source came back.
      record(r, real > 0);
    });
    return;
  }
  const query = w.queries[item]!;
  shard.findSources(node, keywordKey(searchWord(query)!), (r) => {
    const seen = new Set<string>();
    let real = 0;
    for (const v of r.values) {
      const e = decodeFileEntry(v.value);
      if (!e || !nameMatches(e.name, query)) continue;
      const id = `${e.hash} ${e.name}`;
      if (seen.has(id)) continue; // the same file from several publishers is one match
      seen.add(id);
      if (w.index.has(id)) real++;
    }
    out.found[row] = seen.size;
    out.correct[row] = real;
    record(r, real === w.truth[item] && seen.size === real);
  });
}

function isPublisherOf(shard: Shard, value: Uint8Array, f: number, w: FileWorkload): boolean {
  const s = w.spec.sources;
  for (let j = f * s; j < f * s + s; j++) if (w.publishers[j]! >= 0 && shard.peers.hasId(w.publishers[j]!, value)) return true;
  return false;
}

/** The file's source record, then one keyword entry per word; the row sums the cost of all its stores. */
function publish(shard: Shard, node: number, f: number, out: OpsResult, row: number, w: FileWorkload, record: Record): void {
  const keys = [w.hashes[f]!, ...[...w.words[f]!].map(keywordKey)];
  const own = readIdBytes(shard.peers.words, node * ID_WORDS);
  const entry = encodeFileEntry(w.names[f]!, w.hex[f]!);
  const sum: LookupCost = { depth: 0, rpcs: 0, timeouts: 0, timeoutWait: 0, duration: 0, responded: 0 };
  let allAcked = true;
  let minAcked = 255;
  const step = (i: number): void => {
    shard.addSource(node, keys[i]!, i === 0 ? own : entry, (r) => {
      sum.depth = Math.max(sum.depth, r.depth);
      sum.rpcs += r.rpcs;
      sum.timeouts += r.timeouts;
      sum.timeoutWait += r.timeoutWait;
      sum.duration += r.duration;
      sum.responded += r.responded;
      if (r.acked === 0) allAcked = false;
      minAcked = Math.min(minAcked, r.acked);
      if (i + 1 < keys.length) return step(i + 1);
      out.acked[row] = minAcked;
      record(sum, allAcked);
    });
  };
  step(0);
}
