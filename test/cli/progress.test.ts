/**
 * phaseProgress on a terminal and off one, with a stream standing in for stderr: without a
 * terminal a line every interval while a phase runs; on a terminal the bar's last frame is 100 %
 * with the phase's time, also when the last update was short of the total.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { phaseProgress } from '../../src/cli/progress.js';

function sink(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY: boolean; columns: number; text: () => string; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean };
  w.isTTY = isTTY;
  w.columns = 200;
  w.text = () => text;
  return w;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('phaseProgress', () => {
  it('without a terminal: a line with done, share, rate and ETA every interval, then one with the time taken', async () => {
    const out = sink(false);
    const p = phaseProgress({ stream: out, intervalMs: 20 });
    p.start('join', 1000);
    p.progress(250);
    await sleep(70);
    p.progress(600);
    await sleep(50);
    p.end();
    const lines = out.text().trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toMatch(/^join: 250\/1,000 \(25\.0%\), [\d,]+\/s, ETA \d+\.\d s, \d+\.\d s elapsed$/);
    expect(lines).toContainEqual(expect.stringMatching(/^join: 600\/1,000 \(60\.0%\)/));
    expect(lines.at(-1)).toMatch(/^join: done in \d+\.\d s \(1,000, [\d,]+\/s\)$/);
    // No line after the phase ended.
    const n = out.text().length;
    await sleep(60);
    expect(out.text().length).toBe(n);
  });

  it('a phase that reports nothing until it ends (spawn) still gets lines, with ETA unknown', async () => {
    const out = sink(false);
    const p = phaseProgress({ stream: out, intervalMs: 20 });
    p.start('spawn', 5_000_000);
    await sleep(60);
    p.end();
    expect(out.text()).toMatch(/^spawn: 0\/5,000,000 \(0\.0%\), 0\/s, ETA unknown, \d+\.\d s elapsed$/m);
  });

  it('on a terminal: the last frame is 100 % with the time taken, not the last update', async () => {
    const out = sink(true);
    const p = phaseProgress({ stream: out, tty: true });
    p.start('get', 1000);
    p.progress(930);
    await sleep(30);
    p.end();
    const frames = out.text().split(/\r|\x1b\[[0-9;]*[A-Za-z]/).filter((f) => f.includes('get'));
    expect(frames.at(-1)).toMatch(/^get\s+\[[█░]+\] 100% 1000\/1000 \d+\/s done in \d+\.\d s/);
  });
});
