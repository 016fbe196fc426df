/**
 * Starting compiled fixture workers from vitest. Workers run plain JS, so fixtures are compiled by
 * `tsc` (npm test runs the build first) to dist/test/net/fixtures/*.js; we fail with a clear
 * message instead of a cryptic ERR_MODULE_NOT_FOUND when the build is missing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export function startFixture(name: string, workerData: unknown): Worker {
  const url = new URL(`../../dist/test/net/fixtures/${name}.js`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`missing compiled fixture ${fileURLToPath(url)}: run \`npx tsc -p tsconfig.json\` (or npm test) first`);
  }
  return new Worker(url, { workerData });
}

/** First message from `worker`; rejects on worker error, early exit, or after `timeoutMs`. */
export function nextMessage<T>(worker: Worker, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => done(() => reject(new Error(`no message from worker within ${timeoutMs} ms`))), timeoutMs);
    const onMessage = (m: T) => done(() => resolve(m));
    const onError = (e: Error) => done(() => reject(e));
    const onExit = (code: number) => done(() => reject(new Error(`worker exited (code ${code}) before replying`)));
    function done(settle: () => void): void {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      settle();
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}
