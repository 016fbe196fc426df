/**
 * The lookup shortlist driven by hand: parallelism, termination, failures,
 * ordering, deduplication, depths and capacity, then randomized runs checked
 * against invariants and a brute-force answer.
 */
import { describe, expect, it } from 'vitest';
import { Lookup, LookupKind, NEXT_FINISHED, NEXT_WAIT, PeerState } from '../../src/core/lookup.js';
import { PeerIds } from '../../src/core/peers.js';
import { ID_BITS, ID_BYTES, ID_WORDS } from '../../src/core/id.js';
import { Random } from '../../src/core/random.js';
import { big, bytesOf, wordsOf } from '../helpers/big-ids.js';

const SELF = 0;


/** Peers placed at chosen XOR distances from a target. Handle 0 is the asking node. */
class World {
  readonly peers = new PeerIds();
  readonly ids: bigint[] = [];
  readonly target: bigint;

  constructor(rng: Random) {
    this.target = big(rng.bytes(ID_BYTES));
    this.add(big(rng.bytes(ID_BYTES)) ^ this.target); // self, somewhere
  }

  add(dist: bigint): number {
    const h = this.ids.length;
    this.ids.push(this.target ^ dist);
    this.peers.setId(h, bytesOf(this.target ^ dist));
    return h;
  }

  dist(h: number): bigint {
    return this.ids[h]! ^ this.target;
  }

  lookup(want: number, alpha: number, capacity: number): Lookup {
    // The target sits at an offset in a larger array to check targetAt is honoured.
    const t = new Uint32Array(ID_WORDS + 2).fill(0xffffffff);
    t.set(wordsOf(this.target), 2);
    return new Lookup(LookupKind.FindNode, this.peers, t, 2, want, alpha, capacity, SELF);
  }

  nearest(handles: number[], n: number): number[] {
    return [...handles].sort((a, b) => (this.dist(a) < this.dist(b) ? -1 : this.dist(a) > this.dist(b) ? 1 : 0)).slice(0, n);
  }
}

const handlesOf = (l: Lookup): number[] => Array.from(l.handles.subarray(0, l.size));
const statesOf = (l: Lookup): number[] => Array.from(l.states.subarray(0, l.size));

/** Calls next(now) and returns the handle it asks for, or the NEXT_ code. No deadline is set, so nothing expires. */
function ask(l: Lookup): number {
  const h = l.next(0);
  if (h < 0) return h;
  expect(l.states[l.indexOf(h)]).toBe(PeerState.Waiting);
  return h;
}

const ok = (l: Lookup, h: number) => l.onSuccess(h);
const fail = (l: Lookup, h: number) => l.onFailure(h);

/** Invariants that hold after any operation. */
function checkShortlist(w: World, l: Lookup, alpha: number, capacity: number): void {
  const hs = handlesOf(l);
  // Failed and in-flight candidates take no room; answers that came in since the last add may
  // leave the list over by at most α until the next add trims it.
  const room = statesOf(l).filter((s) => s === PeerState.NotContacted || s === PeerState.Succeeded).length;
  expect(room).toBeLessThanOrEqual(capacity + alpha);
  expect(new Set(hs).size).toBe(hs.length);
  expect(hs).not.toContain(SELF);
  for (let i = 1; i < hs.length; i++) expect(w.dist(hs[i - 1]!) < w.dist(hs[i]!)).toBe(true);
  const waiting = statesOf(l).filter((s) => s === PeerState.Waiting).length;
  expect(waiting).toBe(l.inflight);
  expect(l.inflight).toBeLessThanOrEqual(alpha);
  expect(l.inflight).toBeGreaterThanOrEqual(0);
}

/** What a finished lookup guarantees. */
function checkFinished(l: Lookup): void {
  expect(l.finished).toBe(true);
  const st = statesOf(l);
  const succeeded = st.filter((s) => s === PeerState.Succeeded).length;
  if (succeeded >= l.want) {
    // Everything closer than the want-th success was asked and answered or failed.
    let seen = 0;
    for (const s of st) {
      if (s === PeerState.Succeeded && ++seen === l.want) break;
      expect(s === PeerState.Succeeded || s === PeerState.Failed).toBe(true);
    }
  } else {
    // Fewer successes than wanted: nobody is left to ask and nothing is in flight.
    expect(st).not.toContain(PeerState.NotContacted);
    expect(st).not.toContain(PeerState.Waiting);
  }
  const hs = handlesOf(l);
  expect(l.results()).toEqual(hs.filter((_, i) => st[i] === PeerState.Succeeded).slice(0, l.want));
}

