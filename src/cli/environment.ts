/**
 * What a report records about where it ran: the package version, the commit, Node, cores and
 * memory. Read here, in the CLI, so the report layer stays a pure function of its inputs.
 */
import { execFile, execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEnvironment } from '../report/stress-report.js';

/**
 * The version in the package's own package.json: the nearest one above this
 * file, which is the package root both in a checkout (dist/src/cli/ or
 * src/cli/) and in an installed package (node_modules/kadswarm/dist/src/cli/).
 */
export function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) throw new Error('package.json not found above the kadswarm CLI');
  }
}

/** The short commit of the working tree, or "unknown" outside a git checkout (an installed package). */
export function gitCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'], cwd: dirname(fileURLToPath(import.meta.url)) }).toString().trim();
  } catch {
    return 'unknown';
  }
}

/** gitCommit without blocking: `git rev-parse` takes 20–45 ms, which a stress run overlaps with its own start. */
export function gitCommitAsync(): Promise<string> {
  return new Promise((done) => {
    execFile('git', ['rev-parse', '--short', 'HEAD'], { cwd: dirname(fileURLToPath(import.meta.url)) }, (err, stdout) => done(err ? 'unknown' : stdout.trim()));
  });
}

export function runEnvironment(): RunEnvironment {
  return environmentWith(gitCommit());
}

/** runEnvironment with the commit read while the caller goes on (the stress command starts its swarm meanwhile). */
export async function runEnvironmentAsync(): Promise<RunEnvironment> {
  return environmentWith(await gitCommitAsync());
}

function environmentWith(commit: string): RunEnvironment {
  let version = 'unknown';
  try {
    version = packageVersion();
  } catch {
    // a report without a version is still a report
  }
  return { version, commit, node: process.version, cores: cpus().length, memoryBytes: totalmem() };
}
