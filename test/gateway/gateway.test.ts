/**
 * The HTTP gateway through real HTTP on 127.0.0.1, over a 300-node swarm on
 * 2 workers: put then get, absent keys, node info, /stats, /metrics (parsed
 * as Prometheus text), /events, /churn, and every kind of bad request —
 * each answered with its 4xx JSON while the gateway keeps serving.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsJson } from '../../src/gateway/gateway.js';
import type { Launched } from '../../src/gateway/launch.js';
import { get, startSmallGateway, within } from './harness.js';

let gw: Launched;
let base: string;

beforeAll(async () => {
  gw = await startSmallGateway(300, 3);
  base = gw.gateway.url;
});

afterAll(async () => {
  await gw?.close();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the exact request target given (fetch would normalise some of them). */
function raw(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Raw> {
  const u = new URL(base);
  return within(
    new Promise<Raw>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, method, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (body !== undefined) req.end(body);
      else req.end();
    }),
    20_000,
    `${method} ${path}`,
  );
}

async function stats(): Promise<StatsJson> {
  const r = await get(`${base}stats`);
  expect(r.status).toBe(200);
  return (await r.json()) as StatsJson;
}

/** The gateway still answers: /stats is 200 and a put/get round trip works. */
async function stillServing(tag: string): Promise<void> {
  await stats();
  const put = await raw('PUT', `/kv/alive-${tag}`, `ok ${tag}`);
  expect(put.status).toBe(201);
  const got = await raw('GET', `/kv/alive-${tag}`);
  expect(got.status).toBe(200);
  expect(got.body).toBe(`ok ${tag}`);
}

