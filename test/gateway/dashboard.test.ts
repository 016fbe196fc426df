/**
 * The live dashboard in a real headless browser (Debian's chromium; .ci/run
 * installs it when missing, and so does this file when it runs as root with
 * apt-get). While a small swarm serves a steady trickle of puts and gets, the
 * page is loaded twice, a few seconds apart, with ?frames=3 (it stops
 * listening after three server-sent updates so --dump-dom can settle): both
 * times the live numbers must be there, filled in by the page's script from
 * /events, and they must change between the two loads.
 *
 * Skips, saying why, only when no chromium is found and none can be installed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Launched } from '../../src/gateway/launch.js';
import { get, startSmallGateway, within } from './harness.js';

function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    try {
      const p = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (p) return p;
    } catch {
      // not on PATH
    }
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null;
}

function installChromium(): string {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root, so apt-get cannot install it';
  try {
    execFileSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' });
  } catch {
    return 'no apt-get on this system';
  }
  try {
    execFileSync('sh', ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium'], { stdio: 'ignore', timeout: 600_000 });
    return 'installed';
  } catch (e) {
    return `apt-get install chromium failed: ${(e as Error).message.split('\n')[0]}`;
  }
}

let chromium = findChromium();
let why = '';
if (!chromium) {
  why = installChromium();
  chromium = findChromium();
}
if (!chromium) console.warn(`SKIPPED dashboard browser test: chromium is not installed and could not be installed (${why}). Install it with: apt-get install -y chromium`);

/** The DOM after the page has received `frames` updates from /events. */
function dumpDom(browser: string, url: string, profile: string): Promise<string> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`,
    // Virtual time stands still while the event stream is open, so the page settles once ?frames updates arrived.
    '--virtual-time-budget=10000',
    '--dump-dom',
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(browser, args, { timeout: 90_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && !stdout) reject(new Error(`chromium failed: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve(stdout);
    });
  });
}

function text(dom: string, id: string): string {
  const m = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(dom);
  if (!m) throw new Error(`no element #${id} in the dumped DOM`);
  return m[1]!;
}

const numberOf = (s: string): number => Number(s.replace(/,/g, ''));

describe.skipIf(!chromium)('dashboard in headless chromium', () => {
  let gw: Launched;
  let profile: string;
  let traffic = true;
  let trafficDone: Promise<void>;

  beforeAll(async () => {
    gw = await startSmallGateway(300, 9);
    profile = mkdtempSync(join(tmpdir(), 'kadswarm-chromium-'));
    // A steady trickle of puts, present gets and absent gets, so the live numbers move.
    let i = 0;
    const loop = async (): Promise<void> => {
      while (traffic) {
        const n = i++;
        try {
          await get(`${gw.gateway.url}kv/dash-${n}`, { method: 'PUT', body: `v${n}` });
          await get(`${gw.gateway.url}kv/dash-${n >> 1}`).then((r) => r.arrayBuffer());
          await get(`${gw.gateway.url}kv/dash-absent-${n}`).then((r) => r.arrayBuffer());
        } catch {
          // the gateway is closing
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    trafficDone = Promise.all([loop(), loop()]).then(() => undefined);
  });

  afterAll(async () => {
    traffic = false;
    await within(trafficDone ?? Promise.resolve(), 30_000, 'traffic loop').catch(() => undefined);
    await gw?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows live numbers that arrive over /events and change between two loads', async () => {
    const url = `${gw.gateway.url}?frames=3`;
    // Let the gateway see some traffic and poll the shards twice first.
    await new Promise((r) => setTimeout(r, 2500));
    const first = await within(dumpDom(chromium!, url, profile), 100_000, 'first page load');
    await new Promise((r) => setTimeout(r, 3000));
    const second = await within(dumpDom(chromium!, url, profile), 100_000, 'second page load');

    for (const dom of [first, second]) {
      // Three updates arrived and were rendered by the page's script (the HTML ships with placeholders).
      expect(dom).toContain('data-updates="3"');
      expect(text(dom, 'updates')).toBe('3');
      expect(text(dom, 'status')).toBe('stopped after 3 updates');
      expect(text(dom, 'nodes-up')).toBe('300');
      expect(text(dom, 'nodes-total')).toBe('300');
      expect(numberOf(text(dom, 'lookups-per-s'))).toBeGreaterThan(0);
      expect(numberOf(text(dom, 'lookups-total'))).toBeGreaterThan(0);
      expect(text(dom, 'success')).toMatch(/^\d+\.\d\d%$/);
      expect(numberOf(text(dom, 'p50'))).toBeGreaterThanOrEqual(0);
      expect(numberOf(text(dom, 'messages-per-s'))).toBeGreaterThan(0);
      // The SVG charts were drawn: latency bars and one message-rate bar per shard.
      expect(dom).toMatch(/id="latency-chart"><svg[^>]*>.*class="bar"/s);
      expect((/id="shard-chart">(.*?)<\/svg>/s.exec(dom)?.[1] ?? '').match(/class="shard-rate"/g)).toHaveLength(2);
      expect(dom).toMatch(/id="rate-chart"><svg[^>]*>.*<polyline/s);
    }
    // Live: the numbers moved between the two loads.
    expect(text(second, 'updated-at')).not.toBe(text(first, 'updated-at'));
    expect(numberOf(text(second, 'uptime'))).toBeGreaterThan(numberOf(text(first, 'uptime')));
    expect(numberOf(text(second, 'lookups-total'))).toBeGreaterThan(numberOf(text(first, 'lookups-total')));
  });
});
