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

  it('on a non-loopback address prints an admin token that POST /churn needs', async () => {
    assertFreshBuild();
    const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'serve', '--nodes', '60', '--workers', '2', '--port', '0', '--host', '0.0.0.0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const { port, token } = await within(
        new Promise<{ port: string; token: string }>((resolve, reject) => {
          let port = '';
          createInterface({ input: child.stdout }).on('line', (line) => {
            port ||= /^kadswarm gateway: http:\/\/0\.0\.0\.0:(\d+)\//.exec(line)?.[1] ?? '';
            const t = /^kadswarm gateway admin token: (\S+) /.exec(line)?.[1];
            if (port && t) resolve({ port, token: t });
          });
          exited.then((code) => reject(new Error(`serve exited with ${code} before printing its URL and token: ${stderr}`)));
        }),
        60_000,
        'serve URL and token',
      );
      const url = `http://127.0.0.1:${port}/`;
      const post = (headers: Record<string, string>) => get(`${url}churn`, { method: 'POST', body: '{"kill": 2}', headers: { 'Content-Type': 'application/json', ...headers } });
      const refused = await post({});
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: string }).error).toMatch(/^POST \/churn needs the admin token/);
      expect(((await (await get(`${url}stats`)).json()) as { nodes: { up: number } }).nodes.up).toBe(60);
      const ok = await post({ Authorization: `Bearer ${token}` });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { killed: number }).killed).toBe(2);
      child.kill('SIGTERM');
      expect(await within(exited, 30_000, 'exit after SIGTERM')).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a short --admin-token as bad usage before starting anything', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'serve', '--admin-token', 'short'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await within(new Promise<number | null>((r) => child.once('exit', (c) => r(c))), 30_000, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--admin-token: the admin token must be at least 16 characters, got 5');
  });
});
