/**
 * --ndjson FILE|-: the run's events as they happen, one JSON object a line
 * (run start and end, phase start and end, progress), each stamped with the
 * wall-clock time `t` (ISO) and `ms` since the log opened — a per-phase time
 * series that pandas reads with read_json(lines=True). Progress lines are
 * thinned to one per PROGRESS_EVERY_MS per phase (plus the last), so a
 * million-node run does not write a line per operation.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { PhaseObserver } from '../swarm/observer.js';

const PROGRESS_EVERY_MS = 100;

export interface EventLog {
  emit(event: string, fields?: Record<string, unknown>): void;
  close(): void;
}

const NO_EVENTS: EventLog = { emit() {}, close() {} };

/** A log to FILE, to stdout for "-", or nowhere without a target. */
export function openEventLog(target: string | undefined): EventLog {
  if (target === undefined) return NO_EVENTS;
  const t0 = performance.now();
  const fd = target === '-' ? null : openSync(target, 'w');
  const write = (line: string): void => {
    if (fd === null) process.stdout.write(line);
    else writeSync(fd, line);
  };
  return {
    emit(event, fields = {}) {
      write(`${JSON.stringify({ t: new Date().toISOString(), ms: Math.round((performance.now() - t0) * 10) / 10, event, ...fields })}\n`);
    },
    close() {
      if (fd !== null) closeSync(fd);
    },
  };
}

/** `inner` (the progress bars) plus phase-start, progress and phase-end events tagged with `context` (run, seed). */
export function observeEvents<O extends PhaseObserver>(inner: O, log: EventLog, context: Record<string, unknown>): O {
  if (log === NO_EVENTS) return inner;
  let phase = '';
  let total = 0;
  let done = 0;
  let started = 0;
  let lastProgress = 0;
  return {
    ...inner,
    start(name, n) {
      phase = name;
      total = n;
      done = 0;
      started = lastProgress = performance.now();
      log.emit('phase-start', { ...context, phase, total });
      inner.start(name, n);
    },
    progress(d) {
      done = d;
      const now = performance.now();
      if (d >= total || now - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = now;
        log.emit('progress', { ...context, phase, done, total });
      }
      inner.progress(d);
    },
    end() {
      // A phase ends when all its operations have; the shards' last progress report may lag behind that.
      if (done < total) {
        done = total;
        log.emit('progress', { ...context, phase, done, total });
      }
      log.emit('phase-end', { ...context, phase, done, total, wallMs: Math.round((performance.now() - started) * 10) / 10 });
      inner.end();
    },
  };
}
