/**
 * `kadswarm bench` (alias `npm run bench`): every microbenchmark as one ops/s
 * table, then bytes per node against the memory budget.
 *
 * The suites live in bench/ and ship compiled in the package (dist/bench):
 * the ring benchmark starts dist/bench/ring.bench.js as its own worker
 * script, so it must run compiled.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fmt, formatBytes, formatTable } from '../report/table.js';
import { parseFlags } from './flags.js';
import { benchCodec } from '../../bench/codec.bench.js';
import { benchCore } from '../../bench/core.bench.js';
import { benchMemory } from '../../bench/memory.bench.js';
import { benchRing } from '../../bench/ring.bench.js';
import { benchRecordMemory, benchRecordStore } from '../../bench/record-store.bench.js';

export const BENCH_USAGE = `Usage: kadswarm bench [--quick] [--json FILE]
   or: npm run bench -- [--quick] [--json FILE]   (in a checkout: builds first)
  --quick              shorter runs and a smaller memory measurement
  --json FILE          also write the rows, the memory figures and the machine as JSON to FILE

Examples:
  kadswarm bench --quick
  kadswarm bench --json bench.json

Exit codes: 0 ok, 2 bad usage.`;

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('bench', argv, { quick: { type: 'boolean', default: false }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    console.log(BENCH_USAGE);
    return 0;
  }
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
    ['records', () => benchRecordStore({ time })],
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
      ['node', 'bytes/node', 'contacts', 'table region'],
      [
        ['just spawned', formatBytes(mem.bytesPerNodeEmpty), 0, '-'],
        ['filled table', formatBytes(mem.bytesPerNodeFilled), fmt(mem.meanContacts, 1), formatBytes(mem.tableBytes)],
      ],
    ),
  );
  console.log(`Budget ${formatBytes(mem.budgetBytes)} per node with ~250 contacts: ${verdict}`);
  const recMem = benchRecordMemory(quick ? { lo: 1000, hi: 3000, repeats: 1 } : {});
  console.log(
    `Record copies (20 replicas of each 100-byte put over 2,000 stores, slope ${recMem.puts[0]} -> ${recMem.puts[1]} puts): ` +
      `${fmt(recMem.before, 0)} B per copy before (Map), ${fmt(recMem.after, 0)} B after (RecordSpace)`,
  );

  if (values.json) {
    writeFileSync(values.json, JSON.stringify({ machine, quick, rows, memory: mem, recordMemory: recMem }, null, 2) + '\n');
    process.stderr.write(`wrote ${values.json}\n`);
  }
  return 0;
}
