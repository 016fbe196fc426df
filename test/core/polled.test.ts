/**
 * The polled core driven by hand: what comes out of pollTransmit / pollTimeout
 * / pollEvent for a given input, checked against what the protocol says must
 * happen (deadlines from the configured timeouts, one 'done' per operation,
 * no transmit for a local answer), plus the timer table on its own.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, type KadConfig } from '../../src/core/config.js';
import { KadNode, type DoneEvent, type NodeEvent } from '../../src/core/index.js';
import { keyFromString } from '../../src/core/key.js';
import { MessageType, type Message } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { NodeTimers, TimerKind } from '../../src/core/timers.js';

const B = 1;
const C = 2;
const D = 3;

/** Node 0 with peers 1..n known to it; every ID random. */
function setup(n: number, config: Partial<KadConfig> = {}): KadNode {
  const rng = new Random(99);
  const peers = new PeerIds();
  for (let h = 0; h <= n; h++) peers.setId(h, rng.bytes(20));
  const node = new KadNode(0, peers, resolveConfig(config), new Random(5, 0), 0);
  for (let h = 1; h <= n; h++) node.addContact(h);
  return node;
}

function transmits(node: KadNode): Array<{ to: number; msg: Message }> {
  const out: Array<{ to: number; msg: Message }> = [];
  for (let m = node.pollTransmit(); m !== null; m = node.pollTransmit()) out.push({ to: node.transmitTo, msg: m });
  return out;
}

function events(node: KadNode): NodeEvent[] {
  const out: NodeEvent[] = [];
  for (let e = node.pollEvent(); e !== null; e = node.pollEvent()) out.push(e);
  return out;
}

const dones = (evs: NodeEvent[]): DoneEvent[] => evs.filter((e): e is DoneEvent => e.type === 'done');

describe('the timer table', () => {
  it('reports the earliest deadline over every kind, and only the request deadline while dormant', () => {
    const t = new NodeTimers();
    expect(t.earliestTimer()).toBe(Infinity);
    t.setTimer(TimerKind.Refresh, 500);
    t.setTimer(TimerKind.Expire, 200);
    t.setTimer(TimerKind.Rpc, 300);
    expect(t.earliestTimer()).toBe(200);
    t.dormant = true;
    expect(t.earliestTimer()).toBe(300);
    t.rearm();
    t.setTimer(TimerKind.Expire, Infinity);
    expect(t.earliestTimer()).toBe(300);
    t.setTimer(TimerKind.Rpc, Infinity);
    expect(t.earliestTimer()).toBe(500);
    t.lowerTimer(TimerKind.Refresh, 600);
    expect(t.timer(TimerKind.Refresh)).toBe(500); // lower never moves a deadline later
    t.lowerTimer(TimerKind.Refresh, 400);
    expect(t.earliestTimer()).toBe(400);
  });

  it('keeps each node\'s deadlines apart, also across slabs of nodes', () => {
    const timers = Array.from({ length: 2500 }, () => new NodeTimers());
    timers.forEach((t, i) => t.setTimer(TimerKind.Expire, i));
    expect(timers.map((t) => t.earliestTimer())).toEqual(timers.map((_, i) => i));
  });

  it('never wakes later than the earliest pending request; an answered one holds the wake-up until the next tick makes it exact', () => {
    const config = resolveConfig();
    const node = setup(3);
    node.ping(B, 0, 1);
    const [toB] = transmits(node);
    expect(toB!.to).toBe(B);
    expect(node.pollTimeout()).toBe(config.initialTimeoutMs); // no RTT known yet
    node.ping(C, 10, 2);
    const [toC] = transmits(node);
    expect(node.pollTimeout()).toBe(config.initialTimeoutMs);
    node.handle(B, { type: MessageType.Pong, rpc: toB!.msg.rpc }, 20);
    // B's deadline still stands (the host has it queued anyway): the node wakes then for nothing...
    expect(node.pollTimeout()).toBe(config.initialTimeoutMs);
    expect(dones(events(node))).toEqual([{ type: 'done', op: 1, kind: 'ping', result: { alive: true, rttMs: 20 } }]);
    node.handleTimeout(config.initialTimeoutMs);
    expect(events(node)).toEqual([]);
    // ...and from that tick on it asks for C's deadline, set when C was sent.
    expect(node.pollTimeout()).toBe(10 + config.initialTimeoutMs);
    node.handleTimeout(10 + config.initialTimeoutMs);
    const evs = events(node);
    expect(evs).toEqual([
      { type: 'timeout', peer: C, request: MessageType.Ping },
      { type: 'done', op: 2, kind: 'ping', result: { alive: false, rttMs: -1 } },
    ]);
    expect(node.pollTimeout()).toBe(Infinity);
    expect(node.pendingCount).toBe(0);
    // A reply after its request timed out matches nothing.
    node.handle(C, { type: MessageType.Pong, rpc: toC!.msg.rpc }, 2000);
    expect(events(node)).toEqual([{ type: 'drop', reason: 'unmatched-reply' }]);
  });

  it('a stopped node goes dormant: maintenance deadlines come back when it next stores a record', () => {
    const config = resolveConfig();
    const node = setup(2);
    const store = (rpc: number): Message => ({ type: MessageType.Store, rpc, key: keyFromString(`k${rpc}`), value: Uint8Array.of(1), version: 1, ttl: config.expireMs, cache: false });
    node.handle(B, store(7), 0);
    expect(transmits(node)).toEqual([{ to: B, msg: { type: MessageType.StoreAck, rpc: 7, ok: true, code: 0 } }]);
    // The first replica arms replication with ±25 % jitter, before the record's expiry.
    const wake = node.pollTimeout();
    expect(wake).toBeGreaterThanOrEqual(0.75 * config.replicateMs);
    expect(wake).toBeLessThanOrEqual(1.25 * config.replicateMs);
    node.stop(100);
    expect(node.up).toBe(false);
    expect(node.pollTimeout()).toBe(Infinity);
    node.resume();
    expect(node.pollTimeout()).toBe(Infinity); // as the old core: a resumed node waits to be re-armed
    node.handle(C, store(8), 200);
    transmits(node);
    expect(node.pollTimeout()).toBe(wake); // the replication deadline set before the stop
  });
});

