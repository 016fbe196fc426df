/**
 * Write tokens (BEP 5) at the core, in virtual time: a STORE is kept only with the token the
 * node handed that address; a token made under the previous secret still works for one
 * rotation, an older one does not; the token of one address is worthless at another.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, MINUTE } from '../../src/core/config.js';
import { KadNode } from '../../src/core/index.js';
import { keyFromString } from '../../src/core/key.js';
import { MessageType, StoreCode, type Message } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { WriteTokens } from '../../src/core/write-tokens.js';

const ROTATE = 5 * MINUTE;

describe('WriteTokens', () => {
  it('binds a token to its address key, for the current and the previous secret only', () => {
    const t = new WriteTokens(new Random(1), ROTATE);
    const mine = t.issue(42, 0);
    expect(mine.length).toBe(8);
    expect(t.valid(42, mine, 0)).toBe(true);
    expect(t.valid(43, mine, 0)).toBe(false);
    expect(t.valid(42, new Uint8Array(8), 0)).toBe(false);
    expect(t.valid(42, mine.subarray(0, 7), 0)).toBe(false);
    expect(t.valid(42, undefined, 0)).toBe(false);
    // One rotation later the token is the previous secret's: still accepted.
    expect(t.valid(42, mine, ROTATE)).toBe(true);
    expect(t.issue(42, ROTATE)).not.toEqual(mine);
    // A second rotation retires it.
    expect(t.valid(42, mine, 2 * ROTATE)).toBe(false);
  });

  it('a node idle for two rotations accepts no earlier token', () => {
    const t = new WriteTokens(new Random(2), ROTATE);
    const token = t.issue(7, 0);
    expect(t.valid(7, token, 2 * ROTATE + 1)).toBe(false);
  });

  it('tokens of different addresses and of different nodes differ (no two of 10,000 alike)', () => {
    const a = new WriteTokens(new Random(3), ROTATE);
    const b = new WriteTokens(new Random(4), ROTATE);
    const seen = new Set<string>();
    for (let k = 0; k < 5000; k++) {
      seen.add(Buffer.from(a.issue(k, 0)).toString('hex'));
      seen.add(Buffer.from(b.issue(k, 0)).toString('hex'));
    }
    expect(seen.size).toBe(10_000);
  });
});

describe('a node that requires write tokens', () => {
  const B = 1;
  const C = 2;
  function node(): KadNode {
    const rng = new Random(9);
    const peers = new PeerIds();
    for (let h = 0; h <= 2; h++) peers.setId(h, rng.bytes(20));
    return new KadNode(0, peers, resolveConfig({ requireWriteTokens: true }), new Random(5), 0);
  }
  const drain = (n: KadNode): Message[] => {
    const out: Message[] = [];
    for (let m = n.pollTransmit(); m !== null; m = n.pollTransmit()) out.push(m);
    while (n.pollEvent()) {}
    return out;
  };
  const store = (rpc: number, token?: Uint8Array): Message => {
    const m: Message = { type: MessageType.Store, rpc, key: keyFromString(`k${rpc}`), value: Uint8Array.of(rpc), version: 1, ttl: 60 * MINUTE, cache: false };
    if (token) m.token = token;
    return m;
  };
  const ackOf = (n: KadNode, from: number, msg: Message, now: number) => {
    n.handle(from, msg, now);
    return drain(n).find((m) => m.type === MessageType.StoreAck);
  };

  it('hands a token in NODES and VALUE, and keeps a STORE only with the sender\'s own, unexpired token', () => {
    const n = node();
    n.handle(B, { type: MessageType.FindNode, rpc: 1, target: new Uint8Array(20) }, 0);
    const [nodes] = drain(n);
    if (nodes?.type !== MessageType.Nodes) throw new Error('no NODES reply');
    const token = nodes.token!;
    expect(token.length).toBe(8);

    expect(ackOf(n, B, store(2), 0)).toEqual({ type: MessageType.StoreAck, rpc: 2, ok: false, code: StoreCode.BadToken });
    expect(ackOf(n, B, store(3, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8])), 0)).toMatchObject({ ok: false, code: StoreCode.BadToken });
    expect(ackOf(n, C, store(4, token), 0)).toMatchObject({ ok: false, code: StoreCode.BadToken }); // B's token, from C
    expect(ackOf(n, B, store(5, token), 0)).toEqual({ type: MessageType.StoreAck, rpc: 5, ok: true, code: StoreCode.Ok });
    expect(ackOf(n, B, store(6, token), ROTATE + 1)).toMatchObject({ ok: true }); // the previous secret's
    expect(ackOf(n, B, store(7, token), 2 * ROTATE + 2)).toMatchObject({ ok: false, code: StoreCode.BadToken }); // stale
    expect(n.recordCount).toBe(2);

    // A VALUE reply carries a fresh token too.
    n.handle(B, { type: MessageType.FindValue, rpc: 8, key: keyFromString('k5') }, 2 * ROTATE + 3);
    const [value] = drain(n);
    expect(value).toMatchObject({ type: MessageType.Value, value: Uint8Array.of(5) });
    expect(ackOf(n, B, store(9, (value as { token: Uint8Array }).token), 2 * ROTATE + 4)).toMatchObject({ ok: true });
  });

  it('a node without the setting hands no token and draws nothing for one', () => {
    const rng = new Random(9);
    const peers = new PeerIds();
    for (let h = 0; h <= 1; h++) peers.setId(h, rng.bytes(20));
    const stream = new Random(5);
    const n = new KadNode(0, peers, resolveConfig(), stream, 0);
    n.handle(B, { type: MessageType.FindNode, rpc: 1, target: new Uint8Array(20) }, 0);
    const [nodes] = drain(n);
    expect(nodes).toEqual({ type: MessageType.Nodes, rpc: 1, contacts: new Uint32Array(0) });
    // The node continues the stream it was given (node-random.ts): its next draw is the first.
    expect(n.rng.nextU32()).toBe(new Random(5).nextU32());
    expect(ackOf(n, B, store(2), 0)).toMatchObject({ ok: true, code: 0 });
  });
});
