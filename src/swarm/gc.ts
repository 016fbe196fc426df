/**
 * A full garbage collection on demand, for memory measurements. Worker
 * threads refuse --expose-gc in execArgv, so the flag is set at run time and
 * the gc function is fetched from a fresh context.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

export function forceGc(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
