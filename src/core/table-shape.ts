/**
 * What the tables of one shard share: the ID table and the settings, made once per shard
 * (shapeFor) so that each table holds one reference instead of eight fields (56 B per node).
 * BucketTree (bucket-tree.ts) reads them; RoutingTable (routing-table.ts) takes the options.
 */
import type { KadConfig } from './config.js';
import type { PeerIds } from './peers.js';
import type { AdmissionLimits } from './table-admission.js';
import { blockWords } from './bucket-layout.js';

export interface RoutingTableOptions {
  /** Bucket capacity. */
  k: number;
  /** Replacement cache size per bucket. */
  replacements: number;
  /** Consecutive failures after which a contact is removed even with no replacement waiting. */
  maxFailures: number;
  /** Bits per routing step (accelerated lookups); 1 is plain Kademlia. */
  bitsPerStep: number;
  /**
   * A full bucket asks for an eviction ping at most once per this many
   * seconds (0: every time, as in the paper). Newcomers wait in the
   * replacement cache meanwhile; a join storm would otherwise be mostly pings.
   */
  pingIntervalSec?: number;
  /** IP-diversity limits (table-admission.ts); 0 = none. */
  maxPerSubnetPerBucket?: number;
  maxPerIp?: number;
}

/** The table options a node's config sets. */
export function tableOptionsOf(config: KadConfig): RoutingTableOptions {
  return {
    k: config.k,
    replacements: config.replacementCacheSize,
    maxFailures: config.maxFailures,
    bitsPerStep: config.bitsPerStep,
    pingIntervalSec: Math.round(config.bucketPingIntervalMs / 1000),
    maxPerSubnetPerBucket: config.maxPerSubnetPerBucket,
    maxPerIp: config.maxPerIp,
  };
}

/** What every table of a shard has in common: the ID table and the settings. */
export interface TableShape {
  readonly peers: PeerIds;
  readonly k: number;
  readonly r: number;
  /** Words of one bucket block (bucket-layout.ts). */
  readonly block: number;
  readonly maxFailures: number;
  readonly b: number;
  readonly pingIntervalSec: number;
  readonly limits: AdmissionLimits;
}

/** The limits of every table without any (the swarm's): one object for all, not 40 bytes per node. */
const NO_LIMITS: AdmissionLimits = Object.freeze({ perSubnet: 0, perIp: 0 });

/** The shape made last: the tables of one shard share their ID table and settings, so one object serves them all. */
let lastShape: TableShape | null = null;

/** A TableShape for these peers and options: the last one made when they match. */
export function shapeFor(peers: PeerIds, opts: RoutingTableOptions): TableShape {
  const perSubnet = opts.maxPerSubnetPerBucket ?? 0;
  const perIp = opts.maxPerIp ?? 0;
  const pingIntervalSec = opts.pingIntervalSec ?? 0;
  const s = lastShape;
  if (
    s !== null && s.peers === peers && s.k === opts.k && s.r === opts.replacements && s.maxFailures === opts.maxFailures &&
    s.b === opts.bitsPerStep && s.pingIntervalSec === pingIntervalSec && s.limits.perSubnet === perSubnet && s.limits.perIp === perIp
  ) return s;
  const limits = perSubnet === 0 && perIp === 0 ? NO_LIMITS : { perSubnet, perIp };
  lastShape = Object.freeze({
    peers, k: opts.k, r: opts.replacements, block: blockWords(opts.k), maxFailures: opts.maxFailures,
    b: opts.bitsPerStep, pingIntervalSec, limits,
  });
  return lastShape;
}
