/**
 * A `kadswarm node` process for REPL tests: its stdout split into lines, `waitFor(re)` resolving
 * with the first line (already seen or still to come) that matches, stdin given whole or left open.
 *
 * A wait cannot outlive its reason: `waitFor` rejects, naming the pattern, the exit code and the
 * last lines of stdout and stderr, when the process exits without printing the line or when `ms`
 * pass (a hang then says which line never came instead of running into the test's timeout).
 * `killAll()` ends every process still running, for an afterAll: a test that fails half-way
 * would otherwise leave its nodes serving (they keep running after the end of their input).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface ReplProcess {
  lines: string[];
  done: Promise<number>;
  kill: () => void;
  waitFor: (re: RegExp, ms?: number) => Promise<string>;
}

interface Waiter {
  re: RegExp;
  resolve: (l: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const running = new Set<ChildProcess>();

/** Kills every process runCli started that has not exited yet; resolves when they have. */
export async function killAll(): Promise<void> {
  const exits = [...running].map((c) => new Promise<void>((resolve) => {
    c.once('close', () => resolve());
    c.kill('SIGTERM');
  }));
  await Promise.all(exits);
}

export function runCli(args: string[], input: string | null): ReplProcess {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  const lines: string[] = [];
  const errLines: string[] = [];
  const waiters: Waiter[] = [];
  let exitCode: number | null = null;
  let buf = '';
  const settle = (w: Waiter): void => {
    clearTimeout(w.timer);
    waiters.splice(waiters.indexOf(w), 1);
  };
  const tail = (): string => `\n  last stdout: ${JSON.stringify(lines.slice(-5))}\n  last stderr: ${JSON.stringify(errLines.slice(-5))}`;
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) if (w.re.test(line)) {
        settle(w);
        w.resolve(line);
      }
    }
  });
  child.stderr.on('data', (d: Buffer) => errLines.push(...d.toString().split('\n').filter((l) => l !== '')));
  if (input !== null) child.stdin.end(input);
  // 'close', not 'exit': stdout has ended by then, so every line it printed is in `lines`.
  const done = new Promise<number>((resolve) => child.on('close', (code) => {
    running.delete(child);
    exitCode = code ?? -1;
    if (buf !== '') lines.push(buf); // a last line without its newline
    for (const w of [...waiters]) {
      settle(w);
      w.reject(new Error(`kadswarm ${args.join(' ')} exited with ${exitCode} before printing a line matching ${w.re}${tail()}`));
    }
    resolve(exitCode);
  }));
  return {
    lines,
    done,
    kill: () => child.kill('SIGTERM'),
    waitFor: (re, ms = 30_000) => {
      const hit = lines.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      if (exitCode !== null) return Promise.reject(new Error(`kadswarm ${args.join(' ')} exited with ${exitCode}; no line matches ${re}${tail()}`));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          settle(w);
          reject(new Error(`kadswarm ${args.join(' ')}: no line matching ${re} within ${ms} ms${tail()}`));
        }, ms);
        const w: Waiter = { re, resolve, reject, timer };
        waiters.push(w);
      });
    },
  };
}
