/** Tests' independent view of a routing table's bucket ranges, as BigInt distances from the own ID. */
import { ID_WORDS } from '../../src/core/id.js';
import type { RoutingTable } from '../../src/core/routing-table.js';

/** Each bucket's distance range [lo, hi], read back through randomIdInBucket with all-0 and all-1 free bits. */
export function bucketRanges(t: RoutingTable, self: bigint): Array<[bigint, bigint]> {
  const buf = new Uint32Array(ID_WORDS);
  const val = (): bigint => buf.reduce((v, w) => (v << 32n) | BigInt(w), 0n);
  const out: Array<[bigint, bigint]> = [];
  for (let b = 0; b < t.bucketCount; b++) {
    t.randomIdInBucket(b, buf, () => 0);
    const lo = val() ^ self;
    t.randomIdInBucket(b, buf, () => 0xffffffff);
    out.push([lo, val() ^ self]);
  }
  return out;
}
