/**
 * Doorbell: one Int32 counter per shard in a SharedArrayBuffer. Producers bump it after writing
 * frames (`ring`); the owning shard sleeps on it with `Atomics.waitAsync` (`wait`).
 *
 * Consumer loop without lost wake-ups — read, drain, then wait on the value read:
 *
 *   for (;;) {
 *     const seen = bell.read();      // 1. read the counter first
 *     drainAllInboxes();             // 2. then take everything already published
 *     await bell.wait(seen, nextTimerDelay);  // 3. sleep only if nobody rang since step 1
 *   }
 *
 * A producer that publishes after step 2 also rings after it, so the counter differs from `seen`
 * and step 3 returns 'not-equal' at once. Wake once, drain many: producers ring once per batch.
 *
 * Pitfalls (Node 20):
 * - A pending `Atomics.waitAsync` does NOT keep a worker's event loop alive (nodejs/node#44729):
 *   the thread may simply exit mid-wait. The owner must hold a ref'd handle while it waits, e.g. a
 *   `MessagePort`/`parentPort` with a 'message' listener, and drop it only at shutdown.
 * - Never use the blocking `Atomics.wait` on the main thread: it freezes its event loop. Only
 *   `wait` (async) is offered here; a worker that wants to spin or block may call Atomics itself.
 */

export type BellResult = 'ok' | 'not-equal' | 'timed-out';

// lib.es2024 types Atomics.waitAsync, but the project targets ES2023 libs; Node 20 has it at run time.
type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as {
  waitAsync(ta: Int32Array, index: number, value: number, timeout?: number): WaitAsyncResult;
}).waitAsync;

/** Allocate `count` doorbell counters (all 0) on shared memory. */
export function createBells(count: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * count));
}

/** Bump counter `index` and wake its waiter (if any). Safe from any thread. */
export function ringBell(bells: Int32Array, index: number): void {
  Atomics.add(bells, index, 1);
  Atomics.notify(bells, index);
}

/**
 * Resolve once counter `index` differs from `seen`: 'not-equal' at once if it already differs,
 * 'ok' when rung later, 'timed-out' after `timeoutMs` (default: no timeout).
 */
export function waitForBell(bells: Int32Array, index: number, seen: number, timeoutMs = Infinity): Promise<BellResult> {
  const r = waitAsync(bells, index, seen, timeoutMs);
  return r.async ? r.value : Promise.resolve(r.value);
}

/** One shard's doorbell: a (counter array, index) pair with the three operations. */
export class Doorbell {
  constructor(readonly bells: Int32Array, readonly index: number) {
    if (!(bells.buffer instanceof SharedArrayBuffer)) throw new TypeError('Doorbell: counters must live in a SharedArrayBuffer');
    if (index < 0 || index >= bells.length) throw new RangeError(`Doorbell: index ${index} out of range 0..${bells.length - 1}`);
  }

  /** Current counter value; read it before draining, then pass it to `wait`. */
  read(): number {
    return Atomics.load(this.bells, this.index);
  }

  ring(): void {
    ringBell(this.bells, this.index);
  }

  wait(seen: number, timeoutMs = Infinity): Promise<BellResult> {
    return waitForBell(this.bells, this.index, seen, timeoutMs);
  }
}
