/**
 * The sources kind in one node: the store's identity, caps and page cursors (which must not skip
 * a value when another expires between two pages), and findSources driven by hand against a
 * holder that answers with a cursor that does not move (it must not be asked forever).
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { KadNode, type DoneEvent, type NodeEvent } from '../../src/core/index.js';
import { MessageType, type Message } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { SOURCE_ENTRY_OVERHEAD_BYTES } from '../../src/core/source-sizes.js';
import { SourceOutcome, SourceStore } from '../../src/core/sources.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const key = new Uint8Array(20).fill(4);
const pub = (n: number): Uint8Array => new Uint8Array(20).fill(n);
const NO_QUOTA = { maxStoreBytes: 1e9, storeSourceShare: 1 };

describe('SourceStore', () => {
  it('bounds a flood of fresh keys: one group gets its share, another still stores, the whole store its cap', () => {
    const cost = 10 + SOURCE_ENTRY_OVERHEAD_BYTES; // a 10-byte value with its entry header
    const s = new SourceStore({ maxSourcesPerKey: 256, maxSourceBytesPerKey: 65536, maxStoreBytes: 100 * cost, storeSourceShare: 0.25 });
    const fresh = (i: number): Uint8Array => new Random(i + 1).bytes(20);
    const outcomes = Array.from({ length: 1000 }, (_, i) => s.add(fresh(i), enc('0123456789'), pub(9), 1000, 0, 7));
    expect(outcomes.filter((o) => o === SourceOutcome.Stored).length).toBe(25); // a quarter of 100 values
    expect(outcomes.filter((o) => o === SourceOutcome.OverQuota).length).toBe(975);
    expect(s.groupBytes(7)).toBe(25 * cost);
    // Other groups fill the rest, and then the store is full for everyone.
    let stored = 0;
    for (let g = 100; g < 110; g++) for (let i = 0; i < 25; i++) if (s.add(fresh(g * 1000 + i), enc('0123456789'), pub(g), 1000, 0, g) === SourceOutcome.Stored) stored++;
    expect(stored).toBe(75);
    expect(s.bytes).toBe(100 * cost);
    expect(s.add(fresh(999_999), enc('0123456789'), pub(1), 1000, 0, 1)).toBe(SourceOutcome.Full);
    // Expired values give their room back (the group's share too).
    expect(s.add(fresh(999_998), enc('0123456789'), pub(1), 2000, 1000, 1)).toBe(SourceOutcome.Stored);
    expect(s.groupBytes(7)).toBe(0);
    expect(s.bytes).toBe(cost);
  });

  it('keeps one value per (publisher, value); a repeat refreshes its expiry, never shortens it', () => {
    const s = new SourceStore({ ...NO_QUOTA, maxSourcesPerKey: 10, maxSourceBytesPerKey: 1000 });
    expect(s.add(key, enc('a'), pub(1), 100, 0)).toBe(SourceOutcome.Stored);
    expect(s.add(key, enc('a'), pub(2), 100, 0)).toBe(SourceOutcome.Stored);
    expect(s.add(key, enc('b'), pub(1), 100, 0)).toBe(SourceOutcome.Stored);
    expect(s.add(key, enc('a'), pub(1), 300, 10)).toBe(SourceOutcome.Refreshed);
    expect(s.add(key, enc('a'), pub(1), 200, 20)).toBe(SourceOutcome.Refreshed);
    const page = s.page(key, 0, Infinity, 150);
    expect(page.entries.map((e) => `${e.publisher[0]} ${dec(e.value)} ${e.ttl}`)).toEqual(['1 a 150']);
    expect(page.next).toBe(0);
  });

  it('refuses past maxSourcesPerKey and past maxSourceBytesPerKey; an expired value frees its place', () => {
    const s = new SourceStore({ ...NO_QUOTA, maxSourcesPerKey: 2, maxSourceBytesPerKey: 10 });
    expect(s.add(key, enc('1234'), pub(1), 50, 0)).toBe(SourceOutcome.Stored);
    expect(s.add(key, enc('5678'), pub(2), 100, 0)).toBe(SourceOutcome.Stored);
    expect(s.add(key, enc('9'), pub(3), 100, 0)).toBe(SourceOutcome.TooManyValues);
    expect(s.add(key, enc('5678'), pub(2), 120, 1)).toBe(SourceOutcome.Refreshed); // a refresh is no new value
    expect(s.add(key, enc('abcdefg'), pub(3), 100, 60)).toBe(SourceOutcome.TooManyBytes); // 4 + 7 > 10 once the first expired
    expect(s.add(key, enc('abcdef'), pub(3), 100, 60)).toBe(SourceOutcome.Stored);
    expect(s.sweep(60)).toBe(100);
    expect(s.sweep(200)).toBe(Infinity);
    expect(s.size).toBe(0);
  });

  it('pages by budget with cursors that survive a value expiring between two pages', () => {
    const s = new SourceStore({ ...NO_QUOTA, maxSourcesPerKey: 100, maxSourceBytesPerKey: 10_000 });
    for (let i = 0; i < 10; i++) s.add(key, enc(`v${i}`), pub(i), i === 3 ? 50 : 1000, 0);
    const cost = 2 + SOURCE_ENTRY_OVERHEAD_BYTES;
    const first = s.page(key, 0, 4 * cost, 10);
    expect(first.entries.map((e) => dec(e.value))).toEqual(['v0', 'v1', 'v2', 'v3']);
    // v3 expires; the next page starts at v4 all the same.
    const second = s.page(key, first.next, 4 * cost, 60);
    expect(second.entries.map((e) => dec(e.value))).toEqual(['v4', 'v5', 'v6', 'v7']);
    const third = s.page(key, second.next, 4 * cost, 60);
    expect([third.entries.map((e) => dec(e.value)), third.next]).toEqual([['v8', 'v9'], 0]);
    expect(s.page(key, 0, cost - 1, 60)).toEqual({ entries: [], next: 1 }); // nothing fits: the cursor still names the first value
  });
});

describe('findSources against a holder whose cursor does not move', () => {
  it('asks for the next page once, then stops, and returns what it got', () => {
    const rng = new Random(3);
    const peers = new PeerIds();
    for (let h = 0; h <= 1; h++) peers.setId(h, rng.bytes(20));
    const node = new KadNode(0, peers, resolveConfig({ k: 1 }), new Random(5, 0), 0);
    node.addContact(1);
    node.findSources(key, 0, 9);
    const sent: Message[] = [];
    const reply = (next: number, value: string): void => {
      const m = node.pollTransmit()!;
      sent.push(m);
      node.handle(1, { type: MessageType.Sources, rpc: m.rpc, entries: [{ value: enc(value), publisher: pub(7), ttl: 500 }], next, contacts: new Uint32Array(0) }, 1);
    };
    reply(5, 'first');
    reply(5, 'again'); // the same cursor it was asked for
    expect(node.pollTransmit()).toBeNull();
    expect(sent.map((m) => (m.type === MessageType.FindSources ? m.cursor : -1))).toEqual([0, 5]);
    const evs: NodeEvent[] = [];
    for (let e = node.pollEvent(); e !== null; e = node.pollEvent()) evs.push(e);
    const done = evs.find((e): e is DoneEvent => e.type === 'done')!;
    if (done.kind !== 'find-sources') throw new Error(`unexpected ${done.kind}`);
    expect([done.op, done.result.values.map((v) => dec(v.value)).sort(), done.result.contributors, done.result.rpcs]).toEqual([9, ['again', 'first'], 1, 2]);
  });
});
