/**
 * The gateway's routes:
 *
 *   PUT  /kv/:key[?via=N]   body = value (≤ maxValueBytes) → 201 {depth, rpcs, ms, stored, acked, …} when at
 *                             least one node other than the asker acknowledged it; 503 otherwise
 *                           | 409 every node refused (e.g. the key holds another unsigned value)
 *        ?signed=1          a record signed by the gateway's key pair (≤ 1,000 bytes), replaceable by it only
 *   GET  /kv/:key[?via=N]   → 200 value | 404 not found | 503 too few nodes answered;
 *                             X-Depth, X-RPCs, X-Ms, X-Via, X-Responded headers on all three
 *   POST /sources/:key[?via=N]  body = one value (≤ maxSourceValueBytes) added to the key's set
 *                             → 201 {stored, refused, …cost} | 409 every holder refused (a cap)
 *   GET  /sources/:key[?via=N]  → 200 {count, contributors, values: [{value, encoding, publisher, ttlMs}], …cost}
 *   GET  /nodes/:n          → node info JSON
 *   GET  /stats[?hist=1]    → live counters JSON (hist=1 adds the raw cumulative histograms)
 *   GET  /metrics           → Prometheus text
 *   POST /churn             {"kill": n} | {"revive": n[, "fresh": true]} → JSON result; an admin route:
 *                             with an admin token set, 401 without `Authorization: Bearer <token>`
 *   GET  /events            → server-sent events, one update per second
 *   GET  /                  → the dashboard
 *
 * A user key is everything after /kv/, percent-decoded; the DHT key is its
 * SHA-1 (keyFromString), as in the UDP node's REPL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { idToHex } from '../core/id.js';
import { keyFromString } from '../core/key.js';
import { STORE_CODE_TEXT, type StoreRefusal } from '../core/messages.js';
import { MAX_SALT_BYTES } from '../core/signed.js';
import type { KvResult } from '../swarm/control.js';
import { requireAdmin } from './admin-auth.js';
import { MAX_SIGNED_VALUE_BYTES } from '../wire/limits.js';
import { recordKey, signKv } from './signed-kv.js';
import { dashboardHtml } from './dashboard.js';
import type { RouteContext } from './route-context.js';
import { HttpError, isValidUtf8, parseKey, parseNodeIndex, parseTarget, readBody, sendJson, sendText } from './http-util.js';
import type { LookupOp } from './metrics.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from './prometheus.js';
import { asker, lookup } from './route-helpers.js';
import { getSources, postSources } from './source-routes.js';

/** Largest /churn request body. */
const CHURN_BODY_BYTES = 4096;

interface Route {
  name: string;
  /** A mutating admin route: needs the admin token whenever the gateway has one (admin-auth.ts). */
  admin?: true;
  match: (path: string) => string | null;
  methods: Record<string, (gw: RouteContext, req: IncomingMessage, res: ServerResponse, param: string) => Promise<void> | void>;
}

const exact =
  (p: string) =>
  (path: string): string | null =>
    path === p ? '' : null;
const prefix =
  (p: string) =>
  (path: string): string | null =>
    path === p.slice(0, -1) || path.startsWith(p) ? path.slice(p.length) : null;

const ROUTES: Route[] = [
  { name: 'dashboard', match: exact('/'), methods: { GET: (gw, req, res) => sendText(res, 200, 'text/html; charset=utf-8', dashboardHtml({ nodes: gw.pool.total, workers: gw.swarm.workers })) } },
  { name: 'events', match: exact('/events'), methods: { GET: (gw, req, res) => gw.openEvents(req, res) } },
  { name: 'stats', match: exact('/stats'), methods: { GET: (gw, req, res) => sendJson(res, 200, gw.snapshot(parseTarget(req.url).query.get('hist') === '1')) } },
  {
    name: 'metrics',
    match: exact('/metrics'),
    methods: {
      GET: (gw, req, res) =>
        sendText(res, 200, PROMETHEUS_CONTENT_TYPE, renderPrometheus({ metrics: gw.metrics, shards: gw.shards, nodes: gw.pool.total, nodesUp: gw.pool.upCount, workers: gw.swarm.workers, uptimeS: (Date.now() - gw.startedAt) / 1000, sseClients: gw.sseClients })),
    },
  },
  { name: 'churn', admin: true, match: exact('/churn'), methods: { POST: churn } },
  { name: 'nodes', match: prefix('/nodes/'), methods: { GET: nodeInfo } },
  { name: 'kv', match: prefix('/kv/'), methods: { GET: getKv, PUT: putKv } },
  { name: 'sources', match: prefix('/sources/'), methods: { GET: getSources, POST: postSources } },
];

