/**
 * The swarm's synthetic addresses and the IDs they allow (issue 13's ID defences). A swarm node's
 * address is its index; these give each node an IPv4 address as well, for the diversity limits,
 * BEP 42 and the reports, without a byte more on the wire (every shard reads them from shared
 * memory, as it reads the IDs):
 *
 *   - every honest node gets its own random /24 (and a random host in it);
 *   - the adversaries share `subnets` /24s of their own: adversary j of the plan lives in subnet
 *     j mod S, at host ⌊j / S⌋ mod 254 + 1, unless it minted its ID from a chosen address;
 *   - with idFromIp an honest ID is BEP 42's for its address (ip-ids.ts), the rest random;
 *   - with idPuzzleBits = c an honest ID is SHA-1(key) for the first key (seed, node, counter)
 *     whose ID's SHA-1 has c leading zero bits; with idFromIp too, the ID's free bits are ground
 *     instead (the address binds it). The key lives in `keys` (3 words a node), which is how a
 *     verifier "receives" it: a real network would carry it in the join's messages.
 *
 * Attackers mint through IpIdMinter (here) or PuzzleBudgetMinter (adversary-puzzle.ts), the
 * adversary plan's `mint` hook: the best an attacker can do within its subnets, or within a hash
 * budget.
 *
 * Nothing here runs when no defence that needs addresses is on: the old swarm, byte for byte.
 */
import type { KadConfig } from '../core/config.js';
import { IdCheck } from '../core/id-check.js';
import { leadingZeroBits } from '../core/id-puzzle.js';
import { sha1Into } from '../core/sha1.js';
import { deriveIdFromIp, ipPrefix } from '../core/ip-ids.js';
import type { PeerIds } from '../core/peers.js';
import { Random, deriveSeed } from '../core/random.js';

/** True when a defence needs the synthetic addresses (and, for ID checks, the identity tables). */
export function needsAddresses(c: KadConfig): boolean {
  return c.idFromIp || c.idPuzzleBits > 0 || c.restrictSearchIps || c.maxPerSubnetPerBucket > 0 || c.maxPerIp > 0;
}

export const PUZZLE_KEY_WORDS = 3;

const sha1 = (b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(20);
  sha1Into(b, out);
  return out;
};

/** What the honest IDs cost to grind (issue 13: the puzzle's price per join): SHA-1 evaluations and wall ms. */
export interface IdCost {
  ids: number;
  hashes: number;
  ms: number;
}

/** A /24 as its top 24 bits: first octet 1..223 but not 10 or 127 (looks public, never 0). */
function randomSubnet(rng: Random, taken: Set<number>): number {
  for (;;) {
    const s = rng.int(1 << 24);
    const first = s >>> 16;
    if (first === 0 || first === 10 || first === 127 || first > 223 || taken.has(s)) continue;
    taken.add(s);
    return s;
  }
}

/** The adversaries' S subnets, from the seed alone (the minters and the address plan agree on them). */
export function adversarySubnets(seed: number, subnets: number): number[] {
  const rng = new Random(deriveSeed(seed, 0x5b), 0x24);
  const taken = new Set<number>();
  return Array.from({ length: subnets }, () => randomSubnet(rng, taken));
}

export interface AddressPlanInput {
  nodes: number;
  seed: number;
  /** 1 for an adversary, by node index; null: every node honest. */
  adversaries: Uint8Array | null;
  subnets: number;
}

/** IPv4 addresses (u32) of every node, in a SharedArrayBuffer every shard reads. */
export function assignAddresses(p: AddressPlanInput): Uint32Array {
  const ips = new Uint32Array(new SharedArrayBuffer(p.nodes * 4));
  const bad = adversarySubnets(p.seed, p.subnets);
  const taken = new Set<number>(bad);
  const rng = new Random(deriveSeed(p.seed, 0x1b), 0x24);
  let j = 0;
  for (let i = 0; i < p.nodes; i++) {
    if (p.adversaries !== null && p.adversaries[i] === 1) {
      ips[i] = ((bad[j % p.subnets]! << 8) | ((Math.floor(j / p.subnets) % 254) + 1)) >>> 0;
      j++;
    } else {
      ips[i] = ((randomSubnet(rng, taken) << 8) | (1 + rng.int(254))) >>> 0;
    }
  }
  return ips;
}

