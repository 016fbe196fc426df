/**
 * The peers one lookup has in flight and when each must have answered.
 *
 * At most α peers are in flight, so a short list beside the shortlist is
 * enough: a per-candidate deadline array would be one more array for
 * Lookup.add to shift on every insert. Order in the list carries no meaning.
 */
export class InFlight {
  private readonly peer: Float64Array;
  private readonly until: Float64Array;
  count = 0;

  /** Over `buffer` from byte `at` (2α doubles: the Lookup's own buffer), or a buffer of its own. */
  constructor(alpha: number, buffer = new ArrayBuffer(alpha * 16), at = 0) {
    this.peer = new Float64Array(buffer, at, alpha);
    this.until = new Float64Array(buffer, at + alpha * 8, alpha);
  }

  /** A peer just asked; it has no deadline (never overdue) until setDeadline. */
  add(peer: number): void {
    this.peer[this.count] = peer;
    this.until[this.count++] = Infinity;
  }

  setDeadline(peer: number, at: number): void {
    const i = this.slotOf(peer);
    if (i >= 0) this.until[i] = at;
  }

  remove(peer: number): void {
    const i = this.slotOf(peer);
    if (i < 0) return;
    const last = --this.count;
    this.peer[i] = this.peer[last]!;
    this.until[i] = this.until[last]!;
  }

  /** A peer whose deadline is strictly before `now`, or -1. */
  overdue(now: number): number {
    for (let i = 0; i < this.count; i++) if (this.until[i]! < now) return this.peer[i]!;
    return -1;
  }

  private slotOf(peer: number): number {
    for (let i = this.count - 1; i >= 0; i--) if (this.peer[i] === peer) return i;
    return -1;
  }
}
