/**
 * Exact accounting of a UDP node's input: every received datagram ends in exactly one outcome,
 * handled or dropped under one reason, so `received === handled + Σ drops` always holds.
 * Everything else counted lives apart, so it can never be added to a datagram twice:
 *
 * - `droppedContacts`: contacts of a handled NODES reply that were refused (bad address, book
 *   full);
 * - `innerDrops`, by reason: refusals inside a handled datagram (a STORE answered `store-full`,
 *   a late reply still taken) and counts outside any datagram (send and socket errors).
 *
 * Use: `begin()` when a datagram arrives, then at most one `drop(reason)`; `end()` counts it
 * handled if nothing dropped it. A core drop event (`fromCore`) is the datagram's outcome when it
 * refuses a whole message (MESSAGE_REFUSALS) and the datagram has no outcome yet; otherwise it
 * is an inner drop.
 */
import { MESSAGE_REFUSALS, type DropReason } from '../core/events.js';

/** What a 'drop' event counts: a datagram's outcome, something inside or outside one, or contacts. */
export type DropScope = 'datagram' | 'inner' | 'contacts';

export interface DropListener {
  (reason: string, scope: DropScope, count: number): void;
}

export interface AccountsSnapshot {
  received: number;
  handled: number;
  /** Datagrams dropped, by reason: they add up to received − handled. */
  drops: Record<string, number>;
  innerDrops: Record<string, number>;
  droppedContacts: number;
}

export class DatagramAccounts {
  received = 0;
  handled = 0;
  droppedContacts = 0;
  readonly drops = new Map<string, number>();
  readonly innerDrops = new Map<string, number>();
  /** A datagram is being handled and has no outcome yet. */
  private open = false;

  constructor(private readonly listener: DropListener) {}

  begin(): void {
    this.received++;
    this.open = true;
  }

  /** The datagram being handled is dropped under `reason` (or, if it already has an outcome, an inner drop). */
  drop(reason: string): void {
    if (!this.open) return this.inner(reason);
    this.open = false;
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
    this.listener(reason, 'datagram', 1);
  }

  /** A drop event of the core, while handling a datagram or not. */
  fromCore(reason: DropReason): void {
    if (this.open && MESSAGE_REFUSALS.has(reason)) this.drop(reason);
    else this.inner(reason);
  }

  inner(reason: string, n = 1): void {
    this.innerDrops.set(reason, (this.innerDrops.get(reason) ?? 0) + n);
    this.listener(reason, 'inner', n);
  }

  contacts(n: number): void {
    if (n <= 0) return;
    this.droppedContacts += n;
    this.listener('dropped-contacts', 'contacts', n);
  }

  /** The datagram is done: handled unless it was dropped. */
  end(): void {
    if (!this.open) return;
    this.open = false;
    this.handled++;
  }

  snapshot(): AccountsSnapshot {
    return {
      received: this.received,
      handled: this.handled,
      drops: Object.fromEntries(this.drops),
      innerDrops: Object.fromEntries(this.innerDrops),
      droppedContacts: this.droppedContacts,
    };
  }
}
