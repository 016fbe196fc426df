/**
 * Module-level buffers shared by every node in the thread, and why that is safe.
 *
 * The core is synchronous and never re-entered (it calls no host code), so a
 * buffer filled and consumed within one call cannot be overwritten by another
 * node halfway through.
 */
import { ID_WORDS } from './id.js';

/**
 * Target words for the call in progress: a new Lookup copies them in its
 * constructor and an answer reads them only inside table.closest, so no
 * reference outlives the call.
 */
export const targetScratch = new Uint32Array(ID_WORDS);

// Reply contact lists are views of a slab: allocating a small typed array costs far more than
// a view. A slab is never rewritten, only replaced when full, so a view stays valid as long as
// the message holding it (in the outbox, the host's queue, or a lookup reading it) is kept.
// A view made by the constructor over the slab's buffer, not by subarray(): measured ~110 against
// ~130–150 ns (subarray goes through the species lookup).
const SLAB = 16_384;
let slab = new ArrayBuffer(SLAB * 4);
let slabUsed = 0;

/** A fresh view of `n` handles that nothing else will ever write. */
export function allocHandles(n: number): Uint32Array {
  if (slabUsed + n > SLAB) {
    slab = new ArrayBuffer(SLAB * 4);
    slabUsed = 0;
  }
  const view = new Uint32Array(slab, slabUsed * 4, n);
  slabUsed += n;
  return view;
}
