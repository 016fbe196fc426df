/**
 * `kadswarm serve` as a process: prints its URL once the swarm has joined,
 * serves, and shuts the swarm down cleanly on SIGINT (Ctrl-C) and SIGTERM.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ROOT, assertFreshBuild, get, within } from './harness.js';

async function serveAndStop(signal: NodeJS.Signals): Promise<void> {
  assertFreshBuild();
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'serve', '--nodes', '200', '--workers', '2', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const url = await within(
      new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const m = /^kadswarm gateway: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
          if (m) resolve(m[1]!);
        });
        exited.then((code) => reject(new Error(`serve exited with ${code} before printing its URL: ${stderr}`)));
      }),
      60_000,
      'serve URL',
    );
    // Joined before the URL: every node is up and answering.
    expect(stderr).toMatch(/join: done/);
    const s = (await (await get(`${url}stats`)).json()) as { nodes: { up: number } };
    expect(s.nodes.up).toBe(200);
    expect((await get(`${url}kv/x`, { method: 'PUT', body: 'y' })).status).toBe(201);

    child.kill(signal);
    const code = await within(exited, 30_000, `exit after ${signal}`);
    expect(code).toBe(0);
    expect(stderr).toContain(`${signal}, shutting down`);
    expect(stderr).toContain('kadswarm serve: stopped');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe('kadswarm serve', () => {
  it('prints the URL once joined and stops cleanly on SIGINT (Ctrl-C)', () => serveAndStop('SIGINT'));
  it('stops cleanly on SIGTERM', () => serveAndStop('SIGTERM'));
});
