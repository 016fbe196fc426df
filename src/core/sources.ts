/**
 * The "sources" record kind: a key holds a set of values, one per (publisher, value), each with
 * its own expiry (eMule Kad's source lists, BitTorrent's announce_peer). Beside the single-value
 * RecordStore (records.ts), never mixed with it: a key may be both kinds at once.
 *
 * Contract: `add` keeps or refreshes one value and says why it refused one (the per-key caps);
 * `page(key, cursor, budget, now)` returns the live values from `cursor` on that fit in `budget`
 * bytes and the cursor of the next page (0: none left). Cursors are sequence numbers given to
 * values as they arrive (a refresh keeps its number), so a value that expires between two pages
 * shifts nothing and a reader never skips a live value.
 */
import { keyString } from './records.js';
import { SOURCE_ENTRY_OVERHEAD_BYTES } from './source-sizes.js';
import type { SourceEntry } from './messages.js';

export interface SourceValue {
  value: Uint8Array;
  publisher: Uint8Array;
  /** Quota group of the node that stored it (PeerIds.groupKey: its /24 or /64). */
  group: number;
  expiresAt: number;
  /** When an ADD_SOURCE for this value last arrived; replication skips recently stored ones. */
  storedAt: number;
  /** Position in the set (page cursors count in these); starts at 1 so a cursor of 0 means "from the start". */
  seq: number;
}

export interface SourceSet {
  key: Uint8Array;
  /** In arrival order, so seq is increasing. */
  values: SourceValue[];
  /** Sum of the values' lengths (the maxSourceBytesPerKey cap). */
  bytes: number;
  nextSeq: number;
}

export const enum SourceOutcome {
  Stored = 0,
  Refreshed = 1,
  /** The key holds maxSourcesPerKey values already. */
  TooManyValues = 2,
  /** The value would take the key past maxSourceBytesPerKey. */
  TooManyBytes = 3,
  /** The node holds maxStoreBytes of source values already. */
  Full = 4,
  /** The sender's group holds its storeSourceShare of maxStoreBytes already. */
  OverQuota = 5,
}

export interface SourceCaps {
  maxSourcesPerKey: number;
  maxSourceBytesPerKey: number;
  /** The whole sources store's bound (the same figure as the single-value store's, kept apart). */
  maxStoreBytes: number;
  /** One group's part of maxStoreBytes (1: no share). */
  storeSourceShare: number;
}

/** What one value costs the store's bound: its bytes and its entry's publisher, length and ttl. */
const costOf = (v: { value: Uint8Array }): number => v.value.length + SOURCE_ENTRY_OVERHEAD_BYTES;

/** Why holders refuse a value, for the error a publisher shows when every holder did (they only say no). */
export function sourceRefusal(refused: number, caps: SourceCaps): string {
  return `refused by ${refused} node${refused === 1 ? '' : 's'}: a key holds at most maxSourcesPerKey = ${caps.maxSourcesPerKey} values and maxSourceBytesPerKey = ${caps.maxSourceBytesPerKey} bytes`;
}

export interface SourcePage {
  entries: SourceEntry[];
  next: number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class SourceStore {
  readonly map = new Map<string, SourceSet>();
  /** Bytes held in all (costOf each value), and per quota group: a flood of fresh keys meets both bounds. */
  bytes = 0;
  private readonly groups = new Map<number, number>();

  constructor(private readonly caps: SourceCaps) {}

  /** Keys held. */
  get size(): number {
    return this.map.size;
  }

  /** The set under key with its expired values removed, or undefined when none is left. */
  get(k: string, now: number): SourceSet | undefined {
    const set = this.map.get(k);
    if (!set) return undefined;
    if (set.values.some((v) => v.expiresAt <= now)) this.prune(k, set, now);
    return set.values.length > 0 ? set : undefined;
  }

  add(key: Uint8Array, value: Uint8Array, publisher: Uint8Array, expiresAt: number, now: number, group = 0): SourceOutcome {
    const k = keyString(key);
    let set = this.get(k, now);
    const old = set?.values.find((v) => sameBytes(v.publisher, publisher) && sameBytes(v.value, value));
    if (old) {
      old.storedAt = now;
      if (expiresAt > old.expiresAt) old.expiresAt = expiresAt;
      return SourceOutcome.Refreshed;
    }
    if (set && set.values.length >= this.caps.maxSourcesPerKey) return SourceOutcome.TooManyValues;
    if (!set && this.caps.maxSourcesPerKey === 0) return SourceOutcome.TooManyValues;
    if ((set?.bytes ?? 0) + value.length > this.caps.maxSourceBytesPerKey) return SourceOutcome.TooManyBytes;
    const cost = costOf({ value });
    // Expired values must not hold room that live ones need.
    if (this.bytes + cost > this.caps.maxStoreBytes) this.sweep(now);
    if (this.bytes + cost > this.caps.maxStoreBytes) return SourceOutcome.Full;
    const held = this.groups.get(group) ?? 0;
    if (this.caps.storeSourceShare < 1 && held + cost > this.caps.storeSourceShare * this.caps.maxStoreBytes) return SourceOutcome.OverQuota;
    if (!set) this.map.set(k, (set = { key, values: [], bytes: 0, nextSeq: 1 }));
    set.values.push({ value, publisher, group, expiresAt, storedAt: now, seq: set.nextSeq++ });
    set.bytes += value.length;
    this.bytes += cost;
    this.groups.set(group, held + cost);
    return SourceOutcome.Stored;
  }

  /**
   * The live values with seq ≥ cursor that fit in `budget` bytes (each costs its length plus
   * SOURCE_ENTRY_OVERHEAD_BYTES), and the cursor of the first one left out (0: none).
   */
  page(key: Uint8Array, cursor: number, budget: number, now: number): SourcePage {
    const set = this.get(keyString(key), now);
    const entries: SourceEntry[] = [];
    if (!set) return { entries, next: 0 };
    let used = 0;
    for (const v of set.values) {
      if (v.seq < cursor) continue;
      const cost = v.value.length + SOURCE_ENTRY_OVERHEAD_BYTES;
      if (used + cost > budget) return { entries, next: v.seq };
      used += cost;
      entries.push({ value: v.value, publisher: v.publisher, ttl: v.expiresAt - now });
    }
    return { entries, next: 0 };
  }

  /** Removes expired values (and emptied keys); returns the earliest expiry left (Infinity when empty). */
  sweep(now: number): number {
    let next = Infinity;
    for (const [k, set] of this.map) {
      this.prune(k, set, now);
      for (const v of set.values) if (v.expiresAt < next) next = v.expiresAt;
    }
    return next;
  }

  /** Bytes one group holds (for tests and reports). */
  groupBytes(group: number): number {
    return this.groups.get(group) ?? 0;
  }

  private prune(k: string, set: SourceSet, now: number): void {
    let bytes = 0;
    set.values = set.values.filter((v) => {
      if (v.expiresAt <= now) {
        const cost = costOf(v);
        this.bytes -= cost;
        const left = (this.groups.get(v.group) ?? 0) - cost;
        if (left > 0) this.groups.set(v.group, left);
        else this.groups.delete(v.group);
        return false;
      }
      bytes += v.value.length;
      return true;
    });
    set.bytes = bytes;
    if (set.values.length === 0) this.map.delete(k);
  }
}
