/** What a node put as its own and republishes: values (operations.ts put) and source values (source-ops.ts). */
import type { SignedPart } from './messages.js';
import type { RecordSpace } from './record-space.js';

/**
 * A value this node put and republishes. Its key ‖ value is pinned in the node's record space
 * (record-space.ts pin): in a swarm shard that is the bytes the replicas here hold already, so a
 * put kept for republishing costs no copy; the caller's two arrays (two typed-array objects
 * and two buffers, ~370 bytes) are not kept. The views are made only when a republish runs.
 */
export class Published {
  constructor(
    private readonly space: RecordSpace,
    private readonly blob: number,
    readonly version: number,
    public republishAt: number,
    readonly signed: SignedPart | null,
  ) {}

  get key(): Uint8Array {
    return this.space.pinnedKey(this.blob);
  }

  get value(): Uint8Array {
    return this.space.pinnedValue(this.blob);
  }

  /** Gives the pinned bytes back (the put was replaced, or the node is). */
  unpin(): void {
    this.space.unpin(this.blob);
  }
}

/** A source value this node added as its own and republishes. */
export interface PublishedSource {
  key: Uint8Array;
  value: Uint8Array;
  republishAt: number;
}

