/**
 * Maintenance the node runs from handleTimeout when a timer is due: bucket
 * refresh, replication of held records, republishing of own puts, and the
 * expiry sweep. runDueJobs runs those that are due, then the hand-overs of
 * hand-over.ts. Each job sets its own next deadline in the timer table; none
 * emits a 'done' event.
 */
import { drainHandOvers } from './hand-over.js';
import { ID_WORDS } from './id.js';
import { LookupKind } from './lookup.js';
import { IGNORE_RESULT, startLookup } from './lookup-runs.js';
import { NodeState, SEC, secondsSinceEpoch } from './node-state.js';
import { storeAtClosest } from './operations.js';
import { TimerKind, replicationDelay } from './timers.js';
import { replicateSources, republishSources } from './source-ops.js';

/** Runs every job whose timer is due at `now`: expiry, refresh, replication, republish, hand-overs. */
export function runDueJobs(s: NodeState, now: number): void {
  if (now >= s.timer(TimerKind.Expire)) sweep(s, now);
  if (now >= s.timer(TimerKind.Refresh)) refresh(s, now);
  if (now >= s.timer(TimerKind.Replicate)) replicate(s, now);
  if (now >= s.timer(TimerKind.Republish)) republish(s, now);
  if (now >= s.timer(TimerKind.HandOver)) drainHandOvers(s, now);
}

/** Removes expired records; the next sweep is at the earliest expiry left. */
export function sweep(s: NodeState, now: number): void {
  const records = s.records ? s.records.sweep(now) : Infinity;
  s.setTimer(TimerKind.Expire, s.sources ? Math.min(records, s.sources.sweep(now)) : records);
}

/** A random lookup into every bucket that saw none for refreshMs. */
export function refresh(s: NodeState, now: number): void {
  const table = s.table;
  const nowSec = secondsSinceEpoch(s, now);
  const periodSec = Math.ceil(s.config.refreshMs / SEC);
  for (let b = 0; b < table.bucketCount; b++) {
    if (nowSec - table.lastLookupSec(b) >= periodSec) {
      const target = new Uint32Array(ID_WORDS);
      table.randomIdInBucket(b, target, () => s.rng.nextU32());
      startLookup(s, LookupKind.FindNode, target, now, IGNORE_RESULT);
    }
  }
  let earliest = Infinity;
  for (let b = 0; b < table.bucketCount; b++) earliest = Math.min(earliest, table.lastLookupSec(b));
  s.setTimer(TimerKind.Refresh, Math.max(now + SEC, s.epoch + (earliest + periodSec) * SEC));
}

/** Pushes each replica not STOREd here within the last interval to the current k closest, keeping its expiry. */
export function replicate(s: NodeState, now: number): void {
  s.setTimer(TimerKind.Replicate, now + replicationDelay(s.config, s.rng));
  replicateSources(s, now);
  if (!s.records) return;
  const store = s.records;
  const sp = store.space;
  for (let c = store.first(); c >= 0; c = store.next(c)) {
    if (sp.cached(c) || sp.expiresAt(c) <= now || now - sp.storedAt(c) < s.config.replicateMs) continue;
    store.touch(c, now);
    storeAtClosest(s, sp.keyOf(c), sp.valueOf(c), sp.version(c), sp.expiresAt(c) - now, now, null, sp.signedOf(c));
  }
}

/** Re-stores this node's own puts whose republish time has come, with a full life. */
export function republish(s: NodeState, now: number): void {
  let next = republishSources(s, now);
  for (const p of s.published?.values() ?? []) {
    if (p.republishAt <= now) {
      p.republishAt = now + s.config.republishMs;
      storeAtClosest(s, p.key, p.value, p.version, s.config.expireMs, now, null, p.signed);
    }
    next = Math.min(next, p.republishAt);
  }
  s.setTimer(TimerKind.Republish, next);
}
