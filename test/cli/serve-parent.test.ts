/**
 * `kadswarm serve` stops when the process that started it goes away, as with `npx kadswarm serve`
 * killed by SIGTERM: npm does not forward the signal, so serve notices that its parent changed.
 * Here a middle process starts serve and is then killed with SIGKILL (it cannot pass anything on).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/** The pid of the one child of `pid` (Linux /proc), or 0. */
function childOf(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]) || 0;
  } catch {
    return 0;
  }
}

describe('kadswarm serve without its parent', () => {
  // Direct: the middle process is serve's parent. Through a shell: as npx starts bins (`sh -c`),
  // the shell stays alive, re-parented, when the middle process is killed outright.
  it.each(['direct', 'through a shell'])('shuts the swarm down and exits once the process that started it has exited (%s)', async (how) => {
    assertFreshBuild(['src/cli/main.js', 'src/cli/serve-command.js']);
    if (how !== 'direct' && !existsSync('/proc/self/stat')) return; // the shell case is watched through /proc
    const main = join(ROOT, 'dist/src/cli/main.js');
    const serveArgs = [main, 'serve', '--nodes', '100', '--workers', '1', '--port', '0'];
    // The middle process: starts serve (or a shell that runs serve and stays) with its own stdout and stderr, prints the child's pid.
    const command = how === 'direct' ? `process.execPath, ${JSON.stringify(serveArgs)}` : `'sh', ['-c', ${JSON.stringify(`"${process.execPath}" ${serveArgs.map((a) => `"${a}"`).join(' ')}; true`)}]`;
    const script = `const c = require('node:child_process').spawn(${command}, { stdio: ['ignore', 'inherit', 'inherit'] }); console.log('pid ' + c.pid);`;
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
      if (how !== 'direct') servePid = childOf(servePid); // the shell's child is serve
      expect(servePid).toBeGreaterThan(0);
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
