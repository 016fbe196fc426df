/**
 * Hot paths of the sans-IO core: the XOR metric on word IDs, the routing
 * table's bucket search, insert and closest(), and the lookup shortlist.
 * Each task runs a batch per call so sub-microsecond work stays well above
 * timer resolution; rows report single operations per second.
 */
import { Bench } from 'tinybench';
import { resolveConfig } from '../src/core/config.js';
import { ID_WORDS, commonPrefixLength, compareDistance, xorWords } from '../src/core/id.js';
import { Lookup, LookupKind } from '../src/core/lookup.js';
import { Random } from '../src/core/random.js';
import { Observe, RoutingTable } from '../src/core/routing-table.js';
import { fillTable, makePool, type Pool } from './fixtures.js';
import { closingReplies } from './lookup-replies.js';
import { LegacyShortlist } from './legacy-shortlist.js';

const BATCH = 1000;
/** Random operands cycled through, so branch predictors and caches see varied inputs. */
const OPERANDS = 4096;

function tableOf(pool: Pool, self: number): RoutingTable {
  const c = resolveConfig();
  return new RoutingTable(pool.peers, self, { k: c.k, replacements: c.replacementCacheSize, maxFailures: c.maxFailures, bitsPerStep: c.bitsPerStep });
}

/** The handles of an insert-only fill (k per subtree, so no observe lands in a full bucket), in order. */
function insertSequence(pool: Pool, self: number): Uint32Array {
  const seen: number[] = [];
  fillTable(pool, { observe: (h) => (seen.push(h), Observe.Done) }, self, new Random(3), 20);
  return Uint32Array.from(seen);
}

