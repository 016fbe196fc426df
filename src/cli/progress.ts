/**
 * Progress of long phases, on stderr so the report on stdout stays clean. On a
 * terminal: one cli-progress bar per phase that ends at 100 % with the time the
 * phase took. Otherwise (CI logs, pipes): a line every ~10 s while a phase runs
 * (done, rate, ETA) and one when it ends, so a 50-second spawn is not silence.
 */
import cliProgress from 'cli-progress';
import type { PhaseObserver } from '../swarm/observer.js';

export interface ProgressOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Bars (true) or lines (false); default: whether the stream is a terminal. */
  tty?: boolean;
  /** Milliseconds between progress lines without a terminal; default KADSWARM_PROGRESS_MS or 10 s. */
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 10_000;

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function phaseProgress(o: ProgressOptions = {}): PhaseObserver & { abort(): void } {
  const stream = o.stream ?? process.stderr;
  const tty = o.tty ?? stream.isTTY === true;
  const fromEnv = Number(process.env.KADSWARM_PROGRESS_MS);
  const intervalMs = o.intervalMs ?? (fromEnv > 0 ? fromEnv : DEFAULT_INTERVAL_MS);
  let bar: cliProgress.SingleBar | null = null;
  let timer: NodeJS.Timeout | null = null;
  let name = '';
  let total = 0;
  let done = 0;
  let started = 0;
  const rate = (): number => {
    const s = (performance.now() - started) / 1000;
    return s > 0 ? done / s : 0;
  };
  const eta = (): string => {
    const r = rate();
    return done >= total ? '0 s' : r > 0 ? seconds(((total - done) / r) * 1000) : 'unknown';
  };
  const line = (text: string): void => void stream.write(`${text}\n`);
  const stopTimer = (): void => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  return {
    start(phase, n) {
      name = phase;
      total = n;
      done = 0;
      started = performance.now();
      if (tty) {
        bar = new cliProgress.SingleBar(
          { format: `${phase.padEnd(10)} [{bar}] {percentage}% {value}/{total} {speed}/s {time}`, hideCursor: true, etaBuffer: 50, stream },
          cliProgress.Presets.shades_classic,
        );
        bar.start(n, 0, { speed: 0, time: 'eta unknown' });
      } else {
        // unref: a progress line is never what keeps the process alive.
        timer = setInterval(() => {
          const pct = total > 0 ? ` (${((done / total) * 100).toFixed(1)}%)` : '';
          line(`${name}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}${pct}, ${Math.round(rate()).toLocaleString('en-US')}/s, ETA ${eta()}, ${seconds(performance.now() - started)} elapsed`);
        }, intervalMs);
        timer.unref();
      }
    },
    progress(n) {
      done = n;
      bar?.update(n, { speed: Math.round(rate()), time: `eta ${eta()}` });
    },
    end() {
      stopTimer();
      const took = seconds(performance.now() - started);
      // The phase is over: the last frame shows all of it and how long it took, not the last update.
      done = total;
      if (bar) {
        bar.update(total, { speed: Math.round(rate()), time: `done in ${took}` });
        bar.stop();
        bar = null;
      } else line(`${name}: done in ${took} (${total.toLocaleString('en-US')}, ${Math.round(rate()).toLocaleString('en-US')}/s)`);
    },
    abort() {
      stopTimer();
      bar?.stop();
      bar = null;
    },
  };
}
