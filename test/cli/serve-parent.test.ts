/**
 * `kadswarm serve` stops when the process that started it goes away, as with `npx kadswarm serve`
 * killed by SIGTERM: npm does not forward the signal, so serve notices that its parent changed.
 * Here a middle process starts serve and is then killed with SIGKILL (it cannot pass anything on).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ROOT, assertFreshBuild } from '../swarm/dist.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('kadswarm serve without its parent', () => {
  it('shuts the swarm down and exits once the process that started it has exited', async () => {
    assertFreshBuild(['src/cli/main.js', 'src/cli/serve-command.js']);
    const main = join(ROOT, 'dist/src/cli/main.js');
    // The middle process: starts serve with its own stdout and stderr (inherited by serve), prints serve's pid.
    const script = `const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(main)}, 'serve', '--nodes', '100', '--workers', '1', '--port', '0'], { stdio: ['ignore', 'inherit', 'inherit'] }); console.log('pid ' + c.pid);`;
    const middle = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    middle.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let servePid = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`serve did not print its URL: ${stderr}`)), 90_000);
        createInterface({ input: middle.stdout }).on('line', (line) => {
          const m = /^pid (\d+)$/.exec(line);
          if (m) servePid = Number(m[1]);
          if (/^kadswarm gateway: http/.test(line)) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      expect(alive(servePid)).toBe(true);
      middle.kill('SIGKILL');
      const deadline = Date.now() + 30_000;
      while (alive(servePid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(alive(servePid), stderr).toBe(false);
      expect(stderr).toContain('kadswarm serve: the process that started it exited, shutting down');
      expect(stderr).toContain('kadswarm serve: stopped');
    } finally {
      if (servePid && alive(servePid)) process.kill(servePid, 'SIGKILL');
    }
  }, 150_000);
});
