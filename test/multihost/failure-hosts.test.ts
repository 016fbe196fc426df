/**
 * Issue 16, the failure policy: a host that dies mid-run ends the run on every process with one
 * message naming the host and the phase, and a non-zero exit; a host with other flags is refused
 * at the handshake; a host that cannot reach its coordinator gives up with a message. Nothing
 * hangs: every process must be gone well within the test's timeout.
 */
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, start, startRun, waitFor } from './processes.js';

afterAll(() => killAll());

describe('multi-host failure policy', () => {
  for (const clock of ['real', 'virtual'] as const) {
    it(`killing one host mid-run (${clock} time) ends every process with the message`, async () => {
      const stress = ['--nodes', '3000', '--keys', '300', '--workers', '1', '--clock', clock, '--out', '/tmp/kadswarm-mh-killed'];
      const run = await startRun({ hosts: 3, stress });
      // Mid-run: once the coordinator has started the join.
      await waitFor(run.coordinator, /coordinator: phase join/);
      await new Promise((r) => setTimeout(r, 500));
      const killedAt = performance.now();
      run.hosts[1]!.child.kill('SIGKILL');
      const [coordinator, h0, , h2] = await Promise.all([run.coordinator, ...run.hosts].map((p) => p.exited));
      const seconds = (performance.now() - killedAt) / 1000;
      console.log(`every process ended ${seconds.toFixed(1)} s after the kill (${clock} time)`);
      expect(coordinator!.code).toBe(1);
      expect(coordinator!.stderr).toMatch(/host 1 \(127\.0\.0\.1\) disconnected \(phase join\) — run ended/);
      for (const h of [h0!, h2!]) {
        expect(h.code).toBe(1);
        expect(h.stderr).toMatch(/host [02]: .*host 1.*\(phase join\) — run ended/);
      }
    }, 60_000);
  }

  it('a host started with other flags is refused at the handshake, and the run ends', async () => {
    const coordinator = start('coordinator', ['stress', '--hosts', '2', '--listen', '127.0.0.1:0', '--nodes', '200', '--workers', '1', '--out', '/tmp/kadswarm-mh-refused']);
    const port = Number((await waitFor(coordinator, /coordinator listening on \S+:(\d+)/))[1]);
    const bad = start('host 1', ['host', '--index', '1', '--hosts', '3', '--coordinator', `127.0.0.1:${port}`]);
    const [c, b] = await Promise.all([coordinator.exited, bad.exited]);
    const message = "host 1 refused at the handshake: its flags (--hosts 3) differ from the coordinator's (--hosts 2)";
    expect(b.code).toBe(1);
    expect(b.stderr).toContain(`host 1: refused by the coordinator: ${message}`);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(message);
  }, 30_000);

  it('a host that cannot reach its coordinator gives up with a message', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
    await new Promise((r) => server.close(r));
    const host = start('host 0', ['host', '--index', '0', '--hosts', '2', '--coordinator', `127.0.0.1:${port}`, '--connect-retry', '1']);
    const e = await host.exited;
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(new RegExp(`host 0: cannot reach the coordinator at 127\\.0\\.0\\.1:${port} after 1 s \\(.*ECONNREFUSED.*\\) \\(phase connect\\) — run ended`));
  }, 30_000);
});
