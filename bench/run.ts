/**
 * `npm run bench`: every microbenchmark as one ops/s table, then bytes per
 * node against the memory budget.
 *
 *   node dist/bench/run.js [--quick] [--json FILE]
 *
 * Must run compiled: the ring benchmark starts dist/bench/ring.bench.js as its
 * own worker script.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { fmt, formatBytes, formatTable } from '../src/report/table.js';
import { benchCodec } from './codec.bench.js';
import { benchCore } from './core.bench.js';
import { benchMemory } from './memory.bench.js';
import { benchRing } from './ring.bench.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } } });
const quick = values.quick ?? false;

const machine = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
};
console.log(`kadswarm bench  ${machine.date}  Node ${machine.node}  ${machine.cpu}  ${machine.cores} cores${quick ? '  (quick)' : ''}`);

const time = quick ? 100 : 300;
const groups: Array<[string, () => Promise<Array<{ name: string; opsPerSec: number }>>]> = [
  ['core', () => benchCore({ time })],
  ['codec', () => benchCodec({ time })],
  ['ring', () => benchRing({ scale: quick ? 0.2 : 1 })],
];
const rows: Array<{ group: string; name: string; opsPerSec: number }> = [];
for (const [group, run] of groups) {
  process.stderr.write(`running ${group}...\n`);
  for (const r of await run()) rows.push({ group, ...r });
}
console.log();
console.log(formatTable(['group', 'benchmark', 'ops/s'], rows.map((r) => [r.group, r.name, Math.round(r.opsPerSec)])));

process.stderr.write('running memory...\n');
const mem = await benchMemory(quick ? { lo: 1000, hi: 3000, repeats: 3 } : {});
const verdict = mem.bytesPerNodeFilled <= mem.budgetBytes ? 'PASS' : 'FAIL';
console.log();
console.log(`Memory (JS heap + ArrayBuffers, slope ${mem.nodeCounts[0]} -> ${mem.nodeCounts[1]} nodes, median of ${mem.repeats})`);
console.log(
  formatTable(
    ['node', 'bytes/node', 'contacts', 'table typed array'],
    [
      ['just spawned', formatBytes(mem.bytesPerNodeEmpty), 0, '-'],
      ['filled table', formatBytes(mem.bytesPerNodeFilled), fmt(mem.meanContacts, 1), formatBytes(mem.tableBytes)],
    ],
  ),
);
console.log(`Budget ${formatBytes(mem.budgetBytes)} per node with ~250 contacts: ${verdict}`);

if (values.json) {
  writeFileSync(values.json, JSON.stringify({ machine, quick, rows, memory: mem }, null, 2) + '\n');
  process.stderr.write(`wrote ${values.json}\n`);
}