describe('polled outputs', () => {
  it('a get of a record held here yields one done event and no transmit', () => {
    const node = setup(3);
    const key = keyFromString('local');
    node.handle(B, { type: MessageType.Store, rpc: 3, key, value: Uint8Array.of(42), version: 9, ttl: 60_000, cache: false }, 0);
    transmits(node);
    expect(events(node).map((e) => e.type)).toEqual(['stored']);
    node.get(key, 10, 7);
    expect(node.pollTransmit()).toBeNull();
    const evs = events(node);
    expect(evs).toHaveLength(1);
    const done = evs[0] as DoneEvent;
    expect(done).toMatchObject({ type: 'done', op: 7, kind: 'get', result: { found: true, version: 9, rpcs: 0 } });
    expect(done.kind === 'get' && Array.from(done.result.value!)).toEqual([42]);
  });

  it('operations on a stopped node end through a queued done and send nothing; the op token defaults to 0', () => {
    const node = setup(3);
    node.stop(0);
    node.ping(B, 5);
    node.findNode(keyFromString('t'), 5, 4);
    expect(node.pollTransmit()).toBeNull();
    const ds = dones(events(node));
    expect(ds.map((d) => [d.op, d.kind])).toEqual([[0, 'ping'], [4, 'find-node']]);
    expect(ds[0]!.result).toEqual({ alive: false, rttMs: -1 });
    expect(ds[1]!.kind === 'find-node' && ds[1]!.result.closest).toEqual([]);
  });

  it('stop ends an operation in flight with its done event, and the node asks for no wake-up', () => {
    const node = setup(4);
    node.findNode(keyFromString('far'), 0, 11);
    const sent = transmits(node);
    expect(sent).toHaveLength(3); // α requests
    expect(node.pollTimeout()).toBeLessThan(Infinity);
    node.stop(50);
    const ds = dones(events(node));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ op: 11, kind: 'find-node', result: { rpcs: 3, responded: 0, closest: [], duration: 50 } });
    expect(node.pendingCount).toBe(0);
    expect(node.pollTimeout()).toBe(Infinity);
    // Replies to what was in flight are ignored while down, and match nothing once back up.
    node.handle(sent[0]!.to, { type: MessageType.Nodes, rpc: sent[0]!.msg.rpc, contacts: new Uint32Array(0) }, 60);
    expect(events(node)).toEqual([]);
    node.resume();
    node.handle(sent[1]!.to, { type: MessageType.Nodes, rpc: sent[1]!.msg.rpc, contacts: new Uint32Array(0) }, 70);
    expect(events(node)).toEqual([{ type: 'drop', reason: 'unmatched-reply' }]);
  });

  it('put refuses a too-large value before doing anything', () => {
    const node = setup(2);
    expect(() => node.put(keyFromString('big'), new Uint8Array(resolveConfig().maxValueBytes + 1), 0, 1)).toThrow(RangeError);
    expect(node.pollTransmit()).toBeNull();
    expect(node.pollEvent()).toBeNull();
    expect(node.pollTimeout()).toBe(Infinity);
  });

  it('a host that calls back into the node while draining events sees the call that made them finished', () => {
    const node = setup(3);
    node.ping(B, 0, 1);
    const [toB] = transmits(node);
    node.handle(B, { type: MessageType.Pong, rpc: toB!.msg.rpc }, 30);
    const seen: string[] = [];
    for (let e = node.pollEvent(); e !== null; e = node.pollEvent()) {
      if (e.type !== 'done') continue;
      seen.push(`done ${e.op}`);
      if (e.op === 1) {
        expect(node.pendingCount).toBe(0); // the answered request is gone before its result is seen
        node.ping(C, 30, 2);
        expect(node.pendingCount).toBe(1);
        node.stop(31); // ends ping 2 at once: its done queues behind, in the same drain
      }
    }
    expect(seen).toEqual(['done 1', 'done 2']);
    // The ping to C was queued before the stop and is still the host's to send (the node forgot it).
    expect(transmits(node).map((t) => t.to)).toEqual([C]);
  });

  it('a late tick: the lookup fails an overdue peer itself, and the request timeout is not counted again', () => {
    const config = resolveConfig({ k: 3, alpha: 2 });
    const node = setup(3, { k: 3, alpha: 2 });
    node.findNode(keyFromString('late'), 0, 5);
    const first = transmits(node);
    expect(first).toHaveLength(2);
    const [slow, quick] = first as [{ to: number; msg: Message }, { to: number; msg: Message }];
    const rest = [B, C, D].find((h) => h !== slow.to && h !== quick.to)!;
    expect(node.pollTimeout()).toBe(config.initialTimeoutMs);
    // The host oversleeps: the first reply arrives half a second after the deadline, before any tick.
    node.handle(quick.to, { type: MessageType.Nodes, rpc: quick.msg.rpc, contacts: new Uint32Array(0) }, 1500);
    const next = transmits(node);
    expect(next.map((t) => t.to)).toEqual([rest]); // the overdue peer's slot went to the third contact
    expect(dones(events(node))).toEqual([]);
    node.handleTimeout(1500);
    expect(events(node)).toEqual([{ type: 'timeout', peer: slow.to, request: MessageType.FindNode }]);
    node.handle(rest, { type: MessageType.Nodes, rpc: next[0]!.msg.rpc, contacts: new Uint32Array(0) }, 1510);
    const ds = dones(events(node));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ op: 5, kind: 'find-node', result: { rpcs: 3, timeouts: 1, responded: 2, timeoutWait: 1500 } });
    expect(ds[0]!.kind === 'find-node' && [...ds[0]!.result.closest].sort()).toEqual([quick.to, rest].sort());
    // The slow peer's request stays as late until its grace deadline, then leaves.
    expect(node.pendingCount).toBe(1);
    node.handleTimeout(1500 + config.maxTimeoutMs);
    expect(node.pendingCount).toBe(0);
  });
});
