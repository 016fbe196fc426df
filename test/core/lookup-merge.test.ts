/**
 * Lookup.addAll (a reply's contacts merged into the shortlist in one pass) against the truth it
 * replaces: `add` for each contact in turn. Two twin lookups see the same requests, answers,
 * failures and late replies; one takes each reply through addAll (as onSuccess does), the other
 * through add one by one; after every step their lists (handles, states, depths) must be equal.
 * Replies hold duplicates, the asking node, a second handle under a known ID and far contacts that
 * cannot enter, and small capacities make the farthest give way often. In a "clashing" world many
 * IDs share their first 64 bits, so distance keys (the top 53 bits) are often equal and the full
 * comparison decides: at the list's last candidate, in the search of the list and in the sort of
 * the newcomers.
 */
import { describe, expect, it } from 'vitest';
import { Lookup, LookupKind, NEXT_FINISHED, PeerState } from '../../src/core/lookup.js';
import { PeerIds } from '../../src/core/peers.js';
import { ID_BYTES, ID_WORDS, idToWords } from '../../src/core/id.js';
import { Random } from '../../src/core/random.js';

const SELF = 0;

const listOf = (l: Lookup) => ({
  handles: Array.from(l.handles.subarray(0, l.size)),
  states: Array.from(l.states.subarray(0, l.size)),
  depths: Array.from(l.depths.subarray(0, l.size)),
});

/**
 * A world of `n` random peers (handle 0 asks), plus `twins` handles that copy another's ID. With
 * `clash`, IDs take their first 8 bytes from 4 choices (the target from the same), so most share
 * their distance key with others.
 */
/** A comparator of handles by XOR distance of their IDs from `target`, word by word (the truth the lists are checked against). */
function distanceOrder(peers: PeerIds, target: Uint32Array): (a: number, b: number) => number {
  return (a, b) => {
    for (let w = 0; w < ID_WORDS; w++) {
      const da = (peers.words[a * ID_WORDS + w]! ^ target[w]!) >>> 0;
      const db = (peers.words[b * ID_WORDS + w]! ^ target[w]!) >>> 0;
      if (da !== db) return da - db;
    }
    return 0;
  };
}

function world(rng: Random, n: number, twins: number, clash = false): { peers: PeerIds; target: Uint32Array; all: number[] } {
  const peers = new PeerIds();
  const heads = Array.from({ length: 4 }, () => rng.bytes(8));
  const id = (): Uint8Array => {
    const b = rng.bytes(ID_BYTES);
    if (clash) b.set(heads[rng.int(4)]!, 0);
    return b;
  };
  for (let h = 0; h < n; h++) peers.setId(h, id());
  for (let t = 0; t < twins; t++) peers.setId(n + t, peers.idOf(1 + rng.int(n - 1)));
  const all = Array.from({ length: n + twins - 1 }, (_, i) => i + 1);
  return { peers, target: idToWords(id()), all };
}

/** The longest list any twinRun reached (the slot marks of newcomers.ts hold up to 255 candidates). */
let largest = 0;

function twinRun(seed: number, opts: { n: number; want: number; alpha: number; capacity: number; reply: number; dead: number; late: number; clash?: boolean }): number {
  const rng = new Random(seed);
  const { peers, target, all } = world(rng, opts.n, 8, opts.clash);
  const merged = new Lookup(LookupKind.FindNode, peers, target, 0, opts.want, opts.alpha, opts.capacity, SELF);
  const single = new Lookup(LookupKind.FindNode, peers, target, 0, opts.want, opts.alpha, opts.capacity, SELF);
  const reply = (): number[] => {
    const out: number[] = [];
    for (let i = 0; i < opts.reply; i++) {
      const r = rng.next();
      // The asking node, a repeat of this reply, or any peer (its twin handles included).
      out.push(r < 0.05 ? SELF : r < 0.15 && out.length > 0 ? out[rng.int(out.length)]! : all[rng.int(all.length)]!);
    }
    return out;
  };
  const seed0 = reply();
  merged.addAll(seed0, 1);
  for (const h of seed0) single.add(h, 1);
  expect(listOf(merged)).toEqual(listOf(single));
  const inflight: number[] = [];
  const failedEarly: number[] = [];
  let replies = 0;
  for (let steps = 0; steps < 5_000; steps++) {
    let h: number;
    while ((h = merged.next(0)) >= 0) {
      expect(single.next(0)).toBe(h);
      inflight.push(h);
    }
    expect(single.next(0)).toBe(h);
    if (h === NEXT_FINISHED) break;
    const peer = inflight.splice(rng.int(inflight.length), 1)[0]!;
    if (rng.next() < opts.dead) {
      merged.onFailure(peer);
      single.onFailure(peer);
      if (rng.next() < opts.late) failedEarly.push(peer);
    } else {
      const contacts = reply();
      const depth = single.depthOf(peer) + 1;
      merged.onSuccess(peer, contacts);
      single.onSuccess(peer);
      for (const c of contacts) single.add(c, depth);
      replies++;
    }
    // Sometimes a peer that failed answers after all (the list may then be over its limit).
    if (failedEarly.length > 0 && rng.next() < 0.3) {
      const peer = failedEarly.shift()!;
      const contacts = reply();
      const depth = single.depthOf(peer) + 1;
      merged.onSuccess(peer, contacts);
      single.onSuccess(peer);
      for (const c of contacts) single.add(c, depth);
    }
    expect(listOf(merged)).toEqual(listOf(single));
    largest = Math.max(largest, merged.size);
  }
  expect(merged.finished).toBe(true);
  return replies;
}

