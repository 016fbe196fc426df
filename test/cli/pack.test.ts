/**
 * The package as a user gets it: `npm pack`, then `npm install <tarball>` into an empty folder, then
 * the installed `kadswarm` bin runs a 500-node stress run (shards are worker threads loading the
 * installed dist/) and every command's help. Catches a command that imports something outside the
 * published files, or a run-time package left in devDependencies.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, assertFreshBuild } from '../swarm/dist.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], cwd: string, timeout: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('the packed package, installed from its tarball', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kadswarm-pack-'));
  const app = join(dir, 'app');
  const bin = join(app, 'node_modules/.bin/kadswarm');
  let packedFiles: string[] = [];

  beforeAll(async () => {
    assertFreshBuild(['src/cli/main.js']);
    // --ignore-scripts: npm test's pretest has just built dist/, and prepack/prepare would empty and
    // rewrite it while other test files run from it in parallel.
    const pack = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT, 120_000);
    expect(pack.code, pack.stderr).toBe(0);
    const [packed] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    packedFiles = packed!.files.map((f) => f.path);

    // A package.json of its own, so npm installs here rather than into a project further up.
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'kadswarm-pack-test', version: '1.0.0', private: true }) + '\n');
    const install = await run(NPM, ['install', join(dir, packed!.filename), '--no-audit', '--no-fund', '--prefer-offline'], app, 480_000);
    expect(install.code, install.stderr).toBe(0);
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the compiled sources and benchmark suites, no tests and no TypeScript sources', () => {
    expect(packedFiles).toContain('dist/src/cli/main.js');
    expect(packedFiles).toContain('dist/bench/ring.bench.js');
    expect(packedFiles).toContain('package.json');
    expect(packedFiles.filter((p) => /(^|\/)test\/|\.test\./.test(p) || (p.endsWith('.ts') && !p.endsWith('.d.ts')))).toEqual([]);
  });

  it('installs what the commands load at run time (autocannon for load, tinybench for bench)', () => {
    const fromPackage = createRequire(join(app, 'node_modules/kadswarm/package.json'));
    for (const dep of ['autocannon', 'tinybench', 'piscina', 'msgpackr', 'cli-progress']) expect(() => fromPackage.resolve(dep)).not.toThrow();
  });

  it('kadswarm stress --nodes 500 runs and prints the report', async () => {
    const out = join(dir, 'r');
    const r = await run(bin, ['stress', '--nodes', '500', '--workers', '2', '--out', out], app, 180_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^kadswarm stress — 500 nodes on 2 workers/m);
    expect(r.stdout).toMatch(/^Report: /m);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  }, 200_000);

  it("require('kadswarm') gives the module import gives; where require() of ES modules is off, { load } imports it", async () => {
    const required = await run(process.execPath, ['-e', "const k = require('kadswarm'); console.log(typeof k.createNode, typeof k.resolveConfig, k.resolveConfig().k)"], app, 30_000);
    expect(required, required.stderr).toEqual({ code: 0, stdout: 'function function 20\n', stderr: '' });
    // --no-experimental-require-module is how Node 20.19+ behaves like 20.11–20.18 of the engines range.
    const old = await run(process.execPath, ['--no-experimental-require-module', '-e', "require('kadswarm').load().then((k) => console.log(typeof k.createNode))"], app, 30_000);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stdout).toBe('function\n');
    expect(old.stderr).toMatch(/KADSWARM_REQUIRE_ESM.*await import\('kadswarm'\)/);
    const imported = await run(process.execPath, ['--input-type=module', '-e', "import { createNode } from 'kadswarm'; console.log(typeof createNode)"], app, 30_000);
    expect(imported.stdout).toBe('function\n');
  });

  it('ships the MIT LICENSE that package.json names', () => {
    expect(packedFiles).toContain('LICENSE');
    expect(readFileSync(join(app, 'node_modules/kadswarm/LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules/kadswarm/package.json'), 'utf8')) as { license: string; keywords: string[] };
    expect(pkg.license).toBe('MIT');
    expect(pkg.keywords).toContain('kademlia');
  });

  it('kadswarm --version, and node, bench and load --help', async () => {
    expect(await run(bin, ['--version'], app, 30_000)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    for (const name of ['node', 'bench', 'load']) {
      const r = await run(bin, [name, '--help'], app, 30_000);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: kadswarm ${name} `));
    }
  });
});
