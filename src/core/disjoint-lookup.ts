/**
 * S/Kademlia disjoint lookup paths (Baumgart & Mies 2007, §4.4; config.disjointPaths = d): a
 * coordinator over d ordinary Lookups for gets, finds and the lookup before a put.
 *
 *   - The table's k closest contacts are dealt round-robin to the d paths; from then on a node
 *     belongs to the first path whose shortlist keeps it (lookup-guard.ts claims), so no node
 *     is asked by two paths, and a path whose shortlist runs dry refills from the table through
 *     the same claims.
 *   - α is per path (config.alpha each, so d·α requests may be in flight): each path then moves
 *     as fast as a plain lookup and the whole costs about d times its RPCs. rust-libp2p instead
 *     runs d = α paths; S/Kademlia's model 1 − (1 − (1 − f)^h)^d is per path either way.
 *   - A value counts when any path finds one (the first ends every path), or with
 *     config.disjointVote when more than half of the paths that found a value agree on it
 *     (same bytes, version and signature; every path runs to its own first value or its end).
 *   - The result is one merged Run the operation's continuation reads as it reads a plain one: a
 *     Lookup holding every path's answered nodes (so results() is the k closest over all paths),
 *     costs summed, and `union` = each path's `replicas` closest (a put stores at all of them,
 *     so it reaches honest replicas when one path does).
 *
 * d = 1 does not come here (startOperationLookup): its message flow is exactly the plain one.
 */
import { ID_WORDS } from './id.js';
import { Lookup, LookupKind } from './lookup.js';
import { LookupGuard, type PathClaims } from './lookup-guard.js';
import { cutShort, startLookup } from './lookup-runs.js';
import type { NodeState, Run } from './node-state.js';

/** Starts an operation's lookup: plain for disjointPaths = 1, else d disjoint paths. */
export function startOperationLookup(s: NodeState, kind: LookupKind, target: Uint32Array, now: number, finish: Run['finish'], key?: Uint8Array): void {
  const d = s.config.disjointPaths;
  if (d <= 1) {
    startLookup(s, kind, target, now, finish, key);
    return;
  }
  new DisjointPaths(s, kind, target, now, finish, d, key).start(now);
}

export class DisjointPaths {
  readonly runs: Run[] = [];
  private readonly target = new Uint32Array(ID_WORDS);
  private ended = 0;
  private started = false;
  private done = false;
  /** The path whose value ended the lookup (first-value mode), or -1. */
  private winner = -1;

  constructor(
    private readonly s: NodeState,
    private readonly kind: LookupKind,
    target: Uint32Array,
    private readonly startedAt: number,
    private readonly finish: Run['finish'],
    readonly d: number,
    private readonly key?: Uint8Array,
  ) {
    for (let w = 0; w < ID_WORDS; w++) this.target[w] = target[w]!;
  }

  start(now: number): void {
    const s = this.s;
    const k = s.config.k;
    const closest = new Uint32Array(k);
    const n = s.table.closest(this.target, 0, k, closest, -1, false);
    const claims: PathClaims = new Map();
    const checkIds = s.peers.idCheck !== null;
    for (let p = 0; p < this.d; p++) {
      const seeds: number[] = [];
      for (let i = p; i < n; i += this.d) seeds.push(closest[i]!);
      const guard = new LookupGuard(s.config.restrictSearchIps, checkIds, claims, p);
      const path = p;
      // A path may end inside startLookup (nothing to ask): pathEnded waits until all have started.
      const run = startLookup(s, this.kind, this.target, now, (r, t) => this.pathEnded(path, r, t), this.key, null, seeds, 1, undefined, guard, false);
      this.runs.push(run);
    }
    this.started = true;
    if (this.ended === this.d) this.complete(now);
  }

  private pathEnded(path: number, run: Run, now: number): void {
    this.ended++;
    if (this.done) return;
    if (run.value !== null && !this.s.config.disjointVote && this.winner < 0) {
      this.winner = path;
      // Any path's value counts: the others stop now (each comes back here once, as ended).
      for (const other of this.runs) if (other !== run) cutShort(other, now);
    }
    if (this.started && this.ended === this.d) this.complete(now);
  }

  private complete(now: number): void {
    this.done = true;
    const s = this.s;
    const c = s.config;
    let answered = 0;
    for (const r of this.runs) answered += r.lookup.succeededCount();
    const merged = new Lookup(this.kind, s.peers, this.target, 0, c.k, c.alpha, Math.max(1, answered), s.self);
    let timeoutWait = 0;
    let tokens: Map<number, Uint8Array> | null = null;
    const union = new Set<number>();
    for (const r of this.runs) {
      const l = r.lookup;
      for (let i = 0; i < l.size; i++) {
        if (l.states[i] !== 2 /* PeerState.Succeeded */) continue;
        merged.add(l.handles[i]!, l.depths[i]!);
        merged.onSuccess(l.handles[i]!);
      }
      merged.rpcs += l.rpcs;
      merged.timeouts += l.timeouts;
      timeoutWait += r.timeoutWait;
      for (const h of l.results(c.replicas)) union.add(h);
      if (r.tokens) for (const [peer, token] of r.tokens) (tokens ??= new Map()).set(peer, token);
    }
    merged.finish();
    const source = this.valueSource();
    const first = this.runs[0]!;
    const out: Run = {
      lookup: merged,
      key: first.key,
      startedAt: this.startedAt,
      value: source ? source.value : null,
      version: source ? source.version : 0,
      ttl: source ? source.ttl : 0,
      signed: source ? source.signed : null,
      tokens,
      valueDepth: source ? source.valueDepth : 0,
      valueFrom: source ? source.valueFrom : -1,
      timeoutWait,
      trace: first.trace,
      seeded: 0,
      gather: null,
      timeoutScale: 1,
      learn: false,
      fillBucket: false,
      finish: this.finish,
      // Closest first over all paths, as the put's replica list expects.
      union: merged.results(answered).filter((h) => union.has(h)),
    };
    this.finish(out, now);
  }

  /** The path whose value the lookup returns: the first found, or the majority's under disjointVote; null for none. */
  private valueSource(): Run | null {
    if (!this.s.config.disjointVote) return this.winner >= 0 ? this.runs[this.winner]! : null;
    const withValue = this.runs.filter((r) => r.value !== null);
    let best: Run | null = null;
    let bestVotes = 0;
    for (const r of withValue) {
      let votes = 0;
      for (const o of withValue) if (sameValue(r, o)) votes++;
      if (votes > bestVotes) {
        best = r;
        bestVotes = votes;
      }
    }
    return best !== null && 2 * bestVotes > withValue.length ? best : null;
  }
}

function sameValue(a: Run, b: Run): boolean {
  if (a.version !== b.version || !sameBytes(a.value!, b.value!)) return false;
  if ((a.signed === null) !== (b.signed === null)) return false;
  return a.signed === null || sameBytes(a.signed.signature, b.signed!.signature);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