describe('lookup: parallelism and termination', () => {
  it('asks the closest candidates first and never more than alpha at once', () => {
    const w = new World(new Random(1));
    const hs = [5n, 3n, 9n, 1n, 7n, 2n].map((d) => w.add(d));
    const l = w.lookup(3, 3, 10);
    for (const h of hs) l.add(h, 1);
    expect(handlesOf(l).map((h) => w.dist(h))).toEqual([1n, 2n, 3n, 5n, 7n, 9n]);
    expect([ask(l), ask(l), ask(l)].map((h) => w.dist(h))).toEqual([1n, 2n, 3n]);
    expect(l.next(0)).toBe(NEXT_WAIT);
    expect(l.next(0)).toBe(NEXT_WAIT);
    expect(l.inflight).toBe(3);
    expect(l.rpcs).toBe(3);
    ok(l, hs[3]!); // distance 1 answers: a slot frees, but the 3 closest are all answered or in flight
    expect(l.next(0)).toBe(NEXT_WAIT); // distance 5 is outside that window: not asked on speculation
    expect(l.inflight).toBe(2);
    fail(l, hs[5]!); // distance 2 fails: the window slides to take in distance 5
    expect(w.dist(ask(l))).toBe(5n);
    expect(l.next(0)).toBe(NEXT_WAIT);
    checkShortlist(w, l, 3, 10);
  });

  it('a failure frees a slot and does not count toward k', () => {
    const w = new World(new Random(2));
    const [h1, h2, h3, h4] = [1n, 2n, 3n, 4n].map((d) => w.add(d)) as [number, number, number, number];
    const l = w.lookup(2, 2, 10);
    for (const h of [h1, h2, h3, h4]) l.add(h, 1);
    expect([ask(l), ask(l)]).toEqual([h1, h2]);
    expect(l.next(0)).toBe(NEXT_WAIT);
    fail(l, h1);
    expect(l.inflight).toBe(1);
    expect(l.timeouts).toBe(1);
    expect(ask(l)).toBe(h3);
    ok(l, h2);
    // One success and one failure among the closest: not done, h3 is in flight; h4 lies outside the
    // window of the two closest live candidates, so it is not asked while h3 may still answer.
    expect(l.next(0)).toBe(NEXT_WAIT);
    ok(l, h3);
    // h2 and h3 answered: the two closest that answered have been queried, h4 is farther.
    expect(l.next(0)).toBe(NEXT_FINISHED);
    expect(l.results()).toEqual([h2, h3]);
    expect(l.succeededCount()).toBe(2);
    expect(l.closestSucceeded()).toBe(h2);
    expect(l.closestSucceeded(h2)).toBe(h3);
    checkFinished(l);
  });

  it('does not finish while a closer candidate is in flight', () => {
    const w = new World(new Random(3));
    const [h1, h2, h3] = [1n, 2n, 3n].map((d) => w.add(d)) as [number, number, number];
    const l = w.lookup(2, 3, 10);
    for (const h of [h3, h2, h1]) l.add(h, 1);
    expect([ask(l), ask(l)]).toEqual([h1, h2]);
    expect(l.next(0)).toBe(NEXT_WAIT); // h3 is outside the window of the 2 closest
    ok(l, h2);
    expect(l.next(0)).toBe(NEXT_WAIT); // h2 answered, but h1 (closer) may still answer
    expect(l.finished).toBe(false);
    ok(l, h1);
    expect(l.next(0)).toBe(NEXT_FINISHED);
    expect(l.results()).toEqual([h1, h2]);
    checkFinished(l);
  });

  it('finishes when a closer in-flight candidate fails, counting only successes', () => {
    const w = new World(new Random(4));
    const [h1, h2, h3] = [1n, 2n, 3n].map((d) => w.add(d)) as [number, number, number];
    const l = w.lookup(2, 3, 10);
    for (const h of [h1, h2, h3]) l.add(h, 1);
    expect([ask(l), ask(l), ask(l)]).toEqual([h1, h2, NEXT_WAIT]);
    ok(l, h2);
    fail(l, h1); // the window slides to h3
    expect(ask(l)).toBe(h3);
    ok(l, h3);
    expect(l.next(0)).toBe(NEXT_FINISHED);
    expect(l.results()).toEqual([h2, h3]);
    checkFinished(l);
  });

  it('farther candidates still in flight do not delay the end', () => {
    const w = new World(new Random(5));
    const [h1, h2, h3] = [1n, 2n, 3n].map((d) => w.add(d)) as [number, number, number];
    const l = w.lookup(1, 3, 10);
    for (const h of [h1, h2, h3]) l.add(h, 1);
    expect([ask(l), ask(l)]).toEqual([h1, NEXT_WAIT]); // only the k = 1 closest is ever asked
    ok(l, h1);
    expect(l.next(0)).toBe(NEXT_FINISHED);
    expect(l.results()).toEqual([h1]);
    // Late answers are harmless.
    ok(l, h2);
    fail(l, h3);
    expect(l.inflight).toBe(0);
    expect(l.next(0)).toBe(NEXT_FINISHED);
  });

  it('queries a closer candidate learned late before finishing', () => {
    const w = new World(new Random(6));
    const [h10, h11, h12, h1] = [10n, 11n, 12n, 1n].map((d) => w.add(d)) as [number, number, number, number];
    const l = w.lookup(2, 1, 10);
    for (const h of [h10, h11, h12]) l.add(h, 1);
    expect(ask(l)).toBe(h10);
    ok(l, h10);
    expect(ask(l)).toBe(h11);
    l.add(h1, 2); // learned from h10 while h11 is in flight
    ok(l, h11);
    expect(ask(l)).toBe(h1);
    ok(l, h1);
    expect(l.next(0)).toBe(NEXT_FINISHED);
    expect(l.results()).toEqual([h1, h10]);
    expect(l.rpcs).toBe(3); // h12 was never asked
    checkFinished(l);
  });

  it('ends when candidates run out, with fewer results than wanted', () => {
    const w = new World(new Random(7));
    const hs = [1n, 2n, 3n].map((d) => w.add(d));
    const l = w.lookup(5, 3, 10);
    for (const h of hs) l.add(h, 1);
    ask(l), ask(l), ask(l);
    ok(l, hs[0]!);
    fail(l, hs[1]!);
    expect(l.next(0)).toBe(NEXT_WAIT);
    ok(l, hs[2]!);
    expect(l.next(0)).toBe(NEXT_FINISHED);
    expect(l.results()).toEqual([hs[0], hs[2]]);
    checkFinished(l);
    // Finished is final, even if candidates arrive afterwards.
    l.add(w.add(0n), 1);
    expect(l.next(0)).toBe(NEXT_FINISHED);
    expect(l.inflight).toBe(0);
  });

  it('an empty lookup, and one where every candidate fails, finish with no results', () => {
    const w = new World(new Random(8));
    const empty = w.lookup(3, 3, 10);
    expect(empty.next(0)).toBe(NEXT_FINISHED);
    expect(empty.results()).toEqual([]);
    expect(empty.closestSucceeded()).toBe(-1);
    const hs = [1n, 2n].map((d) => w.add(d));
    const l = w.lookup(3, 3, 10);
    for (const h of hs) l.add(h, 1);
    ask(l), ask(l);
    expect(l.next(0)).toBe(NEXT_WAIT);
    for (const h of hs) fail(l, h);
    expect(l.next(0)).toBe(NEXT_FINISHED);
    expect(l.results()).toEqual([]);
    expect(l.timeouts).toBe(2);
  });

  it('a late answer after a failure does not corrupt the in-flight count', () => {
    const w = new World(new Random(9));
    const hs = [1n, 2n, 3n, 4n].map((d) => w.add(d));
    const l = w.lookup(4, 2, 10);
    for (const h of hs) l.add(h, 1);
    ask(l), ask(l);
    fail(l, hs[0]!);
    expect(l.inflight).toBe(1);
    ok(l, hs[0]!); // the answer arrives after the timeout
    expect(l.inflight).toBe(1);
    expect(l.states[l.indexOf(hs[0]!)]).toBe(PeerState.Succeeded);
    checkShortlist(w, l, 2, 10);
  });
});

