/**
 * Which nodes the gateway believes are up, for picking a random asker and
 * for churn. The shards are the truth (a node is up when its shard says so);
 * the gateway is the only one that kills and revives nodes while it serves,
 * so it mirrors that state here: O(1) pick, kill and revive, with two dense
 * arrays and a position index (swap-remove).
 *
 * Bootstrap nodes are never taken down: revived nodes rejoin through them.
 */
import { Random } from '../core/random.js';

export class NodePool {
  private readonly up: Int32Array;
  private readonly down: Int32Array;
  /** node → position in `up` (≥ 0) or −(position in `down`) − 1. */
  private readonly pos: Int32Array;
  private nUp = 0;
  private nDown = 0;

  constructor(
    readonly total: number,
    readonly bootstraps: number,
    private readonly rng: Random,
  ) {
    this.up = new Int32Array(total);
    this.down = new Int32Array(total);
    this.pos = new Int32Array(total);
    for (let i = 0; i < total; i++) {
      this.up[i] = i;
      this.pos[i] = i;
    }
    this.nUp = total;
  }

  get upCount(): number {
    return this.nUp;
  }

  get downCount(): number {
    return this.nDown;
  }

  isUp(node: number): boolean {
    return this.pos[node]! >= 0;
  }

  /** A uniformly random up node, or −1 when none is. */
  randomUp(): number {
    return this.nUp === 0 ? -1 : this.up[this.rng.int(this.nUp)]!;
  }

  /** Up to `n` distinct random up nodes that are not bootstrap nodes, marked down at once. */
  takeDown(n: number): number[] {
    const eligible: number[] = [];
    for (let i = 0; i < this.nUp; i++) if (this.up[i]! >= this.bootstraps) eligible.push(this.up[i]!);
    const picked = pick(eligible, n, this.rng);
    for (const node of picked) this.markDown(node);
    return picked;
  }

  /** Up to `n` distinct random down nodes (still marked down: call markUp once they have rejoined). */
  pickDown(n: number): number[] {
    return pick(Array.from(this.down.subarray(0, this.nDown)), n, this.rng);
  }

  markDown(node: number): void {
    const p = this.pos[node]!;
    if (p < 0) return;
    const last = this.up[--this.nUp]!;
    this.up[p] = last;
    this.pos[last] = p;
    this.down[this.nDown] = node;
    this.pos[node] = -this.nDown - 1;
    this.nDown++;
  }

  markUp(node: number): void {
    const p = this.pos[node]!;
    if (p >= 0) return;
    const d = -p - 1;
    const last = this.down[--this.nDown]!;
    this.down[d] = last;
    this.pos[last] = -d - 1;
    this.up[this.nUp] = node;
    this.pos[node] = this.nUp;
    this.nUp++;
  }
}

/** Partial Fisher–Yates: `n` distinct random items of `xs` (all of them when fewer). */
function pick(xs: number[], n: number, rng: Random): number[] {
  const m = Math.min(n, xs.length);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(xs.length - i);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs.slice(0, m);
}
