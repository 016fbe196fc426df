// The stress run's memory figures, raw: per shard the bytes (heap used + the typed arrays the
// shard counts) at a tenth of its nodes, at all of them, after the join and after the run, and
// the report's bytesPerNodeAfterJoin / AfterRun from them (src/report/stress-report.ts). Given
// several swarm sizes it also prints the slope of the after-join bytes between consecutive
// sizes: what one more node costs, with every per-shard constant (compiled code, buffers sized
// once) cancelled out. Runs the CLI's default stress (real clock, latency 0, 2 workers).
//
//   npx tsc -p tsconfig.json && node bench/stress-bytes.mjs [nodes…=5000 10000 20000]
import { runStress } from '../dist/src/swarm/stress-run.js';

const sizes = (process.argv.length > 2 ? process.argv.slice(2) : ['5000', '10000', '20000']).map(Number);
const quiet = { start() {}, progress() {}, end() {} };
const sum = (list, f) => list.reduce((a, s) => a + f(s), 0);
const kb = (b) => (b / 1024).toFixed(0).padStart(8);
const rows = [];
for (const nodes of sizes) {
  const r = await runStress(
    {
      nodes,
      keys: nodes,
      seed: 1,
      concurrency: 256,
      joinConcurrency: 256,
      // What stress-command.ts sets for a lossless real-clock run.
      config: { k: 20, alpha: 3, minTimeoutMs: 2000, maxTimeoutMs: 10_000, initialTimeoutMs: 5000 },
      network: { latency: { kind: 'constant', ms: 0 }, loss: 0, jitter: 0.1, seed: 1 },
      zipf: 0,
      checkSample: 1000,
      healthSample: 1000,
      trace: 0,
      clock: 'real',
      bootstraps: 16,
      subnets: 1,
    },
    quiet,
  );
  const first = sum(r.spawn, (s) => s.bytesAtFirst);
  const all = sum(r.spawn, (s) => s.bytesAtAll);
  const firstNodes = sum(r.spawn, (s) => s.firstNodes);
  const join = sum(r.afterJoin, (s) => s.heapUsed + s.typedArrayBytes);
  const joinTyped = sum(r.afterJoin, (s) => s.typedArrayBytes);
  const run = sum(r.stats, (s) => s.heapUsed + s.typedArrayBytes);
  const slope = (all - first) / (nodes - firstNodes);
  rows.push({ nodes, first, all, join, run });
  console.log(
    `${String(nodes).padStart(7)} nodes, ${r.workers} shards: KiB at a tenth ${kb(first)}, at all ${kb(all)}, after join ${kb(join)} (typed ${kb(joinTyped)}), after run ${kb(run)}`,
  );
  console.log(
    `        report: atSpawn ${slope.toFixed(0)} B/node, afterJoin ${(slope + (join - all) / nodes).toFixed(0)}, afterRun ${(slope + (run - all) / nodes).toFixed(0)};` +
      ` all bytes after join ÷ nodes ${(join / nodes).toFixed(0)}; intercept at 0 nodes ${kb(first - slope * firstNodes)} KiB`,
  );
}
for (let i = 1; i < rows.length; i++) {
  const a = rows[i - 1];
  const b = rows[i];
  const d = b.nodes - a.nodes;
  console.log(`slope ${a.nodes} → ${b.nodes}: after spawn ${((b.all - a.all) / d).toFixed(0)} B/node, after join ${((b.join - a.join) / d).toFixed(0)}, after run ${((b.run - a.run) / d).toFixed(0)}`);
}
