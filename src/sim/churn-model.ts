/**
 * The churn model: every node but the bootstrap nodes alternates between up
 * and down, each period drawn from an exponential distribution with the
 * configured means. A node starts up with probability up / (up + down), and
 * its first period is a fresh draw (exponential periods are memoryless), so
 * the swarm begins in its steady state.
 *
 * Each node's timeline comes from its own stream of the run's seed, so every
 * shard (and the supervisor) computes the same schedule and can tell whether
 * any node is up at any time without asking anyone.
 */
import { Random, deriveSeed } from '../core/random.js';

export interface ChurnSpec {
  uptimeMs: number;
  downtimeMs: number;
  /** Churn starts here (after the initial join) … */
  startMs: number;
  /** … and is scheduled until here. */
  endMs: number;
  /** Nodes 0 … bootstraps−1 never churn. */
  bootstraps: number;
  seed: number;
}

export class ChurnSchedule {
  /** Per node: times at which its state flips, ascending (from startMs). */
  private readonly flips: Float64Array[] = [];
  /** Per node: up at startMs? */
  private readonly initiallyUp: Uint8Array;

  constructor(
    readonly nodes: number,
    readonly spec: ChurnSpec,
  ) {
    this.initiallyUp = new Uint8Array(nodes).fill(1);
    const pUp = spec.uptimeMs / (spec.uptimeMs + spec.downtimeMs);
    for (let i = 0; i < nodes; i++) {
      if (i < spec.bootstraps) {
        this.flips.push(new Float64Array(0));
        continue;
      }
      const rng = new Random(deriveSeed(spec.seed ^ 0x6368726e, i), 0x63);
      let up = rng.next() < pUp;
      this.initiallyUp[i] = up ? 1 : 0;
      const times: number[] = [];
      let t = spec.startMs;
      for (;;) {
        t += rng.exponential(up ? spec.uptimeMs : spec.downtimeMs);
        if (t >= spec.endMs) break;
        times.push(t);
        up = !up;
      }
      this.flips.push(Float64Array.from(times));
    }
  }

  isBootstrap(node: number): boolean {
    return node < this.spec.bootstraps;
  }

  /** Whether `node` is up at time t (before the churn starts everyone is up). */
  isUp(node: number, t: number): boolean {
    if (t < this.spec.startMs || node < this.spec.bootstraps) return true;
    return ((this.initiallyUp[node]! + this.flipsUpTo(node, t)) & 1) === 1;
  }

  /** Whether `node` is up during the whole of [t0, t1]. */
  isUpThrough(node: number, t0: number, t1: number): boolean {
    if (!this.isUp(node, t0) || !this.isUp(node, t1)) return false;
    return t1 < this.spec.startMs || this.flipsUpTo(node, t1) === this.flipsUpTo(node, Math.max(t0, this.spec.startMs));
  }

  /** How many of the node's flips happen at or before t. */
  private flipsUpTo(node: number, t: number): number {
    const f = this.flips[node]!;
    let lo = 0;
    let hi = f.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (f[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  initially(node: number): boolean {
    return this.initiallyUp[node] === 1;
  }

  /** The flip times of one node (its state alternates from `initially(node)`). */
  flipsOf(node: number): Float64Array {
    return this.flips[node]!;
  }
}

/**
 * Picks a node that is up at time t (and stays up for `stayMs` more), uniformly, from `rng`
 * (deterministic given the schedule).
 */
export function randomUpNode(schedule: ChurnSchedule | null, nodes: number, t: number, rng: Random, stayMs = 0): number {
  for (let tries = 0; tries < 10_000; tries++) {
    const i = rng.int(nodes);
    if (!schedule || (stayMs > 0 ? schedule.isUpThrough(i, t, t + stayMs) : schedule.isUp(i, t))) return i;
  }
  return 0; // the bootstrap node never churns
}
