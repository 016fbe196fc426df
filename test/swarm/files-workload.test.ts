/**
 * The file-sharing workload (--workload files): the seeded file list against an independent
 * reading of it, and a 500-node swarm on the virtual clock where every lookup finds all of a
 * file's publishers and every search returns exactly the brute-force set of matching files, with
 * the same trace for 1 and 2 workers. Runs the compiled build (shards are worker threads).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fileWorkload } from '../../src/swarm/files-workload.js';
import { buildStressReport, formatStressReport } from '../../src/report/stress-report.js';
import { stressHtml } from '../../src/report/stress-plots.js';

import { churnOptions } from './churn-options.js';
import { virtualStressOptions } from './stress-options.js';
import { formatChurnRun } from '../../src/report/churn-report.js';

type StressRun = typeof import('../../src/swarm/stress-run.js');
type ChurnRun = typeof import('../../src/swarm/churn-run.js');

describe('the file workload', () => {
  it('is the same list for the same seed: 2–5 distinct words a name, hash = SHA-1 of the name, distinct publishers, truth by brute force', () => {
    const w = fileWorkload(9, 300, { files: 200, sources: 4 });
    expect(w.names).toHaveLength(200);
    expect(new Set(w.names).size).toBe(200);
    for (const [f, name] of w.names.entries()) {
      const words = name.split(' ');
      expect(words.length).toBeGreaterThanOrEqual(2);
      expect(words.length).toBeLessThanOrEqual(5);
      expect(new Set(words).size).toBe(words.length);
      expect(w.hex[f]).toBe(createHash('sha1').update(name).digest('hex'));
      const pubs = Array.from(w.publishers.subarray(f * 4, f * 4 + 4));
      expect(new Set(pubs).size).toBe(4);
      for (const p of pubs) expect(p >= 0 && p < 300).toBe(true);
    }
    // The truth of each search, read again from the names alone.
    w.queries.forEach((q, i) => {
      expect(q.length === 1 || q.length === 2).toBe(true);
      expect(w.truth[i]).toBe(w.names.filter((n) => q.every((x) => n.split(' ').includes(x))).length);
      expect(w.truth[i]).toBeGreaterThan(0); // drawn from a real file's name
    });
    // Zipf word popularity: the most common word is in many names, most words in few.
    const uses = new Map<string, number>();
    for (const n of w.names) for (const x of n.split(' ')) uses.set(x, (uses.get(x) ?? 0) + 1);
    const counts = [...uses.values()].sort((a, b) => b - a);
    expect(counts[0]!).toBeGreaterThan(5 * counts[Math.floor(counts.length / 2)]!);
    // Another seed, another list.
    expect(fileWorkload(10, 300, { files: 200, sources: 4 }).names).not.toEqual(w.names);
  });

  it('on 500 nodes without churn: every file\'s S sources found, recall and precision 1, the same trace for 1 and 2 workers', async () => {
    const mod = (await import(new URL('../../dist/src/swarm/stress-run.js', import.meta.url).href)) as StressRun;
    const quiet = { start() {}, progress() {}, end() {} };
    const files = { files: 60, sources: 3 };
    const run = (workers: number) =>
      mod.runStress(virtualStressOptions({ nodes: 500, workers, keys: 50, seed: 7, files }), quiet);
    const one = await run(1);
    const two = await run(2);
    expect(two.traceHash).toBe(one.traceHash);
    expect(two.traceChain).toBe(one.traceChain);
    const w = fileWorkload(7, 500, files);
    const phase = (name: string) => one.phases.find((p) => p.name === name)!;
    expect(phase('publish').count).toBe(180);
    expect(Array.from(phase('publish').rows!.ok).every((x) => x === 1)).toBe(true);
    const look = phase('find-sources').rows!;
    expect(Array.from(look.found)).toEqual(new Array(60).fill(3));
    expect(Array.from(look.correct)).toEqual(new Array(60).fill(3));
    const search = phase('search').rows!;
    expect(Array.from(search.correct)).toEqual(Array.from(w.truth));
    expect(Array.from(search.found)).toEqual(Array.from(w.truth));

    const rep = buildStressReport(one, { version: 't', commit: 't', node: 'v20', cores: 2, memoryBytes: 1e9 });
    const json = JSON.parse(JSON.stringify(rep)) as { files: Record<string, any>; meta: { flags: Record<string, unknown> } };
    expect(json.meta.flags).toMatchObject({ workload: 'files', files: 60, sources: 3 });
    const f = json.files;
    expect(f.sourcesPublished).toBe(3);
    expect(f.sourcesFound).toMatchObject({ mean: 3, p5: 3, min: 3, allFoundRatio: 1, bogus: 0 });
    expect(f.search).toMatchObject({ recall: 1, precision: 1, exactRatio: 1, matchesTrue: w.truth.reduce((a, x) => a + x, 0) });
    for (const op of ['publish', 'sourceLookup', 'search']) {
      expect(f[op].count).toBeGreaterThan(0);
      for (const key of ['p50', 'p95', 'p99']) expect(f[op].latencyMs[key]).toBeGreaterThan(0);
      expect(f[op].depth.mean).toBeGreaterThan(0);
      expect(f[op].rpcs.mean).toBeGreaterThan(0);
    }
    // Every lookup and search asked FIND_SOURCES and got SOURCES back: the reply bytes and the hot-key counts.
    expect(f.sourcesReplyBytes.count).toBeGreaterThan(120);
    expect(f.sourcesReplyBytes.max).toBeGreaterThanOrEqual(f.sourcesReplyBytes.mean);
    expect(f.hotKeys.requests).toBe(one.stats.reduce((a, s) => a + s.sent[9]!, 0));
    expect(f.hotKeys.top1PercentShare).toBeGreaterThanOrEqual(f.hotKeys.top1Share);
    expect(f.hotKeys.topNodes).toBe(5);
    expect(formatStressReport(rep)).toContain('Keyword search: recall 100.00%');
    expect(stressHtml(rep)).toContain('<h2>File sharing</h2>');
  }, 120_000);

  it('under churn: source-lookup success and search recall overall and per bucket, the same run for 1 and 2 workers', async () => {
    const mod = (await import(new URL('../../dist/src/swarm/churn-run.js', import.meta.url).href)) as ChurnRun;
    const options = (workers: number) => {
      const o = churnOptions({ workers, seed: 8, nodes: 300, minutes: 30 });
      return { ...o, params: { ...o.params, keys: 0, getRate: 0, files: { files: 30, sources: 3, rate: 0.5, publishSpacingMs: 10 } } };
    };
    const one = await mod.runChurn(options(1));
    const two = await mod.runChurn(options(2));
    expect(two.traceHash).toBe(one.traceHash);
    expect(two.traceChain).toBe(one.traceChain);
    const f = one.files!;
    expect(two.files).toEqual(f);
    // Half a lookup and half a search a second for the 29 minutes after publishing: ~870 of each, less those cut short.
    expect(f.lookups.count + f.lookups.cutShort).toBeGreaterThan(700);
    expect(f.searches.count + f.searches.cutShort).toBeGreaterThan(700);
    expect(f.lookups.success).toBeGreaterThan(0.95);
    expect(f.searches.recall).toBeGreaterThan(0.9);
    expect(f.searches.precision).toBe(1);
    expect(f.buckets).toHaveLength(2);
    expect(f.buckets.reduce((a, b) => a + b.lookups, 0)).toBe(f.lookups.count);
    expect(f.buckets.reduce((a, b) => a + b.searches, 0)).toBe(f.searches.count);
    expect(formatChurnRun(one)).toMatch(/Keyword searches: [\d,]+, recall \d/);
  }, 180_000);
});
