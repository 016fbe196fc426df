/**
 * Who may take a new place in the routing table, beyond Kademlia's own rules (Sybil hygiene):
 *
 *   - one ID, one contact: a handle whose ID a live contact of the bucket already holds under
 *     another handle (over UDP: another address) is refused; a stale one (it failed to answer)
 *     gives way. An ID falls in one bucket, so this is a scan of one bucket, and only where
 *     handles may repeat IDs (PeerIds.repeatsIds: the UDP address book, not the swarm).
 *   - IP diversity, as libtorrent does it: at most `perSubnet` contacts of one /24 (IPv4) or
 *     /64 (IPv6) per bucket and `perIp` of one IP in the whole table, replacement caches
 *     included; stale contacts give way here too. The keys are dense numbers the host sets
 *     per handle (PeerIds.setGroup); a handle without one, and every handle in the swarm
 *     (nothing is set there), is not limited.
 *
 * The functions only read the table's array; the table removes what they name.
 */
import { FAILS_SHIFT, HANDLE_MASK, HDR, SLOTS } from './bucket-layout.js';
import { ID_WORDS } from './id.js';
import type { PeerIds } from './peers.js';
import { replacementCount, replacementStart } from './table-replacements.js';

/** What admitting a newcomer to a bucket needs first. */
export const ADMIT = -1;
export const REFUSE = -2;
// Otherwise: the handle of a stale contact to remove before asking again.

export interface AdmissionLimits {
  perSubnet: number;
  perIp: number;
}

/**
 * ADMIT, REFUSE, or the handle of a stale contact that blocks `handle` and must be removed
 * first. `bucket` is the block `handle` falls in; `blocks` how many there are; the replacement
 * caches start at word `area` (table-replacements.ts).
 */
export function admission(
  data: Uint32Array,
  base: number,
  block: number,
  k: number,
  blocks: number,
  area: number,
  bucket: number,
  peers: PeerIds,
  handle: number,
  limits: AdmissionLimits,
): number {
  const at = base + bucket * block;
  const count = (data[at + HDR]! >>> 8) & 0xff;
  const reps = (data[at + HDR]! >>> 16) & 0xff;
  if (peers.repeatsIds) {
    // The last word first: contacts of one bucket share their leading bits, so it tells most apart at once.
    const words = peers.words;
    const last = words[handle * ID_WORDS + ID_WORDS - 1];
    for (let i = 0; i < count; i++) {
      const c = data[at + SLOTS + i]! & HANDLE_MASK;
      if (words[c * ID_WORDS + ID_WORDS - 1] === last && c !== handle && peers.sameId(c, handle)) {
        return data[at + SLOTS + i]! >>> FAILS_SHIFT === 0 ? REFUSE : c;
      }
    }
    const from = reps > 0 ? area + replacementStart(data, base, block, blocks, bucket) : 0;
    for (let i = from; i < from + reps; i++) {
      const c = data[i]!;
      if (words[c * ID_WORDS + ID_WORDS - 1] === last && c !== handle && peers.sameId(c, handle)) return REFUSE;
    }
  }
  // Issue 13: an ID that fails BEP 42 or the puzzle (id-check.ts) takes no slot, whatever the room.
  if (peers.idCheck !== null && peers.idCheck.fault(handle) !== 0) return REFUSE;
  const groups = peers.groups;
  if (groups === null || 2 * handle + 1 >= groups.length) return ADMIT;
  const ip = groups[2 * handle]!;
  const subnet = groups[2 * handle + 1]!;
  if (ip === 0) return ADMIT;
  if (limits.perSubnet > 0) {
    const v = crowd(data, base, block, k, blocks, area, bucket, bucket + 1, groups, handle, 1, subnet, limits.perSubnet);
    if (v !== ADMIT) return v;
  }
  if (limits.perIp > 0) return crowd(data, base, block, k, blocks, area, 0, blocks, groups, handle, 0, ip, limits.perIp);
  return ADMIT;
}

/** Counts contacts and replacements of buckets [from, to) whose group word `which` equals `key`. */
function crowd(
  data: Uint32Array,
  base: number,
  block: number,
  k: number,
  blocks: number,
  area: number,
  from: number,
  to: number,
  groups: Uint32Array,
  handle: number,
  which: number,
  key: number,
  limit: number,
): number {
  let same = 0;
  let stale = -1;
  for (let b = from; b < to; b++) {
    const at = base + b * block;
    const count = (data[at + HDR]! >>> 8) & 0xff;
    for (let i = 0; i < count; i++) {
      const c = data[at + SLOTS + i]! & HANDLE_MASK;
      if (c === handle || groups[2 * c + which] !== key) continue;
      same++;
      if (stale < 0 && data[at + SLOTS + i]! >>> FAILS_SHIFT !== 0) stale = c;
    }
  }
  // The replacements of buckets [from, to) are one stretch of the area, the runs in reverse bucket
  // order (table-replacements.ts): from the start of bucket to − 1's run to the end of bucket from's.
  const first = area + replacementStart(data, base, block, blocks, to - 1);
  const end = area + replacementStart(data, base, block, blocks, from) + replacementCount(data, base, block, from);
  for (let i = first; i < end; i++) {
    const c = data[i]!;
    if (c !== handle && groups[2 * c + which] === key) same++;
  }
  if (same < limit) return ADMIT;
  return stale >= 0 ? stale : REFUSE;
}
