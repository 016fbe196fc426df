/**
 * A `kadswarm node` process for REPL tests: its stdout split into lines, `waitFor(re)` resolving
 * with the first line (already seen or still to come) that matches, stdin given whole or left open.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface ReplProcess {
  lines: string[];
  done: Promise<number>;
  kill: () => void;
  waitFor: (re: RegExp) => Promise<string>;
}

export function runCli(args: string[], input: string | null): ReplProcess {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) if (w.re.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  if (input !== null) child.stdin.end(input);
  const done = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return {
    lines,
    done,
    kill: () => child.kill('SIGTERM'),
    waitFor: (re) => {
      const hit = lines.find((l) => re.test(l));
      return hit ? Promise.resolve(hit) : new Promise((resolve) => waiters.push({ re, resolve }));
    },
  };
}