export async function benchCore(opts: { time?: number } = {}): Promise<Array<{ name: string; opsPerSec: number }>> {
  const pool = makePool(1);
  const ids = pool.peers.words;
  const rng = new Random(2);
  const pick = Uint32Array.from({ length: OPERANDS }, () => rng.int(pool.peers.count) * ID_WORDS);
  const targets = new Uint32Array(OPERANDS * ID_WORDS);
  for (let i = 0; i < targets.length; i++) targets[i] = rng.nextU32();
  const out = new Uint32Array(ID_WORDS);
  const self = 0;
  // Targets near the own ID (a distance shifted right by 4..16 bits), where buckets are small and
  // closest() visits several: the later hops of a lookup, and the join's checks of its neighbours.
  const nearTargets = new Uint32Array(OPERANDS * ID_WORDS);
  for (let i = 0; i < OPERANDS; i++) {
    const shift = 4 + rng.int(13);
    for (let w = 0; w < ID_WORDS; w++) {
      const word = targets[i * ID_WORDS + w]!;
      const above = w === 0 ? 0 : targets[i * ID_WORDS + w - 1]!;
      nearTargets[i * ID_WORDS + w] = (((word >>> shift) | (above << (32 - shift))) ^ ids[self * ID_WORDS + w]!) >>> 0;
    }
  }

  // The table a node has after joining a network of the pool's size: ~250 contacts.
  const table = tableOf(pool, self);
  fillTable(pool, table, self, new Random(3));
  const members = Uint32Array.from(table.contacts());
  const inserts = insertSequence(pool, self);
  const closestOut = new Uint32Array(20);

  let sink = 0; // results feed a sink so the JIT cannot drop the calls
  const bench = new Bench({ name: 'core', time: opts.time ?? 300 });
  const batched = (name: string, body: (i: number) => void): void => {
    bench.add(name, () => {
      for (let i = 0; i < BATCH; i++) body(i & (OPERANDS - 1));
    });
  };
  batched('compareDistance (160-bit XOR metric)', (i) => {
    sink += compareDistance(ids, pick[i]!, pick[(i + 1) & (OPERANDS - 1)]!, targets, i * ID_WORDS);
  });
  batched('xorWords', (i) => xorWords(ids, pick[i]!, targets, i * ID_WORDS, out, 0));
  batched('commonPrefixLength', (i) => {
    sink += commonPrefixLength(ids, pick[i]!, targets, i * ID_WORDS);
  });
  // bucketOf is private; has() is bucket binary search + a scan of at most k slots.
  batched(`bucket index + slot scan (via has, ${members.length} contacts)`, (i) => {
    sink += table.has(members[i % members.length]!) ? 1 : 0;
  });
  batched(`closest(target, 20) sorted (${members.length} contacts)`, (i) => {
    sink += table.closest(targets, i * ID_WORDS, 20, closestOut);
  });
  batched(`closest(target, 20) unsorted (${members.length} contacts)`, (i) => {
    sink += table.closest(targets, i * ID_WORDS, 20, closestOut, -1, false);
  });
  batched(`closest(target near the own ID, 20) sorted (${members.length} contacts)`, (i) => {
    sink += table.closest(nearTargets, i * ID_WORDS, 20, closestOut);
  });
  batched(`closest(target near the own ID, 20) unsorted (${members.length} contacts)`, (i) => {
    sink += table.closest(nearTargets, i * ID_WORDS, 20, closestOut, -1, false);
  });
  batched('observe, known contact (move to tail)', (i) => {
    sink += table.observe(members[i % members.length]!);
  });
  batched('observe, random pool peer (mostly full buckets)', (i) => {
    sink += table.observe(pick[i]! / ID_WORDS);
  });
  // The reference closest() replaces: every contact's distance, then a full sort (allocates per call).
  const byDistance = (target: number) => (x: number, y: number) => compareDistance(ids, x * ID_WORDS, y * ID_WORDS, targets, target);
  batched(`closest(target, 20) by full sort, reference (${members.length} contacts)`, (i) => {
    const all = Array.from(members);
    all.sort(byDistance(i * ID_WORDS));
    sink += all[0]!;
  });
  // One call = a fresh table filled to ~250 contacts (splits included); the row is per insert.
  bench.add(`routing-table insert (fresh table to ~${members.length} contacts)`, () => {
    const t = tableOf(pool, self);
    for (let i = 0; i < inserts.length; i++) t.observe(inserts[i]!);
    sink += t.size;
  });
  // One call = a fresh 60-slot shortlist fed 10 replies of 20 random contacts; the row is per add.
  const ADDS = 200;
  bench.add(`Lookup.add (${ADDS} random contacts into a 60-slot shortlist)`, () => {
    const l = new Lookup(LookupKind.FindNode, pool.peers, targets, 0, 20, 3, 60, self);
    for (let i = 0; i < ADDS; i++) l.add(pick[i]! / ID_WORDS, 1 + (i >> 4));
    sink += l.size;
  });
  // The same contacts as 10 replies of 20 merged at once (what onSuccess does); the row is per contact.
  const pickHandles = Uint32Array.from({ length: ADDS }, (_, i) => pick[i]! / ID_WORDS);
  bench.add(`Lookup.addAll (${ADDS} random contacts as replies of 20 into a 60-slot shortlist)`, () => {
    const l = new Lookup(LookupKind.FindNode, pool.peers, targets, 0, 20, 3, 60, self);
    for (let r = 0; r < ADDS / 20; r++) l.addAll(pickHandles.subarray(r * 20, r * 20 + 20), 1 + r);
    sink += l.size;
  });
  // One call = one lookup's shortlist work as a node does it: seeded with 20, then 10 replies
  // of 20 contacts, each answered peer handed out by next() first; the row is per reply.
  const REPLIES = 10;
  const replyContacts = Uint32Array.from({ length: REPLIES * 20 }, (_, i) => pick[(i * 7) & (OPERANDS - 1)]! / ID_WORDS);
  bench.add(`shortlist round (next + onSuccess with 20 contacts, 40-slot list, ${REPLIES} replies)`, () => {
    const l = new Lookup(LookupKind.FindNode, pool.peers, targets, 0, 20, 3, 40, self);
    for (let i = 0; i < 20; i++) l.add(members[i]!, 1);
    for (let r = 0; r < REPLIES; r++) {
      const peer = l.next(0);
      if (peer < 0) break;
      l.onSuccess(peer, replyContacts.subarray(r * 20, r * 20 + 20));
    }
    sink += l.size;
  });
  // The reference the shortlist replaces: an array of candidates re-sorted after every reply.
  bench.add(`shortlist round by array sort, reference (${REPLIES} replies)`, () => {
    const list: number[] = [];
    const seen = new Set<number>();
    const cmp = byDistance(0);
    for (let i = 0; i < 20; i++) if (!seen.has(members[i]!)) (seen.add(members[i]!), list.push(members[i]!));
    list.sort(cmp);
    for (let r = 0; r < REPLIES; r++) {
      for (let c = r * 20; c < r * 20 + 20; c++) if (!seen.has(replyContacts[c]!)) (seen.add(replyContacts[c]!), list.push(replyContacts[c]!));
      list.sort(cmp);
      list.length = Math.min(list.length, 40);
    }
    sink += list.length;
  });
  // One call = a lookup's replies as they come in a swarm: each reply is 20 contacts drawn from
  // nearer and nearer the target, so late ones are mostly known (bench/lookup-replies.ts); the
  // row is per reply. "before": the addAll of c63ac29 (bench/legacy-shortlist.ts), every contact
  // sorted, then one merge pass finding the known ones.
  const closing = closingReplies(pool, new Random(5), 64);
  let round = 0;
  bench.add(`Shortlist.addAll, ${closing.replies} replies closing in on the target (40-slot list)`, () => {
    const r = closing.rounds[round++ & 63]!;
    const l = new Lookup(LookupKind.FindNode, pool.peers, r.target, 0, 20, 3, 40, self);
    for (let i = 0; i <= closing.replies; i++) l.addAll(r.reply(i), 1 + i);
    sink += l.size;
  });
  bench.add(`Shortlist.addAll, ${closing.replies} replies closing in on the target (40-slot list; before: sort all, then merge)`, () => {
    const r = closing.rounds[round++ & 63]!;
    const l = new LegacyShortlist(pool.peers, r.target, 40, self);
    for (let i = 0; i <= closing.replies; i++) l.addAll(r.reply(i), 1 + i);
    sink += l.size;
  });
  await bench.run();
  if (sink === 0.5) console.log(sink);

  const perCall = (name: string): number =>
    name.startsWith('routing-table insert') ? inserts.length : name.startsWith('Lookup.add') ? ADDS : name.startsWith('shortlist round') ? REPLIES : name.startsWith('Shortlist.addAll') ? closing.replies : BATCH;
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`benchmark ${task.name} ended ${result.state}`);
    return { name: task.name, opsPerSec: (perCall(task.name) * 1000) / result.period };
  });
}
