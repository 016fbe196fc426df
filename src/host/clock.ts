/**
 * The time a host runs its nodes on. The core never reads a clock: hosts pass `now` in. A clock
 * is an object, not a flag, so the same send and deliver paths serve wall-clock runs (UDP, the
 * real-time swarm) and virtual time (the simulator, deterministic swarm runs).
 */
export interface Clock {
  /** Milliseconds, with sub-millisecond resolution. */
  now(): number;
  /** True when time only moves from event to event: the run is then a function of its inputs. */
  readonly virtual: boolean;
  /** The time at which an event due at `due` runs: a virtual clock jumps there, a real one reads the wall. */
  eventTime(due: number): number;
}

/** Wall-clock milliseconds (performance.now: monotonic and sub-millisecond, as loopback RTTs need). */
export class RealClock implements Clock {
  readonly virtual = false;
  now(): number {
    return performance.timeOrigin + performance.now();
  }

  eventTime(): number {
    return this.now();
  }
}

/** Time that jumps from event to event; it never goes back. */
export class VirtualClock implements Clock {
  readonly virtual = true;
  private t: number;

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  eventTime(due: number): number {
    this.advanceTo(due);
    return due;
  }

  advanceTo(t: number): void {
    if (t < this.t) throw new Error(`virtual time cannot go back: from ${this.t} ms to ${t} ms`);
    this.t = t;
  }
}
