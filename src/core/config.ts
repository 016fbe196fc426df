/**
 * Protocol parameters with units in their names and the reason for each default.
 * Times are milliseconds; `now` is whatever clock the host runs on (wall or virtual).
 */
import { closestName } from './names.js';
import { SOURCE_ENTRY_OVERHEAD_BYTES } from './source-sizes.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export interface KadConfig {
  /** Bucket size and replication factor (paper: 20). */
  k: number;
  /** Lookup parallelism (paper: 3). */
  alpha: number;
  /** Bits per routing step for accelerated lookups (paper §4.2); 1 = plain Kademlia. */
  bitsPerStep: number;
  /** Contacts waiting per bucket to replace stale ones. */
  replacementCacheSize: number;
  /** Failures in a row before a contact is dropped with no replacement waiting; >1 so loss alone does not empty buckets. */
  maxFailures: number;
  /** A full bucket pings its least-recently-seen contact for a newcomer at most this often (0: every time). */
  bucketPingIntervalMs: number;
  /** How many nodes a value is stored on (defaults to k; churn experiments vary it separately). */
  replicas: number;
  /** RPC timeout before any round-trip time is known. */
  initialTimeoutMs: number;
  /** Floor and ceiling of the adaptive timeout (srtt + 4·rttvar, as in TCP). */
  minTimeoutMs: number;
  maxTimeoutMs: number;
  /** A record lives this long after it was published (paper: 24 h). */
  expireMs: number;
  /** Storing nodes push their records to the current k closest this often (paper: 1 h). */
  replicateMs: number;
  /** The publisher re-stores its records this often; strictly shorter than expireMs so records never lapse. */
  republishMs: number;
  /** A bucket that saw no lookup for this long is refreshed with a random lookup (paper: 1 h). */
  refreshMs: number;
  /** Turns replication and republishing off (churn experiments: tell lost copies from failed routing). */
  replicate: boolean;
  /** Largest value accepted, in bytes. */
  maxValueBytes: number;
  /** Records a node holds at most; when full, the oldest record of the group holding most bytes is evicted. */
  maxRecords: number;
  /** Bytes a node's store holds at most (values, keys, signatures and ~200 bytes of overhead a record). */
  maxStoreBytes: number;
  /** Share (0, 1] of maxRecords and of maxStoreBytes one quota group (a /24, a /64, a publisher key) may hold. */
  storeSourceShare: number;
  /** Refuse a STORE that carries no valid write token for the sender's address (BEP 5). */
  requireWriteTokens: boolean;
  /** Write-token secrets rotate this often; a token is accepted for one rotation after (BEP 5: 5 min). */
  writeTokenRotateMs: number;
  /** Store the value on the closest node that did not return it after a successful FIND_VALUE. */
  cacheOnLookupPath: boolean;
  /**
   * Address validation before trust (QUIC RFC 9000 §8): a requester whose address has not
   * answered one of our RPCs is answered within `amplificationFactor` × the bytes it sent and
   * does not enter the routing table until it answers a verification PING. Off in the swarm (it
   * costs messages and changes the trace), on for UDP.
   */
  verifyAddresses: boolean;
  /** Bytes sent to an unverified address per byte it sent us (QUIC: 3). */
  amplificationFactor: number;
  /** Verification PINGs a node sends per second at most (burst the same), so a spoofed flood cannot aim it. */
  verifyPingsPerSecond: number;
  /** IP diversity (libtorrent): contacts sharing a /24 (IPv4) or /64 (IPv6) per bucket; 0 = no limit. */
  maxPerSubnetPerBucket: number;
  /** IP diversity: contacts sharing one IP in the whole table; 0 = no limit. */
  maxPerIp: number;
  /** Values one key of the sources kind holds at most (one per publisher and value); more are refused. */
  maxSourcesPerKey: number;
  /** Bytes of values one sources key holds at most; a value that would pass it is refused. */
  maxSourceBytesPerKey: number;
  /** Largest source value, in bytes (a keyword entry is a 20-byte hash and a file name). */
  maxSourceValueBytes: number;
  /** Bytes a SOURCES reply spends on its values and contacts together (the rest of the datagram is headers). */
  sourceReplyBytes: number;
  /**
   * Hand-over to new nodes (paper §2.5): STOREs a node sends at most per second to newcomers that
   * belong among the k closest of keys it holds (0: off). Paced so a join storm is no store storm.
   */
  handOverPerSecond: number;
  /**
   * Self-lookups a join makes at most while nobody answers (the bootstrap exchange was lost), each
   * waiting twice as long as the one before (at most 4 times the first, and at most maxTimeoutMs). 16 keeps a join through one
   * bootstrap at 30 % loss (51 % of exchanges lost) failing less than once in 40,000.
   */
  joinAttempts: number;
  /**
   * S/Kademlia disjoint lookup paths (issue 13) for gets, finds and the lookup before a put: d
   * shortlists that never share a node, α requests in flight on each (disjoint-lookup.ts). 1 = one
   * path, exactly plain Kademlia.
   */
  disjointPaths: number;
  /** With disjointPaths > 1: a value counts only when more than half the paths that found one agree on it (a poison defence). */
  disjointVote: boolean;
  /** libtorrent restrict_search_ips: a lookup's shortlist takes at most one contact per /24 (IPv4) or /64 (IPv6). */
  restrictSearchIps: boolean;
  /** BEP 42: a contact whose ID is not derived from its IPv4 address gets no table slot and no shortlist place (ip-ids.ts). */
  idFromIp: boolean;
  /** S/Kademlia static puzzle: ID = SHA-1(key) with c leading zero bits in SHA-1(ID); others are refused (id-puzzle.ts). 0 = off. */
  idPuzzleBits: number;
  /** Immutable values must hash to their key (SHA-1 of the value): other STOREs are refused, other VALUE replies dropped. */
  contentAddressed: boolean;
  /**
   * How a node joins (join.ts): 'paper' (§2.3: the self-lookup, then a full refresh lookup into
   * every range farther than the nearest neighbour) or 'lean' (join-lean.ts: the self-lookup run
   * to the 2k nearest, contacts in replies kept where a bucket has room, and only the ranges
   * still short of k refreshed, each stopping once its bucket is full).
   */
  joinMode: JoinMode;
}

