/** Runs the compiled kadswarm bin (dist/src/cli/main.js) as a user would, for the CLI tests. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../swarm/dist.js';

export const MAIN = join(ROOT, 'dist/src/cli/main.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The exit code and both streams; `timeoutMs` bounds a hang (a stress run needs more than a --help). */
export function runBin(args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
