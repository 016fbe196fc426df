/**
 * Flag values of every command go through one set of parsers: bad values get a
 * message that names the flag, says what it must be and quotes the input.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { choiceFlag, durationFlag, intFlag, numberFlag, ratioFlag } from '../../src/cli/flags.js';

describe('flag parsers', () => {
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
    expect(() => durationFlag('uptime', '30 minutes')).toThrow('--uptime must be a duration like 90s, 30m or 6h, got "30 minutes"');
    expect(choiceFlag('restart', 'fresh', ['keep', 'fresh'] as const)).toBe('fresh');
    expect(() => choiceFlag('restart', 'crash', ['keep', 'fresh'] as const)).toThrow('--restart must be keep or fresh, got "crash"');
    expect(() => choiceFlag('mode', 'x', ['a', 'b', 'c'] as const)).toThrow('--mode must be one of a, b, c, got "x"');
  });

  it('npm run churn refuses a bad rate with exit code 1 and the message, before starting anything', async () => {
    const script = new URL('../../dist/stress/churn.js', import.meta.url).pathname;
    const run = promisify(execFile)(process.execPath, [script, '--get-rate', 'often', '--out', '/tmp/kadswarm-flags-test']);
    await expect(run).rejects.toMatchObject({ code: 1, stderr: 'churn: --get-rate must be a number >= 0, got "often"\n' });
  });
});