describe('lookup: the shortlist', () => {
  it('keeps candidates sorted by distance and deduplicated, and never holds the asking node', () => {
    const rng = new Random(10);
    const w = new World(rng);
    const hs = Array.from({ length: 60 }, () => w.add(big(rng.bytes(ID_BYTES))));
    // Some share long prefixes with the target so comparisons go past the first word.
    for (let i = 0; i < 20; i++) w.add(big(rng.bytes(ID_BYTES)) >> BigInt(40 + rng.int(ID_BITS - 40)));
    const all = Array.from({ length: w.ids.length - 1 }, (_, i) => i + 1);
    const l = w.lookup(8, 3, 200);
    const firstWithId = new Map<bigint, number>();
    for (let i = 0; i < 400; i++) {
      const h = rng.next() < 0.05 ? SELF : all[rng.int(all.length)]!;
      l.add(h, 1 + rng.int(5));
      if (h !== SELF && !firstWithId.has(w.ids[h]!)) firstWithId.set(w.ids[h]!, h);
      checkShortlist(w, l, 3, 200);
    }
    expect(l.size).toBeGreaterThan(hs.length / 2);
    // Capacity was not reached: exactly one candidate per distinct ID added, the first handle seen with it.
    expect([...handlesOf(l)].sort((a, b) => a - b)).toEqual([...firstWithId.values()].sort((a, b) => a - b));
  });

  it('ignores a second handle with the same ID', () => {
    const w = new World(new Random(11));
    const a = w.add(42n);
    const twin = w.add(42n);
    const l = w.lookup(3, 3, 10);
    l.add(a, 1);
    l.add(twin, 1);
    expect(handlesOf(l)).toEqual([a]);
  });

  it('keeps the smallest depth a candidate was learned at, and the depth moves with the candidate', () => {
    const w = new World(new Random(12));
    const [h5, h3, h1, h9] = [5n, 3n, 1n, 9n].map((d) => w.add(d)) as [number, number, number, number];
    const l = w.lookup(3, 3, 10);
    const depth = (h: number) => l.depths[l.indexOf(h)];
    l.add(h5, 4);
    l.add(h5, 2);
    l.add(h5, 7);
    expect(depth(h5)).toBe(2);
    l.add(h1, 3); // inserted before h5: h5's depth shifts with it
    l.add(h3, 6);
    l.add(h9, 300);
    expect(handlesOf(l)).toEqual([h1, h3, h5, h9]);
    expect([depth(h1), depth(h3), depth(h5), depth(h9)]).toEqual([3, 6, 2, 255]);
    l.add(h3, 1);
    expect(depth(h3)).toBe(1);
    // States move with their candidates too.
    expect(ask(l)).toBe(h1);
    ok(l, h1);
    const h2 = w.add(2n);
    l.add(h2, 2); // inserted right after h1, shifting h3, h5, h9
    expect(handlesOf(l)).toEqual([h1, h2, h3, h5, h9]);
    expect(statesOf(l)).toEqual([PeerState.Succeeded, PeerState.NotContacted, PeerState.NotContacted, PeerState.NotContacted, PeerState.NotContacted]);
    expect([depth(h1), depth(h2), depth(h3), depth(h5), depth(h9)]).toEqual([3, 2, 1, 2, 255]);
  });

  it('at capacity keeps the closest: farther newcomers are ignored, closer ones push out the farthest', () => {
    const rng = new Random(13);
    const w = new World(rng);
    const hs = Array.from({ length: 40 }, () => w.add(big(rng.bytes(ID_BYTES))));
    const cap = 6;
    const l = w.lookup(3, 3, cap);
    const added: number[] = [];
    for (const h of hs) {
      l.add(h, 1);
      added.push(h);
      checkShortlist(w, l, 3, cap);
      expect(handlesOf(l)).toEqual(w.nearest(added, cap));
    }
  });

  it('at capacity never drops a candidate that is in flight, nor a closer one because of them', () => {
    const w = new World(new Random(14));
    const [h1, h2, h3, h4, h0, h6, h9] = [10n, 20n, 30n, 40n, 5n, 7n, 90n].map((d) => w.add(d)) as number[] as [number, number, number, number, number, number, number];
    const l = w.lookup(4, 4, 4);
    for (const h of [h1, h2, h3, h4]) l.add(h, 1);
    ask(l), ask(l), ask(l), ask(l);
    expect(l.inflight).toBe(4);
    // All four in flight take no room: the closer newcomer is kept (it used to be dropped).
    l.add(h0, 2);
    expect(handlesOf(l)).toEqual([h0, h1, h2, h3, h4]);
    checkShortlist(w, l, 4, 4);
    for (const h of [h4, h3, h2, h1]) ok(l, h);
    expect(l.states[l.indexOf(h4)]).toBe(PeerState.Succeeded);
    // Answered, they count again: a farther newcomer is dropped, a closer one pushes out the farthest two.
    l.add(h9, 2);
    expect(handlesOf(l)).not.toContain(h9);
    l.add(h6, 2);
    expect(handlesOf(l)).toEqual([h0, h6, h1, h2]);
    checkShortlist(w, l, 4, 4);
  });

  it('failed candidates take no room and are remembered', () => {
    const w = new World(new Random(15));
    const [h1, h2, h3, h4, h0] = [10n, 20n, 30n, 40n, 5n].map((d) => w.add(d)) as [number, number, number, number, number];
    const l = w.lookup(2, 2, 2);
    l.add(h1, 1);
    l.add(h2, 1);
    ask(l), ask(l);
    fail(l, h1), fail(l, h2);
    l.add(h3, 2);
    l.add(h4, 2);
    expect(handlesOf(l)).toEqual([h1, h2, h3, h4]);
    l.add(h1, 2); // named again by a later reply: still failed, not asked again
    expect(l.states[l.indexOf(h1)]).toBe(PeerState.Failed);
    l.add(h0, 2);
    expect(handlesOf(l)).toEqual([h0, h1, h2, h3]);
    checkShortlist(w, l, 2, 2);
  });
});