export type JoinMode = 'paper' | 'lean';
export const JOIN_MODES: readonly JoinMode[] = ['paper', 'lean'];

export const DEFAULT_CONFIG: Readonly<KadConfig> = Object.freeze({
  k: 20,
  alpha: 3,
  bitsPerStep: 1,
  replacementCacheSize: 8,
  maxFailures: 5,
  bucketPingIntervalMs: 60 * SECOND,
  replicas: 20,
  initialTimeoutMs: 1000,
  minTimeoutMs: 100,
  maxTimeoutMs: 5000,
  expireMs: 24 * HOUR,
  replicateMs: 1 * HOUR,
  republishMs: 23 * HOUR,
  refreshMs: 1 * HOUR,
  replicate: true,
  maxValueBytes: 1024,
  maxRecords: 100_000,
  // OpenDHT's default storage limit: room for ~50,000 full 1 KiB values, far more than a node's share of any swarm run.
  maxStoreBytes: 64 * 1024 * 1024,
  // One /24 may hold 1/8 of a node: a flood from one network leaves 7/8 to everyone else.
  storeSourceShare: 0.125,
  // Off by default: the swarm's peers are not spoofable and tokens would cost draws and bytes; UdpNode turns it on.
  requireWriteTokens: false,
  writeTokenRotateMs: 5 * MINUTE,
  cacheOnLookupPath: true,
  verifyAddresses: false,
  amplificationFactor: 3,
  verifyPingsPerSecond: 100,
  maxPerSubnetPerBucket: 0,
  maxPerIp: 0,
  maxSourcesPerKey: 256,
  maxSourceBytesPerKey: 64 * 1024,
  maxSourceValueBytes: 512,
  // 1,400-byte datagram minus SOURCES headers (see wire/limits.ts: sourcesReplyBytes).
  sourceReplyBytes: 1340,
  handOverPerSecond: 10,
  joinAttempts: 16,
  // Issue 13's defences: off by default, so runs without the flags keep today's message flow.
  disjointPaths: 1,
  disjointVote: false,
  restrictSearchIps: false,
  idFromIp: false,
  idPuzzleBits: 0,
  contentAddressed: false,
  joinMode: 'lean',
});

/** What a UDP node runs with unless told otherwise: every address checked, libtorrent's diversity limits. */
export const UDP_DEFAULTS: Readonly<Partial<KadConfig>> = Object.freeze({
  verifyAddresses: true,
  requireWriteTokens: true,
  maxPerSubnetPerBucket: 1,
  maxPerIp: 1,
});

/** Refuses a key that is not a KadConfig setting, naming it, the nearest setting and the list. */
export function checkConfigKeys(partial: object): void {
  const names = Object.keys(DEFAULT_CONFIG);
  for (const key of Object.keys(partial)) {
    if (names.includes(key)) continue;
    const near = closestName(key, names);
    throw new Error(`config: unknown setting "${key}"${near ? ` (did you mean "${near}"?)` : ''}; the settings are ${names.join(', ')}`);
  }
}