/** The route's name for counters ("unknown" for none). */
export function routeName(url: string | undefined): string {
  try {
    const { path } = parseTarget(url);
    return ROUTES.find((r) => r.match(path) !== null)?.name ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function handle(gw: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { path } = parseTarget(req.url);
  for (const r of ROUTES) {
    const param = r.match(path);
    if (param === null) continue;
    const method = req.method === 'HEAD' && r.methods.GET && r.name !== 'events' ? 'GET' : (req.method ?? 'GET');
    const h = r.methods[method];
    if (!h) {
      const allow = Object.keys(r.methods);
      if (allow.includes('GET') && r.name !== 'events') allow.push('HEAD');
      throw new HttpError(405, `method ${req.method} is not allowed on ${r.name === 'kv' ? '/kv/:key' : r.name === 'sources' ? '/sources/:key' : r.name === 'nodes' ? '/nodes/:n' : path}; use ${allow.join(', ')}`, { Allow: allow.join(', ') });
    }
    if (r.admin && gw.adminToken !== null) requireAdmin(req, gw.adminToken, `${method} ${path}`);
    await h(gw, req, res, param);
    return;
  }
  throw new HttpError(404, `no such route: ${path.slice(0, 200)} (routes: /, /events, /stats, /metrics, /churn, /nodes/:n, /kv/:key, /sources/:key)`);
}

// ------------------------------------------------------------------ /kv

/** ?signed=1 (or true): the key names a record signed by this gateway's key pair (signed-kv.ts). */
function signedFlag(req: IncomingMessage): boolean {
  const v = parseTarget(req.url).query.get('signed');
  if (v === null || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true' || v === '') return true;
  throw new HttpError(400, `signed must be 1 or 0, got "${v.slice(0, 20)}"`);
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

function costHeaders(r: KvResult, via: number): Record<string, string> {
  return {
    'X-Depth': String(r.depth),
    'X-RPCs': String(r.rpcs),
    'X-Ms': r.duration.toFixed(2),
    'X-Via': String(via),
    'X-Responded': String(r.responded),
  };
}

function cost(r: KvResult, via: number): Record<string, number> {
  return { depth: r.depth, rpcs: r.rpcs, timeouts: r.timeouts, ms: Math.round(r.duration * 100) / 100, responded: r.responded, via };
}

/** Fewest responsive nodes a lookup must have heard from before "not found" is an answer. */
function enoughResponders(gw: RouteContext): number {
  return Math.max(1, Math.min(Math.ceil(gw.config.k / 2), gw.pool.upCount - 1));
}

async function getKv(gw: RouteContext, req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  const key = parseKey(raw);
  const id = recordKey(key, signedFlag(req));
  const hex = idToHex(id);
  const op: LookupOp = gw.known.has(hex) ? 'get-present' : 'get-absent';
  const node = asker(gw, req, op);
  const r = await lookup(gw, op, () => gw.swarm.getKv(node, id));
  const headers = costHeaders(r, node);
  if (r.found && r.value) {
    gw.metrics.recordLookup(op, 'ok', r);
    const value = r.value instanceof Uint8Array ? r.value : new Uint8Array(r.value);
    if (r.signer) Object.assign(headers, { 'X-Signed-By': r.signer.publicKey, 'X-Seq': String(r.signer.seq) });
    sendText(res, 200, isValidUtf8(value) ? 'text/plain; charset=utf-8' : 'application/octet-stream', value, headers);
    return;
  }
  const need = enoughResponders(gw);
  if (r.responded >= need) {
    gw.metrics.recordLookup(op, 'not-found', r);
    sendJson(res, 404, { error: 'not found', key, ...cost(r, node) }, headers);
    return;
  }
  gw.metrics.recordLookup(op, 'unavailable', r);
  sendJson(res, 503, { error: `the lookup heard from ${r.responded} responsive nodes, fewer than the ${need} needed to say the key is absent`, key, ...cost(r, node) }, headers);
}

async function putKv(gw: RouteContext, req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  const key = parseKey(raw);
  const node = asker(gw, req, 'put');
  const signed = signedFlag(req);
  const value = await readBody(req, signed ? Math.min(MAX_SIGNED_VALUE_BYTES, gw.config.maxValueBytes) : gw.config.maxValueBytes, 'the value');
  if (value.length === 0) throw new HttpError(400, 'missing body: PUT /kv/:key takes the value as the request body');
  if (signed && utf8Length(key) > MAX_SALT_BYTES) throw new HttpError(400, `a signed key is at most ${MAX_SALT_BYTES} bytes (it is the BEP 44 salt), got ${utf8Length(key)}`);
  const id = recordKey(key, signed);
  const hex = idToHex(id);
  const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const sig = signed ? signKv(key, bytes) : undefined;
  const r = await lookup(gw, 'put', () => gw.swarm.putKv(node, id, bytes, sig));
  const headers = costHeaders(r, node);
  const replicas = { stored: r.stored, acked: r.acked };
  // A copy on the asking node alone is not in the DHT (it goes when that node goes): 201 needs another node's ack.
  if (r.acked > 0) {
    gw.metrics.recordLookup('put', 'ok', r);
    gw.rememberKey(hex);
    const extra = sig ? { signed: true, seq: sig.seq, publicKey: Buffer.from(sig.part.publicKey).toString('hex') } : {};
    const location = `/kv/${encodeURIComponent(key)}${signed ? '?signed=1' : ''}`;
    sendJson(res, 201, { key, id: hex, ...replicas, ...extra, ...(r.refused ? { refused: r.refused } : {}), ...cost(r, node) }, { ...headers, 'X-Acked': String(r.acked), Location: location });
    return;
  }
  if (r.refused) {
    // Every node that answered said no: tell why (an unsigned key keeps its first value, say). The
    // DHT answered correctly, so this is the client's conflict (a 4xx), not a failed lookup.
    const reasons = Object.entries(r.refused) as Array<[StoreRefusal, number]>;
    const error = `refused by ${reasons.reduce((n, [, c]) => n + c, 0)} node(s): ${reasons.map(([why, c]) => `${c} × ${why} (${STORE_CODE_TEXT[why]})`).join('; ')}`;
    sendJson(res, 409, { error, key, id: hex, stored: 0, refused: r.refused, ...cost(r, node) }, headers);
    return;
  }
  gw.metrics.recordLookup('put', 'unavailable', r);
  const error = r.stored > 0 ? `no node other than the asking node ${node} acknowledged the store (only its own copy holds the value)` : 'no node acknowledged the store';
  sendJson(res, 503, { error, key, id: hex, ...replicas, ...cost(r, node) }, { ...headers, 'X-Acked': '0' });
}

// ------------------------------------------------------------------ /nodes/:n

async function nodeInfo(gw: RouteContext, req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  if (raw.length === 0) throw new HttpError(400, 'missing node index: use /nodes/<n>');
  const n = parseNodeIndex(raw, gw.pool.total, 'node', 404);
  let timer: NodeJS.Timeout | undefined;
  try {
    const info = await Promise.race([
      gw.swarm.nodeInfo(n),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HttpError(504, `node ${n} did not answer within ${gw.requestTimeoutMs} ms`)), gw.requestTimeoutMs);
      }),
    ]);
    sendJson(res, 200, { ...info, contactCount: info.contacts.length, recordCount: info.records.length });
  } finally {
    clearTimeout(timer);
  }
}

