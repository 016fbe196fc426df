/**
 * The ID defences of issue 13 at one node: BEP 42 against its published test vectors; a contact
 * whose ID does not match its address gets no table slot under idFromIp (counted once per
 * refusal under 'id-not-from-ip') and no shortlist place; a puzzle-failing ID is refused under
 * 'id-puzzle-failed'; restrictSearchIps keeps one shortlist entry per /24. With the rules off,
 * the same contacts are taken.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type KadConfig } from '../../src/core/config.js';
import { ID_WORDS, idToWords } from '../../src/core/id.js';
import { IdCheck, IdFault } from '../../src/core/id-check.js';
import { leadingZeroBits, puzzleHolds } from '../../src/core/id-puzzle.js';
import { KadNode } from '../../src/core/index.js';
import { deriveIdFromIp, idMatchesIp } from '../../src/core/ip-ids.js';
import { MessageType } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { honestId } from '../../src/swarm/identities.js';
import { drain } from '../helpers/drain-node.js';

const ipv4 = (s: string) => s.split('.').reduce((a, o) => ((a << 8) | Number(o)) >>> 0, 0);
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

// BEP 42's table: IP, rand, a node ID it allows.
const VECTORS: Array<[string, string]> = [
  ['124.31.75.21', '5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401'],
  ['21.75.31.124', '5a3ce9c14e7a08645677bbd1cfe7d8f956d53256'],
  ['65.23.51.170', 'a5d43220bc8f112a3d426c84764f8c2a1150e616'],
  ['84.124.73.14', '1b0321dd1bb1fe518101ceef99462b947a01ff41'],
  ['43.213.53.83', 'e56f6cbf5b7c4be0237986d5243b87aa6d51305a'],
];

describe('BEP 42', () => {
  it('accepts the published IDs for their addresses, and none of them for another address', () => {
    for (const [ip, id] of VECTORS) {
      const words = idToWords(hex(id));
      expect(idMatchesIp(words, 0, ipv4(ip))).toBe(true);
      expect(idMatchesIp(words, 0, ipv4(ip) ^ 0x0100)).toBe(false); // another /24
    }
  });

  it('derives IDs that match (the first vector rebuilt from its random bits)', () => {
    const id = hex(VECTORS[0]![1]);
    const rebuilt = deriveIdFromIp(ipv4('124.31.75.21'), 1, Uint8Array.from(id).fill(0, 0, 2));
    expect(Buffer.from(rebuilt).toString('hex')).toBe(VECTORS[0]![1]);
  });
});

const sha1 = (b: Uint8Array) => new Uint8Array(createHash('sha1').update(b).digest());

/** Node 0 with peers 1..n; peer h at address 10.0.h.1 (its own /24), IDs derived from it unless `forged`. */
function setup(config: Partial<KadConfig>, n: number, forged: Set<number>, sameSubnet = false): { node: KadNode; peers: PeerIds } {
  const rng = new Random(5);
  const peers = new PeerIds();
  for (let h = 0; h <= n; h++) {
    // sameSubnet: every peer but node 1 in 20.0.0.0/24.
    const ip = sameSubnet && h !== 1 ? ((ipv4('20.0.0.0') | (h + 1)) >>> 0) : ((ipv4('20.0.0.1') | (h << 8)) >>> 0);
    peers.setId(h, forged.has(h) ? rng.bytes(20) : deriveIdFromIp(ip, rng.int(8), rng.bytes(20)));
    peers.setGroup(h, ip, ((ip >>> 8) | 0x8000_0000) >>> 0);
  }
  const c = resolveConfig(config);
  if (c.idFromIp || c.idPuzzleBits > 0) peers.idCheck = new IdCheck(peers, c.idFromIp, c.idPuzzleBits, null);
  return { node: new KadNode(0, peers, c, new Random(1), 0), peers };
}

