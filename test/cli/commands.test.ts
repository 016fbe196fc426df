/**
 * The kadswarm bin as a user runs it (compiled, dist/src/cli/main.js): a top-level help that lists
 * the eight commands and nothing else, --version alone on stdout, exit code 2 for an unknown command,
 * and a --help for every command that starts with its own usage line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, assertFreshBuild } from '../swarm/dist.js';
import { runBin } from './bin.js';

const COMMANDS = ['stress', 'churn', 'load', 'serve', 'node', 'bench', 'host', 'compare'];

const kadswarm = (...args: string[]): ReturnType<typeof runBin> => runBin(args);

beforeAll(() => assertFreshBuild(['src/cli/main.js']));

describe('kadswarm', () => {
  it('with no arguments, --help or -h: lists exactly the eight commands, not one command\'s usage', async () => {
    for (const args of [[], ['--help'], ['-h']]) {
      const r = await kadswarm(...args);
      expect(r.code, r.stderr).toBe(0);
      const listed = r.stdout.split('\nCommands:\n')[1]!.split('\n\n')[0]!.split('\n').map((line) => line.trim().split(/\s+/)[0]);
      expect(listed).toEqual(COMMANDS);
      expect(r.stdout).toMatch(/^Usage: kadswarm <command> \[options\]$/m);
      expect(r.stdout).toMatch(/kadswarm <command> --help/);
      expect(r.stdout).not.toMatch(/--listen|Usage: kadswarm node/);
    }
  });

  it('--version prints the version in package.json and nothing else', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await kadswarm('--version');
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('an unknown command exits 2 with a message that names it and the commands', async () => {
    const r = await kadswarm('strss', '--nodes', '10');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('kadswarm: unknown command "strss" (did you mean stress?); the commands are stress, churn, load, serve, node, bench, host, compare (kadswarm --help)\n');
  });

  it.each(COMMANDS)('%s --help exits 0 and starts with its usage line', async (name) => {
    const r = await kadswarm(name, '--help');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: kadswarm ${name} `));
    // `kadswarm help <command>` is the same text.
    expect((await kadswarm('help', name)).stdout).toBe(r.stdout);
  });

  it('the commands with an npm run alias name it in their help', async () => {
    for (const name of ['stress', 'churn', 'load', 'bench']) {
      expect((await kadswarm(name, '--help')).stdout).toMatch(new RegExp(`^   or: npm run ${name} -- `, 'm'));
    }
  });

  it('a missing or unknown flag is bad usage: exit 2, the message prefixed by the command, a guess and a pointer to --help', async () => {
    const r = await kadswarm('node');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^node: missing -l <host:port>/);
    const unknown = await kadswarm('bench', '--fast');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('bench: unknown flag --fast; see kadswarm bench --help\n');
    const typo = await kadswarm('stress', '--nodez', '100');
    expect(typo).toMatchObject({ code: 2, stdout: '' });
    expect(typo.stderr).toBe('stress: unknown flag --nodez (did you mean --nodes?); see kadswarm stress --help\n');
    expect((await kadswarm('churn', '--get-rat', '2')).stderr).toBe('churn: unknown flag --get-rat (did you mean --get-rate?); see kadswarm churn --help\n');
    // Table slots keep 24 bits of a node's handle: a larger swarm is refused up front.
    expect((await kadswarm('stress', '--nodes', String(2 ** 24 + 1))).stderr).toBe(`stress: --nodes must be an integer in 1..16777216, got "16777217"\n`);
    // Virtual time steps in windows of the smallest latency: zero is refused before any worker is spawned.
    expect(await kadswarm('stress', '--clock', 'virtual', '--latency', '0', '--nodes', '500')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'stress: --clock virtual needs a minimum latency above zero (e.g. --latency 20-200ms)\n',
    });
    // The UDP node's rate limits, refused before a socket is bound.
    expect(await kadswarm('node', '-l', '127.0.0.1:0', '--no-rate-limit', '--max-requests', '5')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'node: --no-rate-limit cannot go with --max-requests or --max-requests-per-source\n',
    });
    expect((await kadswarm('node', '-l', '127.0.0.1:0', '--max-requests-per-source', '0')).stderr).toBe('node: --max-requests-per-source must be an integer >= 1, got "0"\n');
  });

  it('a negative number is a value of its flag, refused with the flag named, not parseArgs\' "ambiguous"', async () => {
    const r = await kadswarm('stress', '--nodes', '-5');
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'stress: --nodes must be an integer in 1..16777216, got "-5"\n' });
    const d = await kadswarm('churn', '--uptime', '-5m');
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/^churn: --uptime must be a duration: a number >= 0 with unit ms, s, m or h .*got "-5m"\n$/);
    const l = await kadswarm('serve', '--latency', 'foo');
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/^serve: --latency must be 0, a fixed latency \(20ms, 0\.5s\), a uniform range \(20-200ms\) or pareto:MIN-MAX\[:SHAPE\] .*got "foo"/);
    expect((await kadswarm('stress', '--nodes')).stderr).toBe('stress: --nodes needs a value; see kadswarm stress --help\n');
  });

  it('the file workload\'s flags are refused before anything runs: --files without --workload files, --sources 0', async () => {
    expect(await kadswarm('stress', '--nodes', '100', '--files', '10')).toEqual({ code: 2, stdout: '', stderr: 'stress: --files needs --workload files\n' });
    expect(await kadswarm('stress', '--nodes', '100', '--workload', 'files', '--sources', '0')).toEqual({ code: 2, stdout: '', stderr: 'stress: --sources must be an integer in 1..255, got "0"\n' });
  });

  it('every --help shows examples, and stress and churn list the memory and threshold flags with their units', async () => {
    for (const name of COMMANDS) expect((await kadswarm(name, '--help')).stdout).toMatch(/\nExamples:\n  (kadswarm|printf|curl) /);
    const stress = (await kadswarm('stress', '--help')).stdout;
    for (const flag of ['--config FILE', '--max-heap-mb MB', '--force', '--max-p99-ms MS', '--min-success R']) expect(stress).toContain(flag);
    expect(stress).toMatch(/--nodes N +nodes in the swarm \(default 10000\)/);
    expect(stress).toMatch(/Exit codes: 0 ok, 1 .*, 2 bad usage/);
    const churn = (await kadswarm('churn', '--help')).stdout;
    for (const flag of ['--config FILE', '--max-heap-mb MB', '--force', '--uptime T']) expect(churn).toContain(flag);
  });
});