/** An honest node's ID under the configured rules; `keys` receives its puzzle key (3 words at node·3). */
export function honestId(seed: number, node: number, ip: number, c: KadConfig, keys: Uint32Array | null, cost?: IdCost): Uint8Array {
  const rng = new Random(deriveSeed(seed, node), 0x1d);
  if (cost) cost.ids++;
  if (c.idFromIp) {
    for (;;) {
      const id = deriveIdFromIp(ip, rng.int(8), rng.bytes(20));
      if (c.idPuzzleBits === 0) return id;
      if (cost) cost.hashes++;
      if (leadingZeroBits(sha1(id)) >= c.idPuzzleBits) return id;
    }
  }
  const key = new Uint8Array(PUZZLE_KEY_WORDS * 4);
  const view = new DataView(key.buffer);
  view.setUint32(0, seed >>> 0);
  view.setUint32(4, node >>> 0);
  for (let counter = 0; ; counter++) {
    view.setUint32(8, counter);
    const id = sha1(key);
    if (cost) cost.hashes += 2;
    if (leadingZeroBits(sha1(id)) >= c.idPuzzleBits) {
      if (keys) for (let w = 0; w < PUZZLE_KEY_WORDS; w++) keys[node * PUZZLE_KEY_WORDS + w] = view.getUint32(w * 4);
      return id;
    }
  }
}

/**
 * Installs the addresses on a shard's PeerIds (the diversity keys: the IP, and its /24 marked as
 * ip-groups.ts marks it) and, when an ID rule is on, the ID check reading `keys`.
 */
export function installIdentities(peers: PeerIds, c: KadConfig, ips: Uint32Array, keys: Uint32Array | null): void {
  for (let h = 0; h < ips.length; h++) peers.setGroup(h, ips[h]!, ((ips[h]! >>> 8) | 0x8000_0000) >>> 0);
  if (!c.idFromIp && c.idPuzzleBits === 0) return;
  const keyOf =
    keys === null
      ? null
      : (h: number): Uint8Array | null => {
          const out = new Uint8Array(PUZZLE_KEY_WORDS * 4);
          const view = new DataView(out.buffer);
          for (let w = 0; w < PUZZLE_KEY_WORDS; w++) view.setUint32(w * 4, keys[h * PUZZLE_KEY_WORDS + w]!);
          return out;
        };
  peers.idCheck = new IdCheck(peers, c.idFromIp, c.idPuzzleBits, keyOf);
}

/** XOR distance of a 21-bit prefix (top bits of a u32) to the target's first word, on the top 21 bits. */
const prefixGap = (prefix: number, targetWord: number): number => ((prefix ^ targetWord) & 0xfffff800) >>> 0;

/**
 * An attacker under BEP 42: for each target it ranks every (address, r) its subnets offer by how
 * close the prefix comes to the target, and minter m of that target takes the m-th best, with the
 * target's own bits after the prefix (the closest an ID with that prefix can be). `ipOf[ordinal]`
 * is the address the minted ID needs.
 */
export class IpIdMinter {
  readonly ipOf = new Map<number, number>();
  private readonly ranked = new Map<string, Array<{ ip: number; r: number; prefix: number }>>();
  private readonly used = new Map<string, number>();

  constructor(private readonly subnets: number[]) {}

  mint(ordinal: number, target: Uint8Array, rng: Random): Uint8Array {
    const tag = Buffer.from(target).toString('hex');
    let list = this.ranked.get(tag);
    const t0 = ((target[0]! << 24) | (target[1]! << 16) | (target[2]! << 8) | target[3]!) >>> 0;
    if (!list) {
      list = [];
      for (const s of this.subnets) for (let host = 1; host <= 254; host++) for (let r = 0; r < 8; r++) {
        const ip = ((s << 8) | host) >>> 0;
        list.push({ ip, r, prefix: ipPrefix(ip, r) });
      }
      list.sort((a, b) => prefixGap(a.prefix, t0) - prefixGap(b.prefix, t0));
      this.ranked.set(tag, list);
    }
    const m = this.used.get(tag) ?? 0;
    this.used.set(tag, m + 1);
    const pick = list[m % list.length]!;
    const id = target.slice();
    // Past the prefix: the target's bits to the end of the fourth byte, then random (distinct minters, distinct IDs).
    id.set(rng.bytes(15), 4);
    deriveIdFromIp(pick.ip, pick.r, id);
    this.ipOf.set(ordinal, pick.ip);
    return id;
  }
}
