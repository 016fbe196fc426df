/**
 * Bytes per node: JS heap + ArrayBuffer memory after a full GC, as the slope
 * between two node counts, so that everything shared (the ID pool, code,
 * scratch buffers) cancels out. Budget: 16 KiB for a node with ~250 contacts.
 */
import { resolveConfig } from '../src/core/config.js';
import { KadNode } from '../src/core/node.js';
import { Random } from '../src/core/random.js';
import { tableSlab } from '../src/core/table-slab.js';
import { forceGc } from '../src/swarm/gc.js';
import { fillTable, makePool, type Pool } from './fixtures.js';

export const BUDGET_BYTES = 16 * 1024;

export interface MemoryResult {
  /** Median slope over the repeats, bytes per node with a filled routing table. */
  bytesPerNodeFilled: number;
  /** Median slope for nodes as spawned (empty routing table). */
  bytesPerNodeEmpty: number;
  /** Mean contacts per filled node. */
  meanContacts: number;
  /** Of which, the routing table's region in the table slab (bytes, mean). */
  tableBytes: number;
  nodeCounts: [number, number];
  repeats: number;
  budgetBytes: number;
  samples: { filled: number[]; empty: number[] };
}

function used(): number {
  forceGc();
  forceGc(); // a second pass collects what the first one's finalizers released
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** One slope measurement: bytes added per node between `lo` and `hi` nodes alive. */
function slope(pool: Pool, lo: number, hi: number, fill: boolean, seed: number, stats?: { contacts: number; tableBytes: number }): number {
  const config = resolveConfig();
  const nodes: KadNode[] = [];
  const rng = new Random(seed);
  const spawn = (upTo: number): void => {
    while (nodes.length < upTo) {
      const self = nodes.length; // node i is pool handle i
      const node = new KadNode(self, pool.peers, config, new Random(seed, self), 0);
      if (fill) fillTable(pool, node.table, self, rng);
      nodes.push(node);
    }
  };
  spawn(lo);
  const atLo = used();
  spawn(hi);
  const atHi = used();
  if (stats) {
    for (const n of nodes) {
      stats.contacts += n.table.size;
      stats.tableBytes += n.table.bytes;
    }
    stats.contacts /= nodes.length;
    stats.tableBytes /= nodes.length;
  }
  // The tables' words are in the thread's table slab, which holds every table until it is given
  // back and keeps its chunks until compactAll: without both, the next measurement would reuse
  // this one's chunks and its slope would miss the tables' words.
  for (const n of nodes) n.discard();
  tableSlab.compactAll();
  return (atHi - atLo) / (hi - lo);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function benchMemory(opts: { lo?: number; hi?: number; repeats?: number } = {}): Promise<MemoryResult> {
  const lo = opts.lo ?? 2000;
  const hi = opts.hi ?? 6000;
  const repeats = opts.repeats ?? 5;
  const pool = makePool(1);
  const filled: number[] = [];
  const empty: number[] = [];
  const stats = { contacts: 0, tableBytes: 0 };
  for (let r = 0; r < repeats; r++) {
    empty.push(slope(pool, lo, hi, false, r + 1));
    filled.push(slope(pool, lo, hi, true, r + 1, r === 0 ? stats : undefined));
  }
  return {
    bytesPerNodeFilled: median(filled),
    bytesPerNodeEmpty: median(empty),
    meanContacts: stats.contacts,
    tableBytes: stats.tableBytes,
    nodeCounts: [lo, hi],
    repeats,
    budgetBytes: BUDGET_BYTES,
    samples: { filled, empty },
  };
}
