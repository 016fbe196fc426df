/**
 * Protocol parameters with units in their names and the reason for each default.
 * Times are milliseconds; `now` is whatever clock the host runs on (wall or virtual).
 */
import { closestName } from './names.js';

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
  /** Records a node holds at most; further STOREs are refused and counted. */
  maxRecords: number;
  /** Store the value on the closest node that did not return it after a successful FIND_VALUE. */
  cacheOnLookupPath: boolean;
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
}

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
  cacheOnLookupPath: true,
  handOverPerSecond: 10,
  joinAttempts: 16,
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
  for (const name of ['replicate', 'cacheOnLookupPath'] as const) {
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
  int('handOverPerSecond', 0, 1e6);
  int('joinAttempts', 1, 64);
  if (!(c.bucketPingIntervalMs >= 0) || !Number.isFinite(c.bucketPingIntervalMs)) {
    throw new Error(`config: bucketPingIntervalMs must be a non-negative number of milliseconds, got ${c.bucketPingIntervalMs}`);
  }
  for (const name of ['initialTimeoutMs', 'minTimeoutMs', 'maxTimeoutMs', 'expireMs', 'replicateMs', 'republishMs', 'refreshMs'] as const) {
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