describe('signed kv', () => {
  it('PUT ?signed=1 stores a record signed by the gateway; a later signed put replaces it, an unsigned overwrite is 409 with the reason', async () => {
    const first = await raw('PUT', '/kv/profile?signed=1', 'one');
    expect(first.status).toBe(201);
    const j1 = JSON.parse(first.body) as { signed: boolean; seq: number; publicKey: string; stored: number };
    expect(j1.signed).toBe(true);
    expect(j1.publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(j1.stored).toBeGreaterThan(0);
    expect(first.headers.location).toBe('/kv/profile?signed=1');
    const second = await raw('PUT', '/kv/profile?signed=1', 'two');
    expect(second.status).toBe(201);
    const j2 = JSON.parse(second.body) as { seq: number };
    expect(j2.seq).toBeGreaterThan(j1.seq);
    const got = await raw('GET', '/kv/profile?signed=1&via=5');
    expect(got.status).toBe(200);
    expect(got.body).toBe('two');
    expect(got.headers['x-signed-by']).toBe(j1.publicKey);
    expect(got.headers['x-seq']).toBe(String(j2.seq));

    expect((await raw('PUT', '/kv/plain-once', 'first')).status).toBe(201);
    const again = await raw('PUT', '/kv/plain-once', 'second');
    expect(again.status).toBe(409);
    expect(JSON.parse(again.body).error).toMatch(/^refused by \d+ node\(s\): \d+ × conflict \(the node holds a different value for this key/);
    expect((await raw('GET', '/kv/plain-once')).body).toBe('first');
    expect((await raw('PUT', '/kv/x?signed=2', 'v')).status).toBe(400);
    expect((await raw('PUT', '/kv/big?signed=1', 'x'.repeat(1001))).status).toBe(413);
  });
});

describe('kv', () => {
  it('put then get returns the value, with the lookup cost as JSON and in headers', async () => {
    const put = await get(`${base}kv/greeting`, { method: 'PUT', body: 'hello, swarm' });
    expect(put.status).toBe(201);
    const j = (await put.json()) as Record<string, number>;
    expect(j.stored).toBeGreaterThan(0);
    // 201 means other nodes acknowledged it: the asker's own copy is counted in `stored`, not in `acked`.
    expect(j.acked).toBeGreaterThan(0);
    expect(j.acked).toBeLessThanOrEqual(j.stored as number);
    expect(put.headers.get('x-acked')).toBe(String(j.acked));
    for (const f of ['depth', 'rpcs', 'ms', 'stored', 'acked']) expect(typeof j[f]).toBe('number');
    expect(j.rpcs).toBeGreaterThan(0);

    const r = await get(`${base}kv/greeting`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('hello, swarm');
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    for (const h of ['x-depth', 'x-rpcs', 'x-ms']) expect(Number.isFinite(Number(r.headers.get(h)))).toBe(true);
  });

  it('a get through ?via=N asks that node; keys are percent-decoded, any UTF-8', async () => {
    const key = encodeURIComponent('clé / with spaces ✓');
    expect((await get(`${base}kv/${key}?via=7`, { method: 'PUT', body: 'déjà vu' })).status).toBe(201);
    const r = await get(`${base}kv/${key}?via=123`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-via')).toBe('123');
    expect(await r.text()).toBe('déjà vu');
  });

  it('a value of exactly the size limit is accepted and read back', async () => {
    const v = 'v'.repeat(1024);
    expect((await get(`${base}kv/max-size`, { method: 'PUT', body: v })).status).toBe(201);
    expect(await (await get(`${base}kv/max-size`)).text()).toBe(v);
  });

  it('an absent key is 404 with the lookup cost in headers', async () => {
    const r = await get(`${base}kv/never-stored-${Date.now()}`);
    expect(r.status).toBe(404);
    const j = (await r.json()) as { error: string; responded: number };
    expect(j.error).toBe('not found');
    expect(j.responded).toBeGreaterThanOrEqual(10);
    for (const h of ['x-depth', 'x-rpcs', 'x-ms']) expect(r.headers.get(h)).not.toBeNull();
  });
});

describe('sources', () => {
  it('POST adds values from three nodes and a binary one; GET lists all four with their publishers and the contributing nodes', async () => {
    for (const [via, value] of [[3, 'peer-a'], [50, 'peer-b'], [200, 'peer-c']] as const) {
      const r = await get(`${base}sources/file-1?via=${via}`, { method: 'POST', body: value });
      expect(r.status).toBe(201);
      expect(r.headers.get('location')).toBe('/sources/file-1');
      const j = (await r.json()) as Record<string, number>;
      expect([j.stored, j.refused, j.via]).toEqual([20, 0, via]);
    }
    const binary = Buffer.from([0xff, 0x00, 0xfe]);
    expect((await get(`${base}sources/file-1?via=9`, { method: 'POST', body: binary })).status).toBe(201);
    const r = await get(`${base}sources/file-1?via=120`);
    expect(r.status).toBe(200);
    const j = (await r.json()) as { count: number; contributors: number; rpcs: number; values: Array<{ value: string; encoding: string; publisher: string; ttlMs: number }> };
    const idOf = async (n: number): Promise<string> => ((await (await get(`${base}nodes/${n}`)).json()) as { id: string }).id;
    const expected = [
      { value: 'peer-a', encoding: 'utf8', publisher: await idOf(3) },
      { value: 'peer-b', encoding: 'utf8', publisher: await idOf(50) },
      { value: 'peer-c', encoding: 'utf8', publisher: await idOf(200) },
      { value: binary.toString('base64'), encoding: 'base64', publisher: await idOf(9) },
    ].sort((a, b) => a.value.localeCompare(b.value));
    expect(j.values.map(({ value, encoding, publisher }) => ({ value, encoding, publisher })).sort((a, b) => a.value.localeCompare(b.value))).toEqual(expected);
    expect(j.count).toBe(4);
    expect(j.contributors).toBeGreaterThanOrEqual(20);
    expect(j.values.every((v) => v.ttlMs > 0)).toBe(true);
    const none = (await (await get(`${base}sources/never-added`)).json()) as { count: number; contributors: number };
    expect([none.count, none.contributors]).toEqual([0, 0]);
  });

  it('refuses an empty body, a value over maxSourceValueBytes and a method the route does not take', async () => {
    const empty = await raw('POST', '/sources/x', '');
    expect([empty.status, JSON.parse(empty.body).error]).toEqual([400, 'missing body: POST /sources/:key takes one value as the request body']);
    expect((await raw('POST', '/sources/x', 'v'.repeat(513))).status).toBe(413);
    const wrong = await raw('PUT', '/sources/x', 'v');
    expect(wrong.status).toBe(405);
    expect(JSON.parse(wrong.body).error).toMatch(/not allowed on \/sources\/:key; use GET, POST, HEAD/);
  });
});

describe('bad requests get a 4xx JSON error and the gateway keeps serving', () => {
  const cases: Array<[string, () => Promise<Raw>, number, RegExp]> = [
    ['PUT without a body', () => raw('PUT', '/kv/empty'), 400, /missing body/],
    ['PUT with an empty body', () => raw('PUT', '/kv/empty', ''), 400, /missing body/],
    ['PUT over the value limit (Content-Length)', () => raw('PUT', '/kv/big', 'x'.repeat(1025)), 413, /limit is 1024/],
    ['PUT over the value limit (chunked)', () => raw('PUT', '/kv/big', Buffer.alloc(5000, 65), { 'Transfer-Encoding': 'chunked' }), 413, /over the limit/],
    ['unknown route', () => raw('GET', '/no/such/thing'), 404, /no such route/],
    ['bad method on /kv', () => raw('DELETE', '/kv/a'), 405, /not allowed/],
    ['bad method on /stats', () => raw('POST', '/stats', '{}'), 405, /not allowed/],
    ['bad method on /churn', () => raw('GET', '/churn'), 405, /not allowed/],
    ['empty key', () => raw('GET', '/kv/'), 400, /empty/],
    ['no key', () => raw('GET', '/kv'), 400, /empty/],
    ['key over 256 bytes', () => raw('GET', `/kv/${'k'.repeat(257)}`), 400, /limit is 256/],
    ['key over 256 bytes once decoded', () => raw('PUT', `/kv/${'%C3%A9'.repeat(129)}`, 'v'), 400, /limit is 256/],
    ['invalid percent-encoding', () => raw('GET', '/kv/%ZZ'), 400, /percent-encoding/],
    ['invalid UTF-8 in a percent-encoded key', () => raw('GET', '/kv/%C3%28'), 400, /percent-encoding/],
    ['via out of range', () => raw('GET', '/kv/a?via=300'), 400, /out of range/],
    ['via not a number', () => raw('GET', '/kv/a?via=abc'), 400, /node index/],
    ['via negative', () => raw('PUT', '/kv/a?via=-1', 'v'), 400, /node index/],
    ['node index not a number', () => raw('GET', '/nodes/xyz'), 400, /node index/],
    ['node index out of range', () => raw('GET', '/nodes/300'), 404, /out of range/],
    ['churn with bad JSON', () => raw('POST', '/churn', '{"kill": '), 400, /bad JSON/],
    ['churn without a body', () => raw('POST', '/churn'), 400, /missing body/],
    ['churn with both fields', () => raw('POST', '/churn', '{"kill": 1, "revive": 1}'), 400, /exactly one/],
    ['churn with a bad count', () => raw('POST', '/churn', '{"kill": -5}'), 400, /integer/],
    ['churn with a fractional count', () => raw('POST', '/churn', '{"kill": 1.5}'), 400, /integer/],
    ['churn with an array', () => raw('POST', '/churn', '[1]'), 400, /object/],
    ['churn with an unknown field', () => raw('POST', '/churn', '{"explode": true}'), 400, /unknown field/],
    ['churn body over 4 KiB', () => raw('POST', '/churn', ' '.repeat(5000)), 413, /limit/],
  ];
  for (const [name, send, status, message] of cases) {
    it(`${name} → ${status}`, async () => {
      const r = await send();
      expect(r.status).toBe(status);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      const j = JSON.parse(r.body) as { error: string };
      expect(j.error).toMatch(message);
      await stillServing(name.replace(/\W+/g, '-'));
    });
  }

  it('a 405 names the allowed methods in Allow', async () => {
    const r = await raw('PATCH', '/kv/a');
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, PUT, HEAD');
  });

  it('a malformed HTTP message gets a 400 and the gateway keeps serving', async () => {
    const u = new URL(base);
    const reply = await within(
      new Promise<string>((resolve, reject) => {
        const s = connect(Number(u.port), u.hostname, () => s.write('THIS IS NOT HTTP\r\n\r\n'));
        let data = '';
        s.on('data', (c) => (data += c.toString()));
        s.on('end', () => resolve(data));
        s.on('error', reject);
      }),
      10_000,
      'garbage request',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await stillServing('after-garbage');
  });

  it('every 4xx above was counted, and no 5xx happened', async () => {
    const s = await stats();
    const codes = Object.keys(s.http.byRoute).map((k) => Number(k.split(' ')[1]));
    expect(codes.some((c) => c >= 400 && c < 500)).toBe(true);
    expect(codes.filter((c) => c >= 500)).toEqual([]);
  });
});

describe('node info, stats, metrics, events', () => {
  it('GET /nodes/:n returns the node ID, buckets and records', async () => {
    const r = await get(`${base}nodes/5`);
    expect(r.status).toBe(200);
    const j = (await r.json()) as { node: number; id: string; up: boolean; buckets: unknown[]; contacts: number[]; records: unknown[] };
    expect(j.node).toBe(5);
    expect(j.id).toMatch(/^[0-9a-f]{40}$/);
    expect(j.up).toBe(true);
    expect(j.buckets.length).toBeGreaterThan(0);
    expect(j.contacts.length).toBeGreaterThan(0);
    expect(Array.isArray(j.records)).toBe(true);
  });

  it('GET /stats has nodes up, rates, latency percentiles, success ratio and per-shard message rates', async () => {
    // The shard counters are polled once a second: wait for two polls so rates exist.
    await new Promise((r) => setTimeout(r, 2200));
    const s = await stats();
    expect(s.nodes).toMatchObject({ total: 300, up: 300, down: 0, bootstrap: 16 });
    expect(s.workers).toBe(2);
    expect(s.lookups.put.count).toBeGreaterThan(0);
    expect(s.lookups.getPresent.ok).toBeGreaterThan(0);
    expect(s.lookups.getAbsent.notFound).toBeGreaterThan(0);
    expect(s.lookups.getPresent.latencyMs.p50).not.toBeNull();
    expect(s.lookups.successRatio).toBe(1);
    expect(typeof s.window.lookupsPerSec).toBe('number');
    expect(s.messages.shards.map((x) => x.shard).sort()).toEqual([0, 1]);
    expect(s.messages.shards.every((x) => x.sent > 0 && typeof x.messagesPerSec === 'number')).toBe(true);
  });

  it('GET /metrics parses as Prometheus text', async () => {
    const r = await get(`${base}metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    const m = parsePrometheus(text);
    expect(m.get('kadswarm_nodes_up')?.[0]?.value).toBe(300);
    const lookups = m.get('kadswarm_lookups_total')!;
    expect(lookups.find((s) => s.labels.op === 'put' && s.labels.outcome === 'ok')!.value).toBeGreaterThan(0);
    const sent = m.get('kadswarm_shard_messages_sent_total')!;
    expect(new Set(sent.map((s) => s.labels.shard))).toEqual(new Set(['0', '1']));
  });

  it('GET /events streams JSON updates once a second', async () => {
    const u = new URL(base);
    const frames = await within(
      new Promise<string[]>((resolve, reject) => {
        const req = request({ host: u.hostname, port: u.port, path: '/events', agent: false }, (res) => {
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          let buf = '';
          const got: string[] = [];
          res.on('data', (c: Buffer) => {
            buf += c.toString();
            let i;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              const ev = buf.slice(0, i);
              buf = buf.slice(i + 2);
              const data = ev.split('\n').find((l) => l.startsWith('data: '));
              if (data) got.push(data.slice(6));
              if (got.length === 3) {
                req.destroy();
                resolve(got);
              }
            }
          });
        });
        req.on('error', (e) => (e.message.includes('aborted') || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
        req.end();
      }),
      10_000,
      'three /events frames',
    );
    // The first frame comes on connecting, then one per gateway tick: the second may follow the first
    // by a few ms (a tick due just after we connected), the third comes a whole tick after the second.
    const [a, , c] = frames.map((f) => JSON.parse(f) as StatsJson);
    expect(a!.nodes.total).toBe(300);
    expect(c!.uptimeS).toBeGreaterThan(a!.uptimeS);
  });

  it('GET / serves the dashboard page', async () => {
    const r = await get(base);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await r.text();
    expect(html).toContain("new EventSource('/events')");
    expect(html).toContain('id="nodes-up"');
  });
});

describe('churn', () => {
  it('kill then revive changes nodes up in /stats; bootstrap nodes stay up; gets keep working', async () => {
    expect((await get(`${base}kv/churn-key`, { method: 'PUT', body: 'survives' })).status).toBe(201);
    const k = await raw('POST', '/churn', JSON.stringify({ kill: 100 }), { 'Content-Type': 'application/json' });
    expect(k.status).toBe(200);
    const kj = JSON.parse(k.body) as { killed: number; up: number; down: number; nodes: number[] };
    expect(kj).toMatchObject({ killed: 100, up: 200, down: 100 });
    expect(kj.nodes.every((n) => n >= 16)).toBe(true);
    expect((await stats()).nodes).toMatchObject({ up: 200, down: 100 });

    // A killed node cannot be asked; a get through the rest still finds the value.
    const dead = kj.nodes[0]!;
    const viaDead = await raw('GET', `/kv/churn-key?via=${dead}`);
    expect(viaDead.status).toBe(409);
    expect((await get(`${base}nodes/${dead}`).then((r) => r.json())) as { up: boolean }).toMatchObject({ up: false });
    const got = await get(`${base}kv/churn-key`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('survives');

    // Killing more than there are non-bootstrap nodes up stops at the bootstrap nodes.
    const all = JSON.parse((await raw('POST', '/churn', '{"kill": 300}')).body) as { killed: number; up: number };
    expect(all).toMatchObject({ killed: 184, up: 16 });

    const rv = await raw('POST', '/churn', JSON.stringify({ revive: 284 }));
    expect(rv.status).toBe(200);
    expect(JSON.parse(rv.body)).toMatchObject({ revived: 284, up: 300, down: 0 });
    const s = await stats();
    expect(s.nodes).toMatchObject({ up: 300, down: 0 });
    expect(s.churn).toEqual({ killed: 284, revived: 284 });
    const again = await get(`${base}kv/churn-key?via=${dead}`);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('survives');
  });

  it('revive with nothing down revives nothing', async () => {
    const r = await raw('POST', '/churn', '{"revive": 5, "fresh": true}');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ revived: 0, up: 300 });
  });
});

// ------------------------------------------------------------------ a Prometheus text-format parser

interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses the text exposition format strictly enough to catch what scrapers
 * reject: TYPE before samples and at most once per family, valid names and
 * label syntax, numeric values, histogram buckets cumulative with +Inf = count.
 */
function parsePrometheus(text: string): Map<string, PromSample[]> {
  expect(text.endsWith('\n')).toBe(true);
  const types = new Map<string, string>();
  const out = new Map<string, PromSample[]>();
  const familyOf = (name: string): string => {
    for (const suffix of ['_bucket', '_sum', '_count']) {
      const base = name.slice(0, -suffix.length);
      if (name.endsWith(suffix) && types.get(base) === 'histogram') return base;
    }
    return name;
  };
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# HELP ')) {
      expect(line).toMatch(/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* \S/);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(types.has(m![1]!), `TYPE twice for ${m![1]}`).toBe(false);
      types.set(m![1]!, m![2]!);
      continue;
    }
    expect(line.startsWith('#'), line).toBe(false);
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, `bad sample line: ${line}`).not.toBeNull();
    const [, name, labelText, valueText] = m!;
    const labels: Record<string, string> = {};
    if (labelText) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
      let at = 0;
      while (at < labelText.length) {
        re.lastIndex = at;
        const l = re.exec(labelText);
        expect(l, `bad labels: ${labelText}`).not.toBeNull();
        labels[l![1]!] = l![2]!;
        at = re.lastIndex;
      }
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    expect(valueText === 'NaN' || !Number.isNaN(value), `bad value: ${line}`).toBe(true);
    const fam = familyOf(name!);
    expect(types.has(fam), `sample before TYPE: ${line}`).toBe(true);
    if (types.get(fam) === 'counter') expect(value).toBeGreaterThanOrEqual(0);
    if (!out.has(name!)) out.set(name!, []);
    out.get(name!)!.push({ name: name!, labels, value });
  }
  // Histograms: per series (labels other than le), buckets non-decreasing and +Inf equal to _count.
  for (const [fam, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, PromSample[]>();
    for (const s of out.get(`${fam}_bucket`) ?? []) {
      const { le, ...rest } = s.labels;
      expect(le, `${fam}_bucket without le`).toBeDefined();
      const key = JSON.stringify(rest);
      if (!series.has(key)) series.set(key, []);
      series.get(key)!.push(s);
    }
    expect(series.size).toBeGreaterThan(0);
    for (const [key, buckets] of series) {
      const les = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
      expect([...les].sort((a, b) => a - b)).toEqual(les);
      expect(les.at(-1)).toBe(Infinity);
      for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
      const count = (out.get(`${fam}_count`) ?? []).find((s) => JSON.stringify(s.labels) === key);
      expect(count?.value).toBe(buckets.at(-1)!.value);
    }
  }
  return out;
}
