/**
 * What may enter a lookup's shortlist beyond the Lookup's own rules (issue 13), applied as
 * contacts are offered — reply contacts and the table's seeds — so lookup.ts stays as it is:
 *
 *   - IDs that fail the ID defences (peers.idCheck: BEP 42, the static puzzle) are not taken;
 *   - restrictSearchIps (libtorrent): a contact sharing its /24 (/64) with one already in the
 *     shortlist is not taken (libtorrent drops the newcomer too, whatever its distance);
 *   - disjoint paths (disjoint-lookup.ts): a contact another path holds is not taken, and one
 *     this path keeps is claimed for it, so the paths never share a node.
 *
 * A lookup gets a guard only when one of these is on: without them the message flow is the
 * unguarded one, byte for byte.
 */
import type { Lookup } from './lookup.js';
import type { NodeState, ShortlistRules } from './node-state.js';

/** Which path holds which node, shared by the paths of one disjoint lookup. */
export type PathClaims = Map<number, number>;

export class LookupGuard implements ShortlistRules {
  constructor(
    private readonly restrictIps: boolean,
    private readonly checkIds: boolean,
    private readonly claims: PathClaims | null,
    private readonly path: number,
  ) {}

  /** Offers `handle`, learned at `depth`, to `l` through the rules. */
  offer(s: NodeState, l: Lookup, handle: number, depth: number): void {
    const peers = s.peers;
    if (this.checkIds && peers.idCheck !== null && peers.idCheck.fault(handle) !== 0) return;
    const claims = this.claims;
    const owner = claims === null ? this.path : (claims.get(handle) ?? -1);
    if (owner >= 0 && owner !== this.path) return;
    if (this.restrictIps && sharesSubnet(s, l, handle)) return;
    l.add(handle, depth);
    if (owner < 0 && l.indexOf(handle) >= 0) claims!.set(handle, this.path);
  }

  /** Offers the table's `want` closest contacts to `l`'s target at depth 1; returns how many the table had. */
  seed(s: NodeState, l: Lookup, want: number): number {
    const out = new Uint32Array(want);
    const n = s.table.closest(l.target, 0, want, out, -1, false);
    for (let i = 0; i < n; i++) this.offer(s, l, out[i]!, 1);
    return n;
  }
}

/** True when a candidate other than `handle` shares its subnet (groups set by the host; none: no limit). */
function sharesSubnet(s: NodeState, l: Lookup, handle: number): boolean {
  const g = s.peers.groups;
  if (g === null || 2 * handle + 1 >= g.length) return false;
  const subnet = g[2 * handle + 1]!;
  if (subnet === 0) return false;
  const handles = l.handles;
  for (let i = 0; i < l.size; i++) {
    const c = handles[i]!;
    if (c !== handle && g[2 * c + 1] === subnet) return true;
  }
  return false;
}

/** The guard a plain (one-path) lookup gets from the node's configuration, or null when no rule is on. */
export function guardFor(s: NodeState): LookupGuard | null {
  const c = s.config;
  const checkIds = s.peers.idCheck !== null;
  if (!c.restrictSearchIps && !checkIds) return null;
  return new LookupGuard(c.restrictSearchIps, checkIds, null, 0);
}