describe('idFromIp at a node', () => {
  it('gives no table slot to a contact whose ID does not match its address, and counts it under one reason', () => {
    const { node } = setup({ idFromIp: true }, 2, new Set([2]));
    node.handle(1, { type: MessageType.Ping, rpc: 1 }, 0);
    node.handle(2, { type: MessageType.Ping, rpc: 2 }, 0);
    node.handle(2, { type: MessageType.Ping, rpc: 3 }, 0);
    const { sent, events } = drain(node);
    expect(sent.length).toBe(3); // it is still answered: refusing a slot is not refusing to talk
    expect(node.table.has(1)).toBe(true);
    expect(node.table.has(2)).toBe(false);
    expect(events.filter((e) => e.type === 'drop')).toEqual([
      { type: 'drop', reason: 'id-not-from-ip' },
      { type: 'drop', reason: 'id-not-from-ip' },
    ]);
  });

  it('takes the same contact with the rule off', () => {
    const { node } = setup({}, 2, new Set([2]));
    node.handle(2, { type: MessageType.Ping, rpc: 2 }, 0);
    expect(node.table.has(2)).toBe(true);
  });

  it('never asks a forged contact a reply names', () => {
    for (const on of [true, false]) {
      const { node } = setup({ idFromIp: on }, 30, new Set([20, 21, 22]));
      node.addContact(1);
      node.findNode(new Random(9).bytes(20), 0, 1);
      const first = drain(node).sent[0]!;
      node.handle(first.to, { type: MessageType.Nodes, rpc: first.msg.rpc, contacts: Uint32Array.of(20, 21, 22, 5) }, 1);
      const asked = drain(node).sent.map((s) => s.to);
      if (on) expect(asked).toEqual([5]);
      else expect(asked.some((h) => h >= 20)).toBe(true);
    }
  });
});

describe('restrictSearchIps', () => {
  it('keeps one shortlist entry per /24: of four contacts in one, the first offered is the only one asked', () => {
    for (const on of [true, false]) {
      const { node } = setup({ restrictSearchIps: on, alpha: 8 }, 10, new Set(), true);
      node.addContact(1);
      node.findNode(new Random(9).bytes(20), 0, 1);
      const first = drain(node).sent[0]!;
      node.handle(first.to, { type: MessageType.Nodes, rpc: first.msg.rpc, contacts: Uint32Array.of(3, 4, 5, 6) }, 1);
      const asked = drain(node).sent.map((s) => s.to);
      expect(asked).toEqual(on ? [3] : expect.arrayContaining([3, 4, 5, 6]));
    }
  });
});

describe('the static puzzle', () => {
  it('refuses an ID that is not SHA-1 of its key or whose SHA-1 lacks the zeros; takes a minted one', () => {
    const bits = 8;
    const keys = new Uint32Array(3 * 3);
    const peers = new PeerIds();
    const c = resolveConfig({ idPuzzleBits: bits });
    peers.setId(0, new Random(1).bytes(20));
    peers.setId(1, honestId(7, 1, 0, c, keys)); // minted: SHA-1(key), and SHA-1 of it has 8 zeros
    peers.setId(2, new Random(2).bytes(20)); // a free choice
    const keyOf = (h: number) => {
      const b = new Uint8Array(12);
      const v = new DataView(b.buffer);
      for (let w = 0; w < 3; w++) v.setUint32(w * 4, keys[h * 3 + w]!);
      return b;
    };
    expect(leadingZeroBits(sha1(peers.idOf(1)))).toBeGreaterThanOrEqual(bits);
    expect(puzzleHolds(peers.words, 1 * ID_WORDS, bits, keyOf(1))).toBe(true);
    expect(puzzleHolds(peers.words, 1 * ID_WORDS, bits, keyOf(2))).toBe(false); // someone else's key
    peers.idCheck = new IdCheck(peers, false, bits, keyOf);
    expect(peers.idCheck.fault(1)).toBe(IdFault.None);
    expect(peers.idCheck.fault(2)).toBe(IdFault.Puzzle);
    const node = new KadNode(0, peers, c, new Random(1), 0);
    node.handle(1, { type: MessageType.Ping, rpc: 1 }, 0);
    node.handle(2, { type: MessageType.Ping, rpc: 2 }, 0);
    const { events } = drain(node);
    expect(node.table.has(1)).toBe(true);
    expect(node.table.has(2)).toBe(false);
    expect(events.filter((e) => e.type === 'drop')).toEqual([{ type: 'drop', reason: 'id-puzzle-failed' }]);
  });
});
