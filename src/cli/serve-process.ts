/**
 * `kadswarm serve` in a child process of its own, for `kadswarm load`: the
 * swarm's shards and the gateway then do not share an event loop with
 * autocannon, whose timings would otherwise include the gateway's work.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface GatewayProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts `kadswarm serve --port 0 …` and waits for the URL line on its stdout. */
export function startGatewayProcess(args: string[]): Promise<GatewayProcess> {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [main, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code, signal) => r(code ?? (signal ? 128 : null))));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let found = false;
    lines.on('line', (line) => {
      const m = /^kadswarm gateway: (http:\/\/\S+)/.exec(line);
      if (m && !found) {
        found = true;
        console.error(line);
        resolvePromise({ url: m[1]!, stop });
      } else if (found) process.stdout.write(`[gateway] ${line}\n`);
      else console.error(line);
    });
    child.once('error', reject);
    exited.then((code) => {
      if (!found) reject(new Error(`kadswarm serve exited with code ${code} before printing its URL`));
    });
  });
}
