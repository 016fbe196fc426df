/**
 * `kadswarm compare A.json B.json`: two stress reports (single runs or
 * --runs R) figure by figure, with the ratio B/A and whether the 95 %
 * intervals separate them. It reports; it does not judge, so it exits 0
 * whatever differs (2, bad usage, for a file it cannot read).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { comparedReport, formatComparison } from '../report/compare.js';
import { EXIT, UsageError } from './flags.js';

export const COMPARE_USAGE = `Usage: kadswarm compare A.json B.json
  Two stress reports (stress --json FILE, or report.json in --out), each one run or --runs R,
  side by side: every headline figure for A and B, the ratio B/A, and "differs" when the 95 %
  intervals of the two means do not overlap (single runs have no interval: "intervals unknown").

Examples:
  kadswarm stress --nodes 2000 --runs 5 --json a.json
  kadswarm stress --nodes 2000 --runs 5 --k 10 --json b.json
  kadswarm compare a.json b.json

Exit codes: 0 compared (whatever differs), 2 bad usage (not two files, or one that is not a report).`;

export async function compareCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  if (values.help) {
    console.log(COMPARE_USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 2) throw new UsageError(`needs two report files, got ${positionals.length} (kadswarm compare --help)`);
  const [a, b] = positionals.map((file) => {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
    }
    try {
      return comparedReport(doc, file);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
  console.log(formatComparison(a!, b!, { a: positionals[0]!, b: positionals[1]! }));
  return EXIT.ok;
}