/**
 * Fills defaults and refuses a configuration that cannot work, with a message that says why. A key
 * that is not a setting is refused too: from a config file (kadswarm --config) a typo such as
 * "bitsPerstep" would otherwise be ignored silently and the run would use the default.
 */
export function resolveConfig(partial: Partial<KadConfig> = {}): KadConfig {
  checkConfigKeys(partial);
  // A key given as undefined means "default", not "unset".
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<KadConfig>;
  const c: KadConfig = { ...DEFAULT_CONFIG, ...given };
  if (given.replicas === undefined) c.replicas = c.k;
  for (const name of ['replicate', 'cacheOnLookupPath', 'verifyAddresses', 'requireWriteTokens', 'disjointVote', 'restrictSearchIps', 'idFromIp', 'contentAddressed'] as const) {
    if (typeof c[name] !== 'boolean') throw new Error(`config: ${name} must be true or false, got ${String(c[name])}`);
  }
  const int = (name: keyof KadConfig, lo: number, hi: number): void => {
    const v = c[name] as number;
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`config: ${name} must be an integer in ${lo}..${hi}, got ${v}`);
  };
  int('k', 1, 255);
  int('alpha', 1, 64);
  int('bitsPerStep', 1, 8);
  int('replacementCacheSize', 0, 255);
  int('maxFailures', 1, 255);
  int('replicas', 1, 255);
  int('maxValueBytes', 0, 65536);
  int('maxRecords', 0, 1e9);
  int('maxPerSubnetPerBucket', 0, 255);
  int('maxPerIp', 0, 1e9);
  if (!(c.amplificationFactor >= 1) || !Number.isFinite(c.amplificationFactor)) {
    throw new Error(`config: amplificationFactor must be a number >= 1, got ${c.amplificationFactor}`);
  }
  if (!(c.verifyPingsPerSecond > 0) || !Number.isFinite(c.verifyPingsPerSecond)) {
    throw new Error(`config: verifyPingsPerSecond must be a positive number, got ${c.verifyPingsPerSecond}`);
  }
  int('maxSourcesPerKey', 0, 1e6);
  int('maxSourceBytesPerKey', 0, 1e9);
  int('maxSourceValueBytes', 0, 65536);
  int('sourceReplyBytes', 1, 65536);
  if (c.maxSourceValueBytes + SOURCE_ENTRY_OVERHEAD_BYTES > c.sourceReplyBytes) {
    throw new Error(
      `config: maxSourceValueBytes (${c.maxSourceValueBytes}) + ${SOURCE_ENTRY_OVERHEAD_BYTES} bytes of entry header must fit in sourceReplyBytes (${c.sourceReplyBytes}), or a value could never be read`,
    );
  }
  if (!(c.maxStoreBytes >= 0)) throw new Error(`config: maxStoreBytes must be a non-negative number of bytes, got ${c.maxStoreBytes}`);
  if (!(c.storeSourceShare > 0 && c.storeSourceShare <= 1)) throw new Error(`config: storeSourceShare must be in (0, 1], got ${c.storeSourceShare}`);
  int('handOverPerSecond', 0, 1e6);
  int('joinAttempts', 1, 64);
  if (![1, 2, 4, 8].includes(c.disjointPaths)) throw new Error(`config: disjointPaths must be 1, 2, 4 or 8, got ${c.disjointPaths}`);
  int('idPuzzleBits', 0, 32);
  if (!JOIN_MODES.includes(c.joinMode)) throw new Error(`config: joinMode must be ${JOIN_MODES.join(' or ')}, got ${String(c.joinMode)}`);
  if (!(c.bucketPingIntervalMs >= 0) || !Number.isFinite(c.bucketPingIntervalMs)) {
    throw new Error(`config: bucketPingIntervalMs must be a non-negative number of milliseconds, got ${c.bucketPingIntervalMs}`);
  }
  for (const name of ['initialTimeoutMs', 'minTimeoutMs', 'maxTimeoutMs', 'expireMs', 'replicateMs', 'republishMs', 'refreshMs', 'writeTokenRotateMs'] as const) {
    if (!(c[name] > 0) || !Number.isFinite(c[name])) throw new Error(`config: ${name} must be a positive number of milliseconds, got ${c[name]}`);
  }
  if (c.minTimeoutMs > c.maxTimeoutMs) throw new Error(`config: minTimeoutMs (${c.minTimeoutMs}) exceeds maxTimeoutMs (${c.maxTimeoutMs})`);
  if (!(c.replicateMs < c.republishMs && c.republishMs < c.expireMs)) {
    throw new Error(
      `config: need replicateMs < republishMs < expireMs so records stay alive (got ${c.replicateMs} / ${c.republishMs} / ${c.expireMs})`,
    );
  }
  return c;
}
