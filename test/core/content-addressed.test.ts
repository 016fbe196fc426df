/**
 * contentAddressed (issue 13): the core's SHA-1 against node:crypto; a STORE whose value does not
 * hash to its key is refused with its own code; a getter drops a forged VALUE, goes on asking and
 * returns the real one — a forged value is never returned.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { hashesTo } from '../../src/core/content-check.js';
import { KadNode } from '../../src/core/index.js';
import { MessageType, StoreCode, STORE_CODE_NAMES, type Message } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { sha1 } from '../../src/core/sha1.js';
import { drain } from '../helpers/drain-node.js';

const value = new TextEncoder().encode('value42');
const key = new Uint8Array(createHash('sha1').update(value).digest());
const forged = new TextEncoder().encode('forged');

function setup(n: number, contentAddressed: boolean): KadNode {
  const rng = new Random(7);
  const peers = new PeerIds();
  for (let h = 0; h <= n; h++) peers.setId(h, rng.bytes(20));
  const node = new KadNode(0, peers, resolveConfig({ contentAddressed }), new Random(1), 0);
  for (let h = 1; h <= n; h++) node.addContact(h);
  return node;
}

const store = (v: Uint8Array): Message => ({ type: MessageType.Store, rpc: 1, key, value: v, version: 1, ttl: 60_000, cache: false });

describe('the core SHA-1', () => {
  it('equals node:crypto for every length across the block boundaries', () => {
    const rng = new Random(3);
    for (let len = 0; len < 300; len++) {
      const bytes = rng.bytes(len);
      expect(Buffer.from(sha1(bytes)).toString('hex')).toBe(createHash('sha1').update(bytes).digest('hex'));
    }
    expect(hashesTo(value, key)).toBe(true);
    expect(hashesTo(forged, key)).toBe(false);
  });
});

describe('a STORE under contentAddressed', () => {
  it('is refused with not-content-addressed when the value does not hash to the key, kept when it does', () => {
    const node = setup(1, true);
    node.handle(1, store(forged), 0);
    let out = drain(node);
    expect(out.sent[0]!.msg).toMatchObject({ type: MessageType.StoreAck, ok: false, code: StoreCode.NotContentAddressed });
    expect(STORE_CODE_NAMES[StoreCode.NotContentAddressed]).toBe('not-content-addressed');
    expect(out.events).toContainEqual({ type: 'drop', reason: 'store-not-content-addressed' });
    node.handle(1, store(value), 0);
    out = drain(node);
    expect(out.sent[0]!.msg).toMatchObject({ ok: true, code: StoreCode.Ok });
  });

  it('changes nothing with the defence off: the forged value is kept', () => {
    const node = setup(1, false);
    node.handle(1, store(forged), 0);
    expect(drain(node).sent[0]!.msg).toMatchObject({ ok: true });
  });
});

describe('a get under contentAddressed', () => {
  it('drops a forged VALUE, goes on asking and returns the real value; without the defence the forgery wins', () => {
    for (const on of [true, false]) {
      const node = setup(3, on);
      node.get(key, 0, 7);
      const asks = drain(node).sent;
      expect(asks.length).toBe(3);
      node.handle(asks[0]!.to, { type: MessageType.Value, rpc: asks[0]!.msg.rpc, value: forged, version: 9, ttl: 1000 }, 1);
      let out = drain(node);
      if (!on) {
        expect(out.events.find((e) => e.type === 'done')).toMatchObject({ kind: 'get', result: { found: true, value: forged } });
        continue;
      }
      expect(out.events).toContainEqual({ type: 'drop', reason: 'value-not-content-addressed' });
      expect(out.events.some((e) => e.type === 'done')).toBe(false);
      node.handle(asks[1]!.to, { type: MessageType.Value, rpc: asks[1]!.msg.rpc, value, version: 1, ttl: 1000 }, 2);
      out = drain(node);
      expect(out.events.find((e) => e.type === 'done')).toMatchObject({ kind: 'get', result: { found: true, value } });
    }
  });
});
