/**
 * The record store before and after the RecordSpace (bench/legacy-record-store.ts is the old
 * one): the k = 20 replicas of a put kept by 20 nodes, a FIND_VALUE hit, and bytes per stored
 * copy (JS heap + ArrayBuffers after a full GC, as a slope over the number of puts, so shared
 * code and scratch cancel out). Both see the same keys and values.
 */
import { Bench } from 'tinybench';
import { RecordSpace } from '../src/core/record-space.js';
import { RecordStore, keyString } from '../src/core/records.js';
import { Random } from '../src/core/random.js';
import { forceGc } from '../src/swarm/gc.js';
import { LegacyRecordStore } from './legacy-record-store.js';

const REPLICAS = 20;
/** Lookups per task call, so sub-microsecond work stays above timer resolution. */
const BATCH = 100;
const NODES = 2000;
const LIMITS = { maxRecords: 100_000, maxBytes: 64 * 1024 * 1024, sourceShare: 0.125 };

interface Store {
  put(key: Uint8Array, value: Uint8Array, version: number, expiresAt: number, cached: boolean, now: number, group?: number): number;
}

function used(): number {
  forceGc();
  forceGc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** `puts` puts of a 100-byte value, each kept by 20 of `stores` (a window of neighbours, as a swarm's replicas). */
function load(stores: Store[], puts: number, seed: number): void {
  const rng = new Random(seed);
  for (let p = 0; p < puts; p++) {
    const key = rng.bytes(20);
    const value = rng.bytes(100);
    const first = rng.int(stores.length);
    // Each holder gets its own copy of the bytes, as a decoded STORE gives it.
    for (let r = 0; r < REPLICAS; r++) stores[(first + r) % stores.length]!.put(key.slice(), value.slice(), 1, 1e12, false, 0, p);
  }
}

function makeStores(kind: 'before' | 'after'): Store[] {
  const space = new RecordSpace();
  return Array.from({ length: NODES }, () => (kind === 'before' ? new LegacyRecordStore(LIMITS) : new RecordStore(LIMITS, space)));
}

export interface RecordMemory {
  /** Bytes per stored copy (median slope), before and after. */
  before: number;
  after: number;
  puts: [number, number];
}

function slope(kind: 'before' | 'after', lo: number, hi: number, seed: number): number {
  const stores = makeStores(kind);
  load(stores, lo, seed);
  const a = used();
  load(stores, hi - lo, seed + 1);
  const b = used();
  if (stores.length !== NODES) throw new Error('unreachable');
  return (b - a) / ((hi - lo) * REPLICAS);
}

export function benchRecordMemory(opts: { lo?: number; hi?: number; repeats?: number } = {}): RecordMemory {
  const lo = opts.lo ?? 2000;
  const hi = opts.hi ?? 6000;
  const repeats = opts.repeats ?? 3;
  const med = (xs: number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
  const before: number[] = [];
  const after: number[] = [];
  for (let r = 0; r < repeats; r++) {
    before.push(slope('before', lo, hi, 10 + r));
    after.push(slope('after', lo, hi, 10 + r));
  }
  return { before: med(before), after: med(after), puts: [lo, hi] };
}

export async function benchRecordStore(opts: { time?: number } = {}): Promise<Array<{ name: string; opsPerSec: number }>> {
  const bench = new Bench({ name: 'record store', time: opts.time ?? 300 });
  const rng = new Random(3);
  const keys = Array.from({ length: 4096 }, () => rng.bytes(20));
  const value = rng.bytes(100);
  for (const kind of ['before', 'after'] as const) {
    const label = kind === 'before' ? '(Map, before)' : '(RecordSpace)';
    let stores = makeStores(kind);
    let p = 0;
    bench.add(`put: 20 replicas of a 100-byte value ${label}`, () => {
      if (p === keys.length) {
        stores = makeStores(kind);
        p = 0;
      }
      const key = keys[p++]!;
      for (let r = 0; r < REPLICAS; r++) stores[(p * 7 + r) % NODES]!.put(key, value, 1, 1e12, false, 0, r);
    });
    const one = kind === 'before' ? new LegacyRecordStore(LIMITS) : new RecordStore(LIMITS);
    for (let i = 0; i < 1000; i++) one.put(keys[i]!, value, 1, 1e12, false, 0, i);
    let g = 0;
    // The lookup a FIND_VALUE answer makes: by key string before, by key bytes after.
    bench.add(
      `FIND_VALUE hit (1,000 records) ${label}`,
      kind === 'before'
        ? () => {
            for (let i = 0; i < BATCH; i++) if (!(one as LegacyRecordStore).get(keyString(keys[g++ % 1000]!), 0)) throw new Error('miss');
          }
        : () => {
            for (let i = 0; i < BATCH; i++) if ((one as RecordStore).find(keys[g++ % 1000]!, 0) < 0) throw new Error('miss');
          },
    );
  }
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`benchmark ${task.name} ended ${result.state}`);
    return { name: task.name, opsPerSec: ((task.name.startsWith('FIND_VALUE') ? BATCH : 1) * 1000) / result.period };
  });
}
