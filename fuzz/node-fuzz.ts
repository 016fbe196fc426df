/**
 * The node-handler fuzzer: a real UdpNode (bound to 127.0.0.1, answering on its socket) fed
 * hostile datagrams through its receive path (UdpNode.ingest, what the socket's 'message' event
 * calls), with fast-check checking after every case:
 *
 * - nothing thrown, not even caught inside (handler-error stays 0);
 * - exact accounting: received === handled + Σ drops;
 * - memory bounds: address book size ≤ its capacity, records ≤ maxRecords;
 *
 * and, after the run, that an honest node still joins through it, stores and reads back.
 * Cases run in chunks with a pause between, so the node's replies leave the socket and its
 * timers run, as they would under a real flood.
 */
import fc from 'fast-check';
import { UdpNode } from '../src/net/udp-node.js';
import { hostileCase } from './hostile.js';

export interface NodeFuzzOptions {
  cases: number;
  seed: number;
  /** Address book capacity of the victim (small: the fuzz reclaims constantly). */
  bookCapacity: number;
  maxRecords: number;
  /** Cases per fc.assert call; the event loop runs between chunks. */
  chunk?: number;
  onProgress?: (done: number) => void;
}

export interface NodeFuzzReport {
  cases: number;
  seconds: number;
  rssBefore: number;
  rssAfter: number;
  state: ReturnType<UdpNode['state']>;
  honest: { joined: boolean; stored: number; readBack: boolean };
}

function sum(counts: Record<string, number> | Map<string, number>): number {
  let n = 0;
  for (const v of counts instanceof Map ? counts.values() : Object.values(counts)) n += v;
  return n;
}

/** Runs the fuzz; throws (with fast-check's counterexample and seed) when an invariant breaks. */
export async function fuzzNode(opts: NodeFuzzOptions): Promise<NodeFuzzReport> {
  const victim = await UdpNode.create({ listen: '127.0.0.1:0', seed: opts.seed, rateLimit: false, addressBookCapacity: opts.bookCapacity, config: { maxRecords: opts.maxRecords } });
  const honestId = new Uint8Array(20).fill(0x42);
  const acc = victim.accounts;
  const property = fc.property(hostileCase([victim.id, honestId]), (c) => {
    victim.ingest(c.bytes, c.from);
    if (acc.drops.has('handler-error') || acc.innerDrops.has('handler-error')) throw new Error('a handler threw');
    if (acc.received !== acc.handled + sum(acc.drops)) throw new Error(`accounts: ${acc.received} received ≠ ${acc.handled} handled + ${sum(acc.drops)} dropped`);
    if (victim.book.size > victim.book.capacity) throw new Error(`address book holds ${victim.book.size} > ${victim.book.capacity}`);
    if (victim.core.recordCount > opts.maxRecords) throw new Error(`${victim.core.recordCount} records > ${opts.maxRecords}`);
  });
  const chunk = opts.chunk ?? 10_000;
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  try {
    for (let done = 0, i = 0; done < opts.cases; i++) {
      const n = Math.min(chunk, opts.cases - done);
      fc.assert(property, { numRuns: n, seed: opts.seed + i, endOnFailure: true });
      done += n;
      opts.onProgress?.(done);
      await new Promise((r) => setTimeout(r, 0));
    }
    const seconds = (performance.now() - start) / 1000;
    const rssAfter = process.memoryUsage().rss;
    const state = victim.state();
    const honest = await honestRoundTrip(victim);
    return { cases: opts.cases, seconds, rssBefore, rssAfter, state, honest };
  } finally {
    await victim.close();
  }
}

/** A fresh node joins through the victim and stores; a second fresh node reads the value back. */
export async function honestRoundTrip(victim: UdpNode): Promise<NodeFuzzReport['honest']> {
  // Strangers in the victim's table never answer: a short first timeout; a floor of 500 ms so a busy machine does not time out the honest STOREs.
  const config = { initialTimeoutMs: 500, minTimeoutMs: 500, maxTimeoutMs: 1000 };
  const writer = await UdpNode.create({ listen: '127.0.0.1:0', seed: 901, config });
  const reader = await UdpNode.create({ listen: '127.0.0.1:0', seed: 902, config });
  try {
    const joined = (await writer.join([victim.addressText])).ok && (await reader.join([victim.addressText])).ok;
    const put = await writer.put('honest-after-fuzz', 'still served');
    const got = await reader.get('honest-after-fuzz');
    return { joined, stored: put.stored, readBack: got.found && new TextDecoder().decode(got.value) === 'still served' };
  } finally {
    await Promise.all([writer.close(), reader.close()]);
  }
}
