/**
 * The churn run's file-workload figures, from the shards' rows (virtual-files.ts): source-lookup
 * success (at least one real source found), sources found, and search recall and precision against
 * the seeded file list's brute-force truth, overall and per report bucket.
 */
import { Samples, type Summary } from '../sim/samples.js';
import { fileWorkload } from './files-workload.js';
import { FILE_CUT_SHORT, type VirtualShardResult } from './virtual-result.js';
import type { ChurnFilesParams } from './files-workload.js';

export interface ChurnFilesResult {
  files: number;
  sourcesPublished: number;
  lookups: { count: number; success: number; cutShort: number; meanSources: number; allFoundRatio: number; rpcs: Summary; latencyMs: Summary };
  searches: { count: number; recall: number; precision: number; exactRatio: number; cutShort: number; rpcs: Summary; latencyMs: Summary };
  /** Per report bucket (ms into the measured part): lookups and their success, searches and their recall. */
  buckets: Array<{ startMs: number; lookups: number; lookupSuccess: number; searches: number; recall: number }>;
}

export function mergeChurnFiles(shards: VirtualShardResult[], seed: number, nodes: number, spec: ChurnFilesParams, joinEnd: number, durationMs: number, bucketMs: number): ChurnFilesResult | undefined {
  const plan = shards[0]?.files;
  if (!plan) return undefined;
  const truth = fileWorkload(seed, nodes, spec).truth;
  const buckets = Math.max(1, Math.ceil(durationMs / bucketMs));
  const per = Array.from({ length: buckets }, () => ({ lookups: 0, ok: 0, searches: 0, found: 0, truth: 0 }));
  const L = { count: 0, ok: 0, cut: 0, all: 0, rpcs: new Samples(), latency: new Samples(), sources: new Samples() };
  const S = { count: 0, exact: 0, cut: 0, found: 0, returned: 0, truth: 0, rpcs: new Samples(), latency: new Samples() };
  for (let j = 0; j < plan.at.length; j++) {
    // Only the asking node's shard filled row j.
    const s = shards.find((x) => x.files!.rows.stored[j] === 1);
    if (!s) continue; // its node was down at the start, or it had not ended
    const rows = s.files!.rows;
    const b = per[Math.min(buckets - 1, Math.max(0, Math.floor((plan.at[j]! - joinEnd) / bucketMs)))]!;
    if (rows.ok[j] === FILE_CUT_SHORT) {
      if (plan.kind[j] === 0) L.cut++;
      else S.cut++;
      continue;
    }
    if (plan.kind[j] === 0) {
      L.count++;
      L.ok += rows.ok[j]!;
      if (rows.correct[j] === spec.sources) L.all++;
      L.sources.add(rows.correct[j]!);
      L.rpcs.add(rows.rpcs[j]!);
      L.latency.add(rows.duration[j]!);
      b.lookups++;
      b.ok += rows.ok[j]!;
    } else {
      const t = truth[plan.item[j]!]!;
      S.count++;
      S.exact += rows.ok[j]!;
      S.found += rows.correct[j]!;
      S.returned += rows.found[j]!;
      S.truth += t;
      S.rpcs.add(rows.rpcs[j]!);
      S.latency.add(rows.duration[j]!);
      b.searches++;
      b.found += rows.correct[j]!;
      b.truth += t;
    }
  }
  return {
    files: spec.files,
    sourcesPublished: spec.sources,
    lookups: { count: L.count, success: L.count ? L.ok / L.count : NaN, cutShort: L.cut, meanSources: L.sources.mean, allFoundRatio: L.count ? L.all / L.count : NaN, rpcs: L.rpcs.summary(), latencyMs: L.latency.summary() },
    searches: { count: S.count, recall: S.truth ? S.found / S.truth : NaN, precision: S.returned ? S.found / S.returned : NaN, exactRatio: S.count ? S.exact / S.count : NaN, cutShort: S.cut, rpcs: S.rpcs.summary(), latencyMs: S.latency.summary() },
    buckets: per.map((b, i) => ({ startMs: i * bucketMs, lookups: b.lookups, lookupSuccess: b.lookups ? b.ok / b.lookups : NaN, searches: b.searches, recall: b.truth ? b.found / b.truth : NaN })),
  };
}