// ------------------------------------------------------------------ /churn

async function churn(gw: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req, CHURN_BODY_BYTES, 'the request body');
  if (body.length === 0) throw new HttpError(400, 'missing body: send {"kill": n} or {"revive": n}');
  let msg: unknown;
  try {
    msg = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad JSON: send {"kill": n} or {"revive": n}');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new HttpError(400, 'send a JSON object: {"kill": n} or {"revive": n}');
  const m = msg as Record<string, unknown>;
  const unknown = Object.keys(m).filter((k) => k !== 'kill' && k !== 'revive' && k !== 'fresh');
  if (unknown.length) throw new HttpError(400, `unknown field ${JSON.stringify(unknown[0])}: send {"kill": n} or {"revive": n[, "fresh": true]}`);
  if (('kill' in m) === ('revive' in m)) throw new HttpError(400, 'send exactly one of "kill" and "revive"');
  const field = 'kill' in m ? 'kill' : 'revive';
  const n = m[field];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > gw.pool.total) throw new HttpError(400, `"${field}" must be an integer in 1..${gw.pool.total}`);
  if ('fresh' in m && typeof m.fresh !== 'boolean') throw new HttpError(400, '"fresh" must be true or false');
  if (field === 'kill' && 'fresh' in m) throw new HttpError(400, '"fresh" goes with "revive"');
  const fresh = m.fresh === true;
  const t0 = performance.now();
  const result = await gw.serialChurn(async () => {
    if (field === 'kill') {
      const nodes = gw.pool.takeDown(n);
      const killed = nodes.length ? await gw.swarm.kill(nodes) : 0;
      gw.metrics.churnKilled += nodes.length;
      return { requested: n, killed: nodes.length, wereUp: killed, nodes: nodes.slice(0, 1000) };
    }
    const nodes = gw.pool.pickDown(n);
    const revived = nodes.length ? await gw.swarm.revive(nodes, gw.bootstraps, fresh) : 0;
    for (const x of nodes) gw.pool.markUp(x);
    gw.metrics.churnRevived += nodes.length;
    return { requested: n, revived: nodes.length, rejoined: revived, fresh, nodes: nodes.slice(0, 1000) };
  });
  sendJson(res, 200, { ...result, up: gw.pool.upCount, down: gw.pool.downCount, ms: Math.round(performance.now() - t0) });
}