describe('lookup: randomized runs', () => {
  /**
   * A network of `n` peers where each peer, asked about the target, returns the `reply`
   * closest peers it knows (a random `know` fraction of the network); `dead` peers never answer.
   */
  function run(seed: number, opts: { n: number; want: number; alpha: number; capacity: number; know: number; dead: number; reply: number }) {
    const rng = new Random(seed);
    const w = new World(rng);
    const all = Array.from({ length: opts.n }, () => w.add(big(rng.bytes(ID_BYTES))));
    const dead = new Set(all.filter(() => rng.next() < opts.dead));
    const knows = new Map<number, number[]>();
    const answer = (h: number): number[] => {
      if (!knows.has(h)) knows.set(h, w.nearest(all.filter((x) => x !== h && rng.next() < opts.know), opts.reply));
      return knows.get(h)!;
    };
    const l = w.lookup(opts.want, opts.alpha, opts.capacity);
    for (const h of all.slice(0, 5)) l.add(h, 1);
    const depthOf = new Map<number, number>(all.slice(0, 5).map((h) => [h, 1]));
    const inflight: number[] = [];
    let steps = 0;
    for (;;) {
      expect(++steps).toBeLessThan(10_000);
      let h: number;
      while ((h = l.next(0)) >= 0) inflight.push(h);
      checkShortlist(w, l, opts.alpha, opts.capacity);
      if (h === NEXT_FINISHED) break;
      expect(inflight.length).toBeGreaterThan(0); // WAIT only with something in flight
      // Answer a random one of the requests in flight.
      const peer = inflight.splice(rng.int(inflight.length), 1)[0]!;
      expect(l.indexOf(peer)).toBeGreaterThanOrEqual(0);
      if (dead.has(peer)) {
        expect(l.onFailure(peer)).toBe(true);
      } else {
        const d = l.depthOf(peer);
        // The iterator adds the reply's contacts itself, at the answering peer's depth + 1.
        expect(l.onSuccess(peer, answer(peer))).toBe(true);
        for (const c of answer(peer)) depthOf.set(c, Math.min(depthOf.get(c) ?? Infinity, d + 1));
      }
      checkShortlist(w, l, opts.alpha, opts.capacity);
    }
    checkFinished(l);
    // Depth is the minimum over the depths each candidate was learned at (exact when nothing was dropped).
    if (opts.capacity >= opts.n) for (const h of handlesOf(l)) expect(l.depths[l.indexOf(h)]).toBe(depthOf.get(h));
    for (const h of l.results()) expect(dead.has(h)).toBe(false);
    return { w, l, all, dead };
  }

  it('keep every invariant with failures, partial knowledge and random answer order', () => {
    for (let seed = 20; seed < 60; seed++) {
      const { l } = run(seed, { n: 300, want: 8, alpha: 3, capacity: 24, know: 0.3, dead: 0.3, reply: 8 });
      expect(l.results().length).toBe(8);
      expect(l.inflight).toBeLessThanOrEqual(3);
    }
    // Unbounded shortlist and short replies: lookups go several hops deep, and depths are checked exactly.
    let deepest = 0;
    for (let seed = 100; seed < 120; seed++) {
      const { l } = run(seed, { n: 250, want: 6, alpha: 2, capacity: 250, know: 0.2, dead: 0.2, reply: 6 });
      deepest = Math.max(deepest, ...Array.from(l.depths.subarray(0, l.size)));
    }
    expect(deepest).toBeGreaterThanOrEqual(4);
  });

  it('find exactly the true k closest when every peer knows everyone and nobody fails', () => {
    for (let seed = 60; seed < 80; seed++) {
      const { w, l, all } = run(seed, { n: 400, want: 10, alpha: 3, capacity: 30, know: 1, dead: 0, reply: 10 });
      expect(l.results()).toEqual(w.nearest(all, 10));
    }
  });

  it('find the true k closest live peers when the dead are known but silent', () => {
    let timeouts = 0;
    for (let seed = 80; seed < 100; seed++) {
      // Replies are long enough to reach past every dead peer near the target.
      const { w, l, all, dead } = run(seed, { n: 200, want: 6, alpha: 3, capacity: 200, know: 1, dead: 0.25, reply: 200 });
      expect(l.results()).toEqual(w.nearest(all.filter((h) => !dead.has(h)), 6));
      timeouts += l.timeouts;
    }
    expect(timeouts).toBeGreaterThan(0); // dead peers were in the way, and were passed
  });
});

