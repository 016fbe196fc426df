/**
 * The host loop over a transport of one's own (the README's library example): two polled cores
 * on one loop, messages carried by a hand-run queue and a hand-run clock. Results arrive through
 * the operations' callbacks after the call has returned; a superseded wake-up does nothing.
 */
import { describe, expect, it } from 'vitest';
import { HostLoop, KadNode, PeerIds, Random, resolveConfig, type Message } from '../../src/index.js';

function pair() {
  let now = 0;
  const wire: Array<{ from: number; to: number; msg: Message }> = [];
  const wakes: Array<{ slot: number; at: number }> = [];
  const events: string[] = [];
  const peers = new PeerIds();
  peers.setId(0, new Uint8Array(20).fill(1));
  peers.setId(1, new Uint8Array(20).fill(2));
  const loop = new HostLoop(
    2,
    { send: (from, to, msg) => void wire.push({ from: from.self, to, msg }) },
    { schedule: (slot, at) => void wakes.push({ slot, at }) },
    { event: (_n, ev) => void events.push(ev.type), handlerError: (_n, err) => { throw err; } },
  );
  for (const i of [0, 1]) loop.attach(i, new KadNode(i, peers, resolveConfig({ k: 4 }), new Random(i + 1), now));
  /** Delivers queued messages (10 ms each way) until none is left. */
  const run = (): void => {
    while (wire.length) {
      const m = wire.shift()!;
      now += 10;
      loop.deliver(m.to, m.from, m.msg, now);
    }
  };
  return { loop, wire, wakes, events, run, time: () => now, advance: (t: number) => (now = t) };
}

describe('HostLoop over a hand-made transport', () => {
  it('joins, stores and reads back through two polled cores; callbacks run after the call', () => {
    const { loop, run, time, events } = pair();
    let joined = false;
    loop.join(1, [0], time(), (r) => (joined = r.ok));
    expect(joined).toBe(false); // not inside join(): after the messages have been answered
    run();
    expect(joined).toBe(true);
    const key = new Uint8Array(20).fill(7);
    let stored = -1;
    loop.put(1, key, Uint8Array.of(42), time(), (r) => (stored = r.stored));
    run();
    expect(stored).toBe(2); // node 1 itself and node 0
    expect(events).toContain('stored');
    let value: number[] = [];
    loop.get(0, key, time(), (r) => (value = Array.from(r.value ?? [])));
    expect(value).toEqual([42]); // a local record: done at once, still after get() returned
  });

  it('keeps one wake-up per node: a later request does not replace an earlier one', () => {
    const { loop, wakes, time } = pair();
    let alive: boolean | null = null;
    loop.ping(0, 1, time(), (r) => (alive = r.alive)); // nobody carries the PING: it will time out
    expect(wakes).toHaveLength(1);
    const first = wakes[0]!;
    loop.ping(0, 1, time() + 1, () => {}); // a later deadline: no new wake-up queued
    expect(wakes).toHaveLength(1);
    loop.wake(0, first.at + 1, first.at + 1); // a stale wake-up (not the queued time) does nothing
    expect(alive).toBe(null);
    loop.wake(0, first.at, first.at);
    expect(alive).toBe(false);
  });
});
