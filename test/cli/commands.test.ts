/**
 * The kadswarm bin as a user runs it (compiled, dist/src/cli/main.js): a top-level help that lists
 * the seven commands and nothing else, --version alone on stdout, exit code 2 for an unknown command,
 * and a --help for every command that starts with its own usage line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, assertFreshBuild } from '../swarm/dist.js';
import { runBin } from './bin.js';

const COMMANDS = ['stress', 'churn', 'load', 'serve', 'node', 'bench', 'compare'];

const kadswarm = (...args: string[]): ReturnType<typeof runBin> => runBin(args);

beforeAll(() => assertFreshBuild(['src/cli/main.js']));

describe('kadswarm', () => {
  it('with no arguments, --help or -h: lists exactly the seven commands, not one command\'s usage', async () => {
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
    expect(r.stderr).toBe('kadswarm: unknown command "strss"; the commands are stress, churn, load, serve, node, bench, compare (kadswarm --help)\n');
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

  it('a missing or unknown flag exits 1 with the message prefixed by the command', async () => {
    const r = await kadswarm('node');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^node: missing -l <host:port>/);
    const unknown = await kadswarm('bench', '--fast');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^bench: Unknown option '--fast'/);
  });
});
