/**
 * The compiled stress and churn commands end to end on small swarms: --config reaches every
 * KadConfig setting and the report records the resolved config, flags override the file, the
 * memory check refuses a swarm too large for this machine before anything starts, progress lines
 * appear without a terminal while a phase runs, and the exit codes tell bad usage (2) from a
 * failed threshold (1).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, type KadConfig } from '../../src/core/config.js';
import { USABLE_SHARE, estimateBytes } from '../../src/cli/memory-check.js';
import { ROOT, assertFreshBuild } from '../swarm/dist.js';

const MAIN = join(ROOT, 'dist/src/cli/main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kadswarm(args: string[], env: Record<string, string> = {}, timeout = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every KadConfig setting, none at its default (DEFAULT_CONFIG), all valid together. */
const EVERY_SETTING: KadConfig = {
  k: 10,
  alpha: 2,
  bitsPerStep: 2,
  replacementCacheSize: 4,
  maxFailures: 3,
  bucketPingIntervalMs: 30_000,
  replicas: 5,
  initialTimeoutMs: 1500,
  minTimeoutMs: 200,
  maxTimeoutMs: 6000,
  expireMs: 48 * HOUR,
  replicateMs: 2 * HOUR,
  republishMs: 47 * HOUR,
  refreshMs: 2 * HOUR,
  replicate: false,
  maxValueBytes: 1000,
  maxRecords: 50_000,
  maxStoreBytes: 32 * 1024 * 1024,
  storeSourceShare: 0.5,
  requireWriteTokens: true,
  writeTokenRotateMs: 600_000,
  cacheOnLookupPath: false,
  verifyAddresses: true,
  amplificationFactor: 4,
  verifyPingsPerSecond: 50,
  maxPerSubnetPerBucket: 2,
  maxPerIp: 3,
  maxSourcesPerKey: 100,
  maxSourceBytesPerKey: 32_768,
  maxSourceValueBytes: 300,
  sourceReplyBytes: 1200,
  handOverPerSecond: 5,
  joinAttempts: 4,
  disjointPaths: 2,
  disjointVote: true,
  restrictSearchIps: true,
  idFromIp: true,
  idPuzzleBits: 4,
  contentAddressed: true,
  joinMode: 'paper',
};

const dir = mkdtempSync(join(tmpdir(), 'kadswarm-runs-'));
const configFile = (name: string, doc: object): string => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(doc, null, 2));
  return p;
};

beforeAll(() => assertFreshBuild(['src/cli/main.js', 'src/cli/stress-command.js', 'src/cli/churn-command.js', 'src/swarm/shard-worker.js']));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--config', () => {
  it('stress: every KadConfig setting reaches the run and report.json meta.config; flags override the file', async () => {
    const file = configFile('stress.json', { nodes: 300, workers: 2, keys: 100, clock: 'virtual', seed: 5, 'min-success': 0, kad: EVERY_SETTING });
    const out = join(dir, 'stress');
    const r = await kadswarm(['stress', '--config', file, '--nodes', '200', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { meta: { config: KadConfig; seed: number; clock: string; flags: { nodes: number; keys: number; k: number } } };
    expect(report.meta.config).toEqual(EVERY_SETTING);
    expect(report.meta.flags).toMatchObject({ nodes: 200, keys: 100, k: 10 });
    expect([report.meta.seed, report.meta.clock]).toEqual([5, 'virtual']);
    // No replication and 5 replicas: stores land on 5 nodes, not k = 10.
    expect(r.stdout).toMatch(/k = 10, α = 2/);
  }, 150_000);

  it('stress in real time: timeouts 50 ms / 250 ms / 2 s with --loss, 2 s / 5 s / 10 s without, and --config "kad" overrides them', async () => {
    type Timeouts = Pick<KadConfig, 'minTimeoutMs' | 'initialTimeoutMs' | 'maxTimeoutMs'>;
    const timeoutsOf = async (name: string, args: string[]): Promise<Timeouts> => {
      const out = join(dir, name);
      const r = await kadswarm(['stress', '--nodes', '40', '--keys', '10', '--workers', '1', '--min-success', '0', '--out', out, ...args]);
      expect(r.code, r.stderr).toBe(0);
      const { minTimeoutMs, initialTimeoutMs, maxTimeoutMs } = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { meta: { config: KadConfig } }).meta.config;
      return { minTimeoutMs, initialTimeoutMs, maxTimeoutMs };
    };
    expect(await timeoutsOf('lossy', ['--loss', '0.3'])).toEqual({ minTimeoutMs: 50, initialTimeoutMs: 250, maxTimeoutMs: 2000 });
    expect(await timeoutsOf('lossless', [])).toEqual({ minTimeoutMs: 2000, initialTimeoutMs: 5000, maxTimeoutMs: 10_000 });
    const file = configFile('timeouts.json', { kad: { minTimeoutMs: 120 } });
    expect(await timeoutsOf('lossy-config', ['--loss', '0.3', '--config', file])).toEqual({ minTimeoutMs: 120, initialTimeoutMs: 250, maxTimeoutMs: 2000 });
  }, 150_000);

  it('churn: every KadConfig setting reaches churn.json meta.config; a flag (--k) overrides the file', async () => {
    const file = configFile('churn.json', { nodes: 60, duration: '10m', keys: 10, 'get-rate': 0.5, kad: EVERY_SETTING });
    const out = join(dir, 'churn');
    const r = await kadswarm(['churn', '--config', file, '--k', '12', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'churn.json'), 'utf8')) as { meta: { config: KadConfig }; params: { nodes: number } };
    expect(json.meta.config).toEqual({ ...EVERY_SETTING, k: 12 });
    expect(json.params.nodes).toBe(60);
  }, 150_000);

  it('refuses an unknown key or setting by name with the valid ones, and a setting that cannot work, with exit code 2', async () => {
    const typo = await kadswarm(['stress', '--config', configFile('typo.json', { kad: { bitsPerstep: 2 } })]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^stress: --config .*typo\.json: config: unknown setting "bitsPerstep" \(did you mean "bitsPerStep"\?\); the settings are k, alpha, bitsPerStep, replacementCacheSize, /);
    const key = await kadswarm(['churn', '--config', configFile('key.json', { uptme: '5m' })]);
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/unknown key "uptme" \(did you mean "uptime"\?\); the keys are kad, nodes, workers, /);
    const bad = await kadswarm(['stress', '--config', configFile('bad.json', { kad: { replicateMs: 30 * HOUR } })]);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^stress: config: need replicateMs < republishMs < expireMs/);
    // The datagram limit, checked before the spawn rather than by the shards after it.
    const big = await kadswarm(['churn', '--config', configFile('big.json', { kad: { maxValueBytes: 2048 } })]);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/^churn: config: maxValueBytes = 2048 does not fit: .*use maxValueBytes <= \d+\n$/);
  });
});

