/**
 * The workload's operations on a shard: a list of them run with bounded concurrency (real time),
 * or one started at a scheduled instant (virtual time, virtual-run.ts). Results come back as
 * typed arrays, one row per operation in command order.
 */
import type { GetResult, LookupCost } from '../core/index.js';
import { emptyOpsResult, type OpKind, type OpsResult } from './control.js';
import type { Shard } from './shard.js';
import { runBounded } from './shard-ops.js';
import { absentKey, findTarget, presentKey, valueBytes } from './workload.js';
import { fileWorkload, type FilesSpec } from './files-workload.js';
import { startFileOp } from './file-ops.js';
import { touchedAdversary } from './adversary-wiring.js';

export async function runOps(shard: Shard, kind: OpKind, nodes: Int32Array, items: Int32Array, concurrency: number, sample: number, trace: number, seed: number, onProgress: (done: number) => void, files?: FilesSpec): Promise<OpsResult> {
  const out = emptyOpsResult(nodes.length, sample, shard.config.k);
  await runBounded(
    nodes.length,
    concurrency,
    (i, done) => {
      startOp(shard, kind, nodes, items, i, out, sample, trace, seed, done, files);
      shard.ringOwnBell();
    },
    onProgress,
  );
  return out;
}

/**
 * Starts operation `row` (kind, asking node nodes[row], item items[row]) and
 * records its outcome in row `row` of `out`; `done` runs when it has ended.
 * Shared by the real-time runner (bounded concurrency) and the virtual-time
 * driver (operations at scheduled instants).
 */
export function startOp(shard: Shard, kind: OpKind, nodes: Int32Array, items: Int32Array, row: number, out: OpsResult, sample: number, trace: number, seed: number, done: () => void, files?: FilesSpec): void {
  const k = shard.config.k;
  const i = row;
  const adversary = shard.adversary;
  const record = (c: LookupCost, ok: boolean): void => {
    if (adversary && c.trace) out.touched[i] = touchedAdversary(adversary, c.trace) ? 1 : 0;
    if (c.trace && i < trace) out.traces.push({ row: i, node: nodes[i]!, steps: c.trace });
    out.depth[i] = c.depth;
    out.rpcs[i] = c.rpcs;
    out.timeouts[i] = c.timeouts;
    out.timeoutWait[i] = c.timeoutWait;
    out.duration[i] = c.duration;
    out.ok[i] = ok ? 1 : 0;
    done();
  };
  const node = nodes[i]!;
  const item = items[i]!;
  // With adversaries every lookup is traced: its steps say whether it asked one (touchedAdversary).
  if (i < trace || adversary) shard.node(node).traceNextLookup();
  switch (kind) {
    case 'put':
      shard.put(node, presentKey(item, shard.config.contentAddressed), valueBytes(item), (r) => {
        out.stored[i] = Math.min(255, r.stored);
        out.acked[i] = Math.min(255, r.acked);
        // A copy on the putter alone is not in the DHT: success needs another node's acknowledgement.
        record(r, r.acked > 0);
      });
      break;
    case 'get':
      shard.get(node, presentKey(item, shard.config.contentAddressed), (r) => record(r, r.found && sameBytes(r, valueBytes(item))));
      break;
    case 'get-absent':
      // Success for an absent key: the lookup completed and found nothing.
      shard.get(node, absentKey(item), (r) => record(r, !r.found && r.responded > 0));
      break;
    case 'find':
      shard.findNode(node, findTarget(seed, item), (r) => {
        if (i < sample) for (let j = 0; j < Math.min(k, r.closest.length); j++) out.closest[i * k + j] = r.closest[j]!;
        record(r, r.closest.length > 0);
      });
      break;
    case 'publish':
    case 'find-sources':
    case 'search':
      if (!files) throw new Error(`${kind} needs the file workload's spec`);
      startFileOp(shard, kind, node, item, i, out, fileWorkload(seed, shard.total, files), record);
      break;
  }
}

function sameBytes(r: GetResult, expected: Uint8Array): boolean {
  const v = r.value;
  if (!v || v.length !== expected.length) return false;
  for (let i = 0; i < v.length; i++) if (v[i] !== expected[i]) return false;
  return true;
}