describe('Lookup.addAll', () => {
  it('leaves the same shortlist as add one contact at a time, through whole lookups with failures and late replies', () => {
    let replies = 0;
    for (let seed = 1; seed <= 150; seed++) {
      replies += twinRun(seed, { n: 120, want: 6, alpha: 3, capacity: 6 + (seed % 5) * 4, reply: 10, dead: 0.25, late: 0.5 });
    }
    for (let seed = 100; seed < 110; seed++) replies += twinRun(seed, { n: 400, want: 20, alpha: 3, capacity: 40, reply: 20, dead: 0.1, late: 0.5 });
    expect(replies).toBeGreaterThan(1_000);
  });

  it('leaves the same shortlist as add one at a time when many distance keys are equal', () => {
    let replies = 0;
    for (let seed = 200; seed < 350; seed++) {
      replies += twinRun(seed, { n: 120, want: 6, alpha: 3, capacity: 6 + (seed % 5) * 4, reply: 10, dead: 0.25, late: 0.5, clash: true });
    }
    expect(replies).toBeGreaterThan(1_000);
  });

  it('leaves the same shortlist as add one at a time past 255 candidates (too many to mark: the scan instead)', () => {
    largest = 0;
    for (let seed = 400; seed < 403; seed++) twinRun(seed, { n: 1_500, want: 20, alpha: 3, capacity: 400, reply: 40, dead: 0.1, late: 0.5 });
    expect(largest).toBeGreaterThan(255);
  });

  it('sorts the newcomers by distance, keeps the smaller depth of a known one and ignores the asking node and a second handle under one ID', () => {
    const rng = new Random(7);
    const { peers, target } = world(rng, 30, 0);
    peers.setId(30, peers.idOf(5)); // handle 30 shares node 5's ID
    const l = new Lookup(LookupKind.FindNode, peers, target, 0, 3, 3, 100, SELF);
    l.add(7, 1);
    l.addAll([9, 7, SELF, 5, 30, 9, 12], 3);
    const byDistance = distanceOrder(peers, target);
    expect(listOf(l).handles).toEqual([5, 7, 9, 12].sort(byDistance));
    expect(l.depthOf(7)).toBe(1);
    expect(l.depthOf(9)).toBe(3);
    expect(l.indexOf(30)).toBe(-1);
    l.addAll([9], 2);
    expect(l.depthOf(9)).toBe(2);
    expect(listOf(l).states.every((s) => s === PeerState.NotContacted)).toBe(true);
  });

  it('keeps the lists of many lookups alive at once apart (their arrays share slabs)', () => {
    const rng = new Random(11);
    const { peers, target, all } = world(rng, 2_000, 0);
    const lookups: Lookup[] = [];
    const truth: number[][] = [];
    // More lookups than one slab holds, each with contacts of its own, filled in turns.
    for (let i = 0; i < 200; i++) lookups.push(new Lookup(LookupKind.FindNode, peers, target, 0, 3, 3, 8, SELF));
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < lookups.length; i++) {
        const mine = all.slice(i * 9 + round * 3, i * 9 + round * 3 + 3);
        lookups[i]!.addAll(mine, 1 + round);
        (truth[i] ??= []).push(...mine);
      }
    }
    const byDistance = distanceOrder(peers, target);
    for (let i = 0; i < lookups.length; i++) {
      const l = listOf(lookups[i]!);
      expect(l.handles).toEqual([...truth[i]!].sort(byDistance).slice(0, 8));
      expect(l.states.every((s) => s === PeerState.NotContacted)).toBe(true);
      expect(Array.from(lookups[i]!.target)).toEqual(Array.from(target));
    }
  });
});
