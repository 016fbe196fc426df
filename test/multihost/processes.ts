/**
 * Starting a coordinator and its hosts as real processes (the compiled CLI), for the multi-host
 * tests. Every child is remembered so afterAll can kill what a failed test left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../swarm/dist.js';

export const CLI = join(ROOT, 'dist/src/cli/main.js');

export interface Proc {
  name: string;
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

const children = new Set<ChildProcess>();

/** Starts `node CLI ...args` (optionally through a wrapper command such as `ip netns exec ns`). */
export function start(name: string, args: string[], wrapper: string[] = []): Proc {
  const cmd = wrapper.length ? wrapper[0]! : process.execPath;
  const argv = wrapper.length ? [...wrapper.slice(1), process.execPath, CLI, ...args] : [CLI, ...args];
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout!.on('data', () => {});
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      // Let the last stderr chunks arrive.
      setTimeout(() => resolve({ code, signal, stderr: err }), 50);
    }),
  );
  return { name, child, stderr: () => err, exited };
}

/** Resolves with the first match of `re` in the process's stderr (rejects if it exits first). */
export function waitFor(p: Proc, re: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = re.exec(p.stderr());
      if (m) {
        clearInterval(timer);
        resolve(m);
      }
    }, 50);
    p.exited.then((e) => {
      clearInterval(timer);
      const m = re.exec(e.stderr);
      if (m) resolve(m);
      else reject(new Error(`${p.name} exited (${e.code}) before printing ${re}:\n${e.stderr}`));
    });
    setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`${p.name} did not print ${re} within ${timeoutMs} ms:\n${p.stderr()}`));
    }, timeoutMs).unref();
  });
}

/**
 * A coordinator (`stress --hosts H --listen BIND:0 …`) and its H hosts. The coordinator picks a
 * free port and names it; the hosts are started once it did.
 */
export async function startRun(o: { hosts: number; stress: string[]; listen?: string; coordinatorAddress?: (port: number) => string; wrappers?: { coordinator?: string[]; host?: (i: number) => string[] } }): Promise<{ coordinator: Proc; hosts: Proc[] }> {
  const coordinator = start('coordinator', ['stress', '--hosts', String(o.hosts), '--listen', `${o.listen ?? '127.0.0.1'}:0`, ...o.stress], o.wrappers?.coordinator);
  const m = await waitFor(coordinator, /coordinator listening on (\S+):(\d+)/);
  const port = Number(m[2]);
  const addr = o.coordinatorAddress ? o.coordinatorAddress(port) : `127.0.0.1:${port}`;
  const hosts = Array.from({ length: o.hosts }, (_, i) => start(`host ${i}`, ['host', '--index', String(i), '--hosts', String(o.hosts), '--coordinator', addr], o.wrappers?.host?.(i)));
  return { coordinator, hosts };
}

/** Kills every child still running (afterAll). */
export function killAll(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}
