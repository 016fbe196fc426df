/**
 * Which contacts' IDs are legitimate (issue 13's ID defences), decided once per handle and
 * cached in one byte: BEP 42 (ip-ids.ts) when config.idFromIp, the static puzzle (id-puzzle.ts)
 * when config.idPuzzleBits > 0. The host installs one on its PeerIds (peers.idCheck) and supplies
 * what the checks need that the ID does not carry: the handle's IPv4 address (peers.groups, the
 * same key the diversity limits use) and the puzzle's key. The swarm keeps both in its shared
 * identity tables, so runs without the flags send the same bytes as before. A contact that fails
 * gets no routing-table slot (routing-table.ts, counted by the node under one drop reason) and
 * no place in a lookup's shortlist (lookup-guard.ts).
 *
 * Verdicts are cached per handle: right for the swarm (a handle is a node for the whole run); a
 * host that reuses handles for new (ID, address) pairs must call forget(handle).
 */
import { ID_WORDS } from './id.js';
import { puzzleHolds } from './id-puzzle.js';
import { idMatchesIp } from './ip-ids.js';
import type { IdRule, PeerIds } from './peers.js';

export const enum IdFault {
  None = 0,
  /** idFromIp: the ID is not BEP 42's for the contact's address (or it has no IPv4 address). */
  NotFromIp = 1,
  /** idPuzzleBits: the ID is not SHA-1 of its key, or SHA-1 of the ID lacks the leading zeros. */
  Puzzle = 2,
}

/** The key a handle's ID was minted from, or null (then only SHA-1(ID) is checked). */
export type PuzzleKeyOf = (handle: number) => Uint8Array | null;

export class IdCheck implements IdRule {
  /** 0 = not decided yet, else 1 + IdFault. */
  private verdicts = new Uint8Array(64);

  constructor(
    private readonly peers: PeerIds,
    readonly fromIp: boolean,
    readonly puzzleBits: number,
    private readonly keyOf: PuzzleKeyOf | null,
  ) {}

  fault(handle: number): IdFault {
    let v = this.verdicts;
    if (handle >= v.length) {
      let size = v.length;
      while (size <= handle) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(v);
      this.verdicts = v = grown;
    }
    const known = v[handle]!;
    if (known !== 0) return (known - 1) as IdFault;
    const fault = this.decide(handle);
    v[handle] = fault + 1;
    return fault;
  }

  forget(handle: number): void {
    if (handle < this.verdicts.length) this.verdicts[handle] = 0;
  }

  private decide(handle: number): IdFault {
    const at = handle * ID_WORDS;
    const words = this.peers.words;
    if (this.fromIp) {
      const g = this.peers.groups;
      const ip = g !== null && 2 * handle < g.length ? g[2 * handle]! : 0;
      if (ip === 0 || !idMatchesIp(words, at, ip)) return IdFault.NotFromIp;
    }
    if (this.puzzleBits > 0) {
      // Bound by the address already, the ID needs no key: only its hash is checked.
      const key = this.fromIp || this.keyOf === null ? null : this.keyOf(handle);
      if (!this.fromIp && key === null) return IdFault.Puzzle;
      if (!puzzleHolds(words, at, this.puzzleBits, key)) return IdFault.Puzzle;
    }
    return IdFault.None;
  }
}
