/**
 * Flag values of every command go through one set of parsers: bad values get a
 * message that names the flag, says what it must be and quotes the input.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, bitsFlag, choiceFlag, durationFlag, filesWorkloadFlags, flagHelp, intFlag, latencyFlag, numberFlag, parseFlags, ratioFlag } from '../../src/cli/flags.js';
import { closestName } from '../../src/core/names.js';
import { joinFlag } from '../../src/cli/run-flags.js';
import { resolveConfig } from '../../src/core/config.js';

describe('flag parsers', () => {
  it('--join: a joinMode for stress and churn, oracle for churn only, protocol (churn\'s old value) the default', () => {
    expect(joinFlag('lean', 'stress')).toEqual({ mode: 'lean', oracle: false });
    expect(joinFlag('paper', 'churn')).toEqual({ mode: 'paper', oracle: false });
    expect(joinFlag('oracle', 'churn')).toEqual({ oracle: true });
    expect(joinFlag('protocol', 'churn')).toEqual({ oracle: false });
    expect(joinFlag(undefined, 'stress')).toEqual({ oracle: false });
    expect(() => joinFlag('oracle', 'stress')).toThrow('--join oracle fills tables without joins: it is for kadswarm churn');
    expect(() => joinFlag('fast', 'stress')).toThrow('--join must be one of lean, paper, oracle, got "fast"');
    expect(resolveConfig().joinMode).toBe('lean');
    expect(() => resolveConfig({ joinMode: 'quick' as never })).toThrow('config: joinMode must be paper or lean, got quick');
  });

  it('integers: bounds, fractions, empty text and junk are refused with the flag named', () => {
    expect(intFlag('nodes', '10000', 1)).toBe(10000);
    expect(intFlag('seed', '-3')).toBe(-3);
    expect(() => intFlag('nodes', '0', 1)).toThrow('--nodes must be an integer >= 1, got "0"');
    expect(() => intFlag('port', '70000', 0, 65535)).toThrow('--port must be an integer in 0..65535, got "70000"');
    expect(() => intFlag('k', '2.5')).toThrow('--k must be an integer, got "2.5"');
    expect(() => intFlag('seed', '')).toThrow('--seed must be an integer, got ""');
    expect(() => intFlag('keys', '1e400', 0)).toThrow('--keys must be an integer >= 0, got "1e400"');
  });

  it('numbers and ratios', () => {
    expect(numberFlag('get-rate', '0.5')).toBe(0.5);
    expect(() => numberFlag('get-rate', 'abc')).toThrow('--get-rate must be a number >= 0, got "abc"');
    expect(() => numberFlag('zipf', '-1')).toThrow('--zipf must be a number >= 0, got "-1"');
    expect(() => numberFlag('put-rate', 'Infinity')).toThrow('--put-rate must be a number >= 0');
    expect(ratioFlag('loss', '0.1')).toBe(0.1);
    expect(() => ratioFlag('loss', '1.5')).toThrow('--loss must be between 0 and 1, got "1.5"');
    expect(() => ratioFlag('loss', ' ')).toThrow('--loss must be between 0 and 1');
  });

  it('durations with units, and choices', () => {
    expect(durationFlag('uptime', '30m')).toBe(30 * 60_000);
    expect(durationFlag('duration', '6h')).toBe(6 * 3_600_000);
    expect(durationFlag('bucket', '90s')).toBe(90_000);
    expect(durationFlag('expire', '250')).toBe(250);
    expect(() => durationFlag('uptime', '30 minutes')).toThrow('--uptime must be a duration: a number >= 0 with unit ms, s, m or h (no unit: ms), like 90s, 30m or 6h; got "30 minutes"');
    expect(() => durationFlag('uptime', '-5m')).toThrow(UsageError);
    expect(choiceFlag('restart', 'fresh', ['keep', 'fresh'] as const)).toBe('fresh');
    expect(() => choiceFlag('restart', 'crash', ['keep', 'fresh'] as const)).toThrow('--restart must be keep or fresh, got "crash"');
    expect(() => choiceFlag('mode', 'x', ['a', 'b', 'c'] as const)).toThrow('--mode must be one of a, b, c, got "x"');
  });

  it('--bits B maps to bitsPerStep in 1..5; absent, it leaves the setting to the config file or the default', () => {
    expect(bitsFlag('4')).toEqual({ bitsPerStep: 4 });
    expect(bitsFlag(undefined)).toEqual({});
    expect(() => bitsFlag('6')).toThrow('--bits must be an integer in 1..5, got "6"');
    expect(() => bitsFlag('0')).toThrow(UsageError);
  });

  it('stress, churn and serve take --bits and refuse a B out of range as bad usage (exit code 2)', async () => {
    const main = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
    for (const command of ['stress', 'churn', 'serve']) {
      const run = promisify(execFile)(process.execPath, [main, command, '--bits', '9', ...(command === 'serve' ? [] : ['--out', '/tmp/kadswarm-flags-test'])]);
      await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--bits must be an integer in 1..5, got "9"') });
      const help = await promisify(execFile)(process.execPath, [main, command, '--help']);
      expect(help.stdout).toMatch(/--bits B\s+bits per routing step, 1\.\.5/);
    }
  });

  it('npm run churn refuses a bad rate as bad usage (exit code 2) with the message, before starting anything', async () => {
    const script = new URL('../../dist/stress/churn.js', import.meta.url).pathname;
    const run = promisify(execFile)(process.execPath, [script, '--get-rate', 'often', '--out', '/tmp/kadswarm-flags-test']);
    await expect(run).rejects.toMatchObject({ code: 2, stderr: 'churn: --get-rate must be a number >= 0, got "often"\n' });
  });
});

describe('parseFlags', () => {
  const specs = {
    config: { type: 'string', arg: 'FILE', help: 'settings' },
    nodes: { type: 'string', arg: 'N', default: '400', help: 'nodes' },
    'join-concurrency': { type: 'string', arg: 'C', help: 'joins in flight' },
    seed: { type: 'string', default: '1', help: 'seed' },
    sweep: { type: 'boolean', help: 'a grid' },
    hidden: { type: 'string' },
    help: { type: 'boolean', short: 'h', help: 'this help' },
  } as const;
  const dir = mkdtempSync(join(tmpdir(), 'kadswarm-flags-'));
  const file = (doc: unknown): string => {
    const p = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
    return p;
  };

  it('fills defaults, keeps negative numbers as values, and refuses with UsageError', () => {
    expect(parseFlags('t', [], specs).values).toMatchObject({ nodes: '400', seed: '1' });
    expect(parseFlags('t', ['--seed', '-3', '--nodes', '-5'], specs).values).toMatchObject({ seed: '-3', nodes: '-5' });
    expect(() => parseFlags('t', ['--nodse', '5'], specs)).toThrow(new UsageError('unknown flag --nodse (did you mean --nodes?); see kadswarm t --help'));
    expect(() => parseFlags('t', ['--join', '5'], specs)).toThrow('unknown flag --join (did you mean --join-concurrency?)');
    // A flag for tests only (no help line) is never suggested.
    expect(() => parseFlags('t', ['--hiden', '5'], specs)).toThrow('unknown flag --hiden; see kadswarm t --help');
    expect(() => parseFlags('t', ['--wibble'], specs)).toThrow(/^unknown flag --wibble; see/);
  });

  it('closestName: near typos and prefixes, nothing for a word from elsewhere', () => {
    expect(closestName('nodez', ['nodes', 'keys'])).toBe('nodes');
    expect(closestName('Nodes', ['nodes'])).toBe('nodes');
    expect(closestName('alpah', ['k', 'alpha'])).toBe('alpha');
    expect(closestName('colour', ['k', 'alpha', 'nodes'])).toBeUndefined();
    expect(closestName('x', ['k'])).toBeUndefined();
  });

  it('--config: flag names and "kad"; the command line overrides the file, the file overrides defaults', () => {
    const p = file({ nodes: 1000, seed: '7', sweep: true, kad: { k: 8, bitsPerStep: 2 } });
    const r = parseFlags('t', ['--config', p, '--seed', '9'], specs);
    expect(r.values).toMatchObject({ nodes: '1000', seed: '9', sweep: true });
    expect(r.kad).toEqual({ k: 8, bitsPerStep: 2 });
  });

  it('--config refuses an unknown key or setting by name with the valid ones, and files that do not parse', () => {
    expect(() => parseFlags('t', ['--config', file({ nodez: 5 })], specs)).toThrow(/unknown key "nodez" \(did you mean "nodes"\?\); the keys are kad, nodes, join-concurrency, seed, sweep \(/);
    expect(() => parseFlags('t', ['--config', file({ kad: { bitsPerstep: 2 } })], specs)).toThrow(
      /: config: unknown setting "bitsPerstep" \(did you mean "bitsPerStep"\?\); the settings are k, alpha, bitsPerStep, .*cacheOnLookupPath, verifyAddresses, .*maxPerIp, maxSourcesPerKey, .*sourceReplyBytes, .*joinAttempts/,
    );
    expect(() => parseFlags('t', ['--config', file('{"nodes": 5,')], specs)).toThrow(/not valid JSON/);
    expect(() => parseFlags('t', ['--config', file([1])], specs)).toThrow(/must be a JSON object/);
    expect(() => parseFlags('t', ['--config', file({ sweep: 'yes' })], specs)).toThrow('"sweep" must be true or false, got "yes"');
    expect(() => parseFlags('t', ['--config', file({ nodes: [5] })], specs)).toThrow('"nodes" must be a string or a number');
    expect(() => parseFlags('t', ['--config', join(dir, 'missing.json')], specs)).toThrow(/cannot read it/);
    expect(() => parseFlags('t', ['--config', file({ kad: 5 })], specs)).toThrow(UsageError);
  });

  it('help lines: placeholder, text and default, aligned; flags without help are not listed', () => {
    const text = flagHelp(specs);
    expect(text).toContain('  --nodes N             nodes (default 400)');
    expect(text).toContain('  -h, --help            this help');
    expect(text).not.toContain('hidden');
  });

  it('latency: the accepted forms named', () => {
    expect(latencyFlag('latency', '20-200ms')).toEqual({ kind: 'uniform', minMs: 20, maxMs: 200 });
    expect(() => latencyFlag('latency', 'fast')).toThrow(/^--latency must be 0, a fixed latency .* pareto:MIN-MAX\[:SHAPE\] \(pareto:20-2000ms\); got "fast"/);
  });

  it('the file workload: --files and --sources only with --workload files, defaults nodes / 10 and 3, refusals named', () => {
    expect(filesWorkloadFlags({}, 1000)).toBeNull();
    expect(filesWorkloadFlags({ workload: 'default' }, 1000)).toBeNull();
    expect(filesWorkloadFlags({ workload: 'files' }, 1000)).toEqual({ files: 100, sources: 3 });
    expect(filesWorkloadFlags({ workload: 'files' }, 5)).toEqual({ files: 1, sources: 3 });
    expect(filesWorkloadFlags({ workload: 'files', files: '40', sources: '7' }, 1000)).toEqual({ files: 40, sources: 7 });
    expect(() => filesWorkloadFlags({ files: '40' }, 1000)).toThrow(new UsageError('--files needs --workload files'));
    expect(() => filesWorkloadFlags({ workload: 'default', sources: '2' }, 1000)).toThrow(new UsageError('--sources needs --workload files'));
    expect(() => filesWorkloadFlags({ workload: 'file' }, 1000)).toThrow('--workload must be default or files, got "file"');
    expect(() => filesWorkloadFlags({ workload: 'files', sources: '0' }, 1000)).toThrow('--sources must be an integer in 1..255, got "0"');
    expect(() => filesWorkloadFlags({ workload: 'files', files: '0' }, 1000)).toThrow('--files must be an integer >= 1, got "0"');
    expect(() => filesWorkloadFlags({ workload: 'files', sources: '4' }, 3)).toThrow("--sources 4 needs at least 4 nodes (each file's publishers are distinct nodes), got --nodes 3");
  });
});
