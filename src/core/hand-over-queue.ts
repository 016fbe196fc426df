/**
 * The pacing state of one node's hand-overs (hand-over.ts): a token bucket and the STOREs waiting
 * for it, as two parallel arrays (no object per entry). Kept apart from hand-over.ts so that the
 * node's state can name it without importing the code that uses the state.
 */
import type { StoredRecord } from './records.js';

/** Created with a node's first hand-over; dropped again when idle with a full bucket. */
export class HandOverQueue {
  tokens: number;
  refilledAt: number;
  readonly peers: number[] = [];
  readonly records: StoredRecord[] = [];

  constructor(perSecond: number, now: number) {
    this.tokens = perSecond;
    this.refilledAt = now;
  }
}