describe('the memory check', () => {
  const huge = { nodes: 5_000_000, workers: availableParallelism(), replicas: 5_000_000 * 20 };
  it.skipIf(estimateBytes(huge) <= totalmem() * USABLE_SHARE)('refuses --nodes 5000000 on this machine with the estimate and the way out, before spawning', async () => {
    const t0 = performance.now();
    const r = await kadswarm(['stress', '--nodes', '5000000']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^stress: a swarm of 5,000,000 nodes would need about \d+(\.\d)? GiB \(5,000,000 nodes × 8\.0 KiB \+ 100,000,000 stored replicas × 128 B \+ .*\), more than 90% of this machine's [\d.]+ GiB\. .*pass --force to start anyway\.\n$/);
    expect(r.stderr).not.toMatch(/spawn/);
    expect(performance.now() - t0).toBeLessThan(10_000);
    for (const command of ['churn', 'serve']) {
      const c = await kadswarm([command, '--nodes', '5000000', ...(command === 'churn' ? ['--out', join(dir, 'never')] : [])]);
      expect(c.code, c.stderr).toBe(2);
      expect(c.stderr).toMatch(new RegExp(`^${command}: a swarm of 5,000,000 nodes would need about`));
    }
  });
});

describe('progress and thresholds', () => {
  it('without a terminal, progress lines (done, rate, ETA) appear while a phase runs, and each phase ends with its time', async () => {
    // KADSWARM_PROGRESS_MS: a line every 50 ms instead of every 10 s. stderr is a pipe here, not a TTY.
    const r = await kadswarm(['stress', '--nodes', '1000', '--workers', '2', '--keys', '200', '--out', join(dir, 'progress')], { KADSWARM_PROGRESS_MS: '50' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^join: [\d,]+\/999 \(\d+\.\d%\), [\d,]+\/s, ETA (\d+\.\d s|[\d]+ min \d+ s|unknown), \d+\.\d s elapsed$/m);
    for (const phase of ['spawn', 'join', 'store', 'get']) expect(r.stderr).toMatch(new RegExp(`^${phase}: done in \\d+\\.\\d s \\([\\d,]+, [\\d,]+/s\\)$`, 'm'));
  }, 150_000);

  it('--max-p99-ms: exits 1 when the get p99 is above it, 0 when below', async () => {
    const common = ['stress', '--nodes', '200', '--workers', '1', '--keys', '50', '--clock', 'virtual'];
    const fail = await kadswarm([...common, '--max-p99-ms', '1', '--out', join(dir, 'p99')]);
    expect(fail.code, fail.stderr).toBe(1);
    expect(fail.stderr).toMatch(/^FAIL: the 99th percentile latency of gets is \d+\.\d ms, above --max-p99-ms 1$/m);
    const pass = await kadswarm([...common, '--max-p99-ms', '100000', '--out', join(dir, 'p99ok')]);
    expect(pass.code, pass.stderr).toBe(0);
  }, 150_000);
});
