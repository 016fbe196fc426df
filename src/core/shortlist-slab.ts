/**
 * Where shortlists take their bytes: regions of one shared ArrayBuffer, handed out in turn and
 * never reused, so a shortlist's arrays are views made without an ArrayBuffer of their own. A new
 * ArrayBuffer is allocated outside the V8 heap and tracked by the collector; measured (43 slots,
 * the five views of a Lookup): 0.9 µs a constructor with its own buffer, 0.2–0.4 µs from a slab.
 * A slab is replaced when full and freed once no shortlist in it is left, so a lookup kept alive
 * pins at most one slab: slabs are small (about 24 lookups each).
 */
const SLAB_BYTES = 16_384;
let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** The slab the last takeRegion() took from, and where its region starts (8-byte aligned). */
export const region = { buffer: slab, at: 0 };

/** Takes `bytes` fresh (zeroed) bytes; sets `region` to them. */
export function takeRegion(bytes: number): void {
  const need = (bytes + 7) & ~7;
  if (used + need > slab.byteLength) {
    slab = new ArrayBuffer(Math.max(SLAB_BYTES, need));
    used = 0;
  }
  region.buffer = slab;
  region.at = used;
  used += need;
}