describe('lookup: the iterator API (handles, deadlines, replies)', () => {
  it('next(now) hands out handles, and a deadline expires only strictly before now', () => {
    const w = new World(new Random(30));
    const [h1, h2, h3] = [1n, 2n, 3n].map((d) => w.add(d)) as [number, number, number];
    const l = w.lookup(3, 2, 10);
    for (const h of [h3, h1, h2]) l.add(h, 1);
    expect(l.next(0)).toBe(h1);
    l.setDeadline(h1, 100);
    expect(l.next(0)).toBe(h2);
    l.setDeadline(h2, 200);
    expect(l.next(100)).toBe(NEXT_WAIT); // h1's deadline is 100: equal is not expired (the request table times it out)
    expect(l.timeouts).toBe(0);
    expect(l.next(100.5)).toBe(h3); // now past it: h1 fails and its slot goes to h3
    expect(l.states[l.indexOf(h1)]).toBe(PeerState.Failed);
    expect(l.timeouts).toBe(1);
    expect(l.inflight).toBe(2);
    // The request table's own timeout for h1 arrives afterwards: not counted twice.
    expect(l.onFailure(h1)).toBe(true);
    expect(l.timeouts).toBe(1);
    expect(l.inflight).toBe(2);
    // A peer handed out with no deadline set never expires by itself.
    expect(l.next(1e12)).toBe(NEXT_WAIT);
    expect(l.states[l.indexOf(h3)]).toBe(PeerState.Waiting);
    expect(l.states[l.indexOf(h2)]).toBe(PeerState.Failed); // 200 < 1e12
  });

  it('onSuccess adds the reply contacts at the answering depth + 1, and unknown peers are refused', () => {
    const w = new World(new Random(31));
    const [a, b, c, far] = [8n, 4n, 2n, 100n].map((d) => w.add(d)) as [number, number, number, number];
    const l = w.lookup(3, 1, 10);
    l.add(a, 3);
    expect(l.next(0)).toBe(a);
    expect(l.onSuccess(a, Uint32Array.of(b, c, SELF))).toBe(true);
    expect(l.depthOf(b)).toBe(4);
    expect(l.depthOf(c)).toBe(4);
    expect(l.depthOf(SELF)).toBe(-1); // the asking node is never a candidate
    expect(handlesOf(l)).toEqual([c, b, a]);
    expect(l.next(0)).toBe(c);
    expect(l.onSuccess(c, [b, a])).toBe(true); // known ones keep their smaller depth
    expect(l.depthOf(b)).toBe(4);
    expect(l.depthOf(a)).toBe(3);
    expect(l.onSuccess(far)).toBe(false);
    expect(l.onFailure(far)).toBe(false);
    expect(l.inflight).toBe(0);
  });

  it('finish() ends it, reopen() takes it up again with what was added', () => {
    const w = new World(new Random(32));
    const [a, b] = [1n, 2n].map((d) => w.add(d)) as [number, number];
    const l = w.lookup(2, 2, 10);
    l.add(a, 1);
    l.finish();
    expect(l.finished).toBe(true);
    expect(l.next(0)).toBe(NEXT_FINISHED);
    l.add(b, 1);
    l.reopen();
    expect([l.next(0), l.next(0)]).toEqual([a, b]);
  });
});
