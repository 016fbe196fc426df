/**
 * Signed records at the core with an injected verifier (the real one is node:crypto's, in
 * src/net): a STORE is verified only when it could be kept, a node without a verifier keeps
 * none, and a getter drops a VALUE whose signature fails and goes on asking.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { KadNode } from '../../src/core/index.js';
import { MessageType, StoreCode, type Message, type SignedPart } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { signedPayload, type SignatureVerifier } from '../../src/core/signed.js';
import { drain } from '../helpers/drain-node.js';

const B = 1;
const part: SignedPart = { publicKey: new Uint8Array(32).fill(1), salt: new Uint8Array(0), signature: new Uint8Array(64).fill(2) };
const key = new Uint8Array(20).fill(9);

function setup(n: number, verifier: SignatureVerifier | null): KadNode {
  const rng = new Random(7);
  const peers = new PeerIds();
  for (let h = 0; h <= n; h++) peers.setId(h, rng.bytes(20));
  const node = new KadNode(0, peers, resolveConfig(), new Random(1), 0);
  node.verifier = verifier;
  for (let h = 1; h <= n; h++) node.addContact(h);
  return node;
}

/** A verifier that says `answer` and counts its calls. */
function counting(answer: boolean): SignatureVerifier & { calls: number } {
  return {
    calls: 0,
    verify() {
      this.calls++;
      return answer;
    },
  };
}

const signedStore = (rpc: number, seq: number, value: number): Message => ({ type: MessageType.Store, rpc, key, value: Uint8Array.of(value), version: seq, ttl: 60_000, cache: false, signed: part });
const ack = (node: KadNode, msg: Message) => {
  node.handle(B, msg, 0);
  return drain(node).sent[0]!.msg;
};

describe('signed STOREs', () => {
  it('are refused with code 6 by a node without a verifier, and by one whose verifier says no', () => {
    expect(ack(setup(1, null), signedStore(1, 1, 1))).toMatchObject({ ok: false, code: StoreCode.BadSignature });
    expect(ack(setup(1, counting(false)), signedStore(1, 1, 1))).toMatchObject({ ok: false, code: StoreCode.BadSignature });
  });

  it('are verified only when they could be kept: a lower or equal seq is refused unverified, an exact refresh needs no proof', () => {
    const v = counting(true);
    const node = setup(1, v);
    expect(ack(node, signedStore(1, 5, 1))).toMatchObject({ ok: true, code: 0 });
    expect(v.calls).toBe(1);
    expect(ack(node, signedStore(2, 4, 2))).toMatchObject({ ok: false, code: StoreCode.Conflict });
    expect(ack(node, signedStore(3, 5, 2))).toMatchObject({ ok: false, code: StoreCode.Conflict });
    expect(ack(node, signedStore(4, 5, 1))).toMatchObject({ ok: true });
    expect(v.calls).toBe(1);
    expect(ack(node, signedStore(5, 6, 3))).toMatchObject({ ok: true });
    expect(v.calls).toBe(2);
    expect(node.records!.get(String.fromCharCode(...key), 0)!.value).toEqual(Uint8Array.of(3));
  });
});

describe('a get meeting a signed VALUE', () => {
  it('drops one whose signature fails, goes on asking, and takes a valid one with its parts', () => {
    for (const valid of [false, true]) {
      const node = setup(3, counting(valid));
      node.get(key, 0, 7);
      const asks = drain(node).sent;
      expect(asks.length).toBe(3);
      const first = asks[0]!;
      node.handle(first.to, { type: MessageType.Value, rpc: first.msg.rpc, value: Uint8Array.of(1), version: 9, ttl: 1000, signed: part }, 1);
      let out = drain(node);
      if (valid) {
        const done = out.events.find((e) => e.type === 'done');
        expect(done).toMatchObject({ kind: 'get', result: { found: true, version: 9, signed: part } });
        continue;
      }
      expect(out.events).toContainEqual({ type: 'drop', reason: 'value-bad-signature' });
      expect(out.events.some((e) => e.type === 'done')).toBe(false);
      for (const other of asks.slice(1)) node.handle(other.to, { type: MessageType.Nodes, rpc: other.msg.rpc, contacts: new Uint32Array(0) }, 2);
      out = drain(node);
      expect(out.events.find((e) => e.type === 'done')).toMatchObject({ kind: 'get', result: { found: false } });
    }
  });
});

describe('the signed payload', () => {
  it('is BEP 44\'s bencoded form, the salt part only when there is a salt', () => {
    const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
    expect(text(signedPayload(new Uint8Array(0), 1, Buffer.from('Hello World!')))).toBe('3:seqi1e1:v12:Hello World!');
    expect(text(signedPayload(Buffer.from('foobar'), 1, Buffer.from('Hello World!')))).toBe('4:salt6:foobar3:seqi1e1:v12:Hello World!');
  });
});
