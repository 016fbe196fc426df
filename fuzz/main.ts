/**
 * `npm run fuzz -- [--cases N] [--seed S] [--book-capacity C] [--max-records R] [--json FILE]`:
 * the node-handler fuzzer (node-fuzz.ts) as a command, for a checkout: it needs fast-check, a
 * devDependency, so it is not part of the installed package. Prints cases/s, RSS before and
 * after, the datagram accounts (drops by reason, inner drops, dropped contacts), the memory
 * bounds and the honest round trip after the flood. Exit 1 when an invariant broke or the honest
 * node could not store and read back; 2 for bad usage.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { EXIT, UsageError, flagHelp, intFlag, parseFlags, type FlagSpecs } from '../src/cli/flags.js';
import { fmt, formatBytes, formatTable } from '../src/report/table.js';
import { fuzzNode } from './node-fuzz.js';

const FLAGS = {
  cases: { type: 'string', arg: 'N', default: '100000', help: 'hostile datagrams to feed the node' },
  seed: { type: 'string', arg: 'S', default: '1', help: "fast-check's seed (the same seed replays the same cases)" },
  'book-capacity': { type: 'string', arg: 'C', default: '4096', help: 'address book capacity of the fuzzed node (small, so it reclaims constantly)' },
  'max-records': { type: 'string', arg: 'R', default: '100000', help: 'records the fuzzed node holds at most' },
  json: { type: 'string', arg: 'FILE', help: 'also write the figures as JSON to FILE' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const satisfies FlagSpecs;

const USAGE = `Usage: npm run fuzz -- [options]   (in a checkout: builds first; needs the devDependency fast-check)
${flagHelp(FLAGS)}

Examples:
  npm run fuzz
  npm run fuzz -- --cases 1000000

Exit codes: 0 every invariant held, 1 one broke (the counterexample and seed are printed), 2 bad usage.`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags('fuzz', argv, FLAGS);
  if (values.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  const cases = intFlag('cases', values.cases, 1);
  const seed = intFlag('seed', values.seed, 0, 2 ** 31 - 1);
  const bookCapacity = intFlag('book-capacity', values['book-capacity'], 64);
  const maxRecords = intFlag('max-records', values['max-records'], 1);
  const date = new Date().toISOString();
  console.log(`kadswarm fuzz  ${date}  Node ${process.version}  ${cpus()[0]?.model ?? 'unknown'}  ${cpus().length} cores`);
  console.log(`${cases.toLocaleString('en-US')} cases, seed ${seed}, address book ${bookCapacity}, max records ${maxRecords}`);
  let last = 0;
  const report = await fuzzNode({
    cases,
    seed,
    bookCapacity,
    maxRecords,
    onProgress: (done) => {
      if (done - last >= cases / 10 || done === cases) {
        process.stderr.write(`  ${done.toLocaleString('en-US')} cases\n`);
        last = done;
      }
    },
  });
  const s = report.state;
  const dropped = Object.values(s.drops).reduce((a, b) => a + b, 0);
  console.log();
  console.log(`${fmt(report.cases / report.seconds, 0)} cases/s (${fmt(report.seconds, 1)} s); RSS ${formatBytes(report.rssBefore)} before, ${formatBytes(report.rssAfter)} after`);
  console.log(`Datagrams: ${s.received} received = ${s.handled} handled + ${dropped} dropped (${s.received === s.handled + dropped ? 'exact' : 'MISMATCH'})`);
  const rows = Object.entries(s.drops).sort((a, b) => b[1] - a[1]).map(([reason, n]) => ['datagram', reason, n]);
  for (const [reason, n] of Object.entries(s.innerDrops).sort((a, b) => b[1] - a[1])) rows.push(['inner', reason, n]);
  rows.push(['contacts', 'dropped-contacts', s.droppedContacts]);
  console.log(formatTable(['scope', 'reason', 'count'], rows));
  console.log(`Address book ${s.addressBook.size} of ${s.addressBook.capacity} (${s.addressBook.reclaimed} reclaimed, ${s.addressBook.refused} refused); ${s.records} records; ${s.contacts} table contacts`);
  const h = report.honest;
  console.log(`Honest node afterwards: joined ${h.joined}, stored on ${h.stored} nodes, read back ${h.readBack}`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ date, node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, seed, ...report }, null, 2) + '\n');
  return h.joined && h.readBack && h.stored >= 2 ? EXIT.ok : EXIT.failed;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`fuzz: ${err.message}`);
    process.exit(err instanceof UsageError ? EXIT.usage : EXIT.failed);
  },
);
