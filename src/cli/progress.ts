/**
 * Progress of long phases: one cli-progress bar per phase on a terminal, a
 * plain "phase: done in N s" line otherwise (CI logs, pipes), on stderr so
 * the report on stdout stays clean.
 */
import cliProgress from 'cli-progress';
import type { PhaseObserver } from '../swarm/observer.js';

export function phaseProgress(): PhaseObserver & { abort(): void } {
  const tty = process.stderr.isTTY;
  let bar: cliProgress.SingleBar | null = null;
  let name = '';
  let started = 0;
  return {
    start(phase, total) {
      name = phase;
      started = performance.now();
      if (tty) {
        bar = new cliProgress.SingleBar(
          { format: `${phase.padEnd(10)} [{bar}] {percentage}% {value}/{total} {speed}/s eta {eta_formatted}`, hideCursor: true, etaBuffer: 50, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, { speed: 0 });
      }
    },
    progress(done) {
      const s = (performance.now() - started) / 1000;
      bar?.update(done, { speed: s > 0 ? Math.round(done / s) : 0 });
    },
    end() {
      bar?.stop();
      bar = null;
      if (!tty) console.error(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
    abort() {
      bar?.stop();
      bar = null;
    },
  };
}
