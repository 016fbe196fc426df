/**
 * The gateway's routes for the sources kind (many values per key):
 *
 *   POST /sources/:key[?via=N]  body = one value → 201 {key, id, stored, refused, …cost}
 *                               409 when every holder refused it (a per-key cap), 503 when none answered
 *   GET  /sources/:key[?via=N]  → 200 {key, id, count, contributors, values, …cost}
 *
 * As for /kv, the user key is everything after /sources/, percent-decoded, and the DHT key is its
 * SHA-1. A value comes back as UTF-8 text when it is valid UTF-8 (the /kv GET serves such a value
 * as text/plain) and as base64 otherwise; `encoding` says which.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { idToHex } from '../core/id.js';
import { keyFromString } from '../core/key.js';
import { sourceRefusal } from '../core/sources.js';
import type { RouteContext } from './route-context.js';
import { HttpError, isValidUtf8, parseKey, readBody, sendJson } from './http-util.js';
import { asker, lookup } from './route-helpers.js';

interface Cost {
  depth: number;
  rpcs: number;
  timeouts: number;
  duration: number;
  responded: number;
}

function cost(r: Cost, via: number): Record<string, number> {
  return { depth: r.depth, rpcs: r.rpcs, timeouts: r.timeouts, ms: Math.round(r.duration * 100) / 100, responded: r.responded, via };
}

export async function postSources(gw: RouteContext, req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  const key = parseKey(raw);
  const node = asker(gw, req);
  const body = await readBody(req, gw.config.maxSourceValueBytes, 'the value');
  if (body.length === 0) throw new HttpError(400, 'missing body: POST /sources/:key takes one value as the request body');
  const id = keyFromString(key);
  const hex = idToHex(id);
  const value = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  const r = await lookup(gw, null, () => gw.swarm.addSource(node, id, value));
  const answer = { key, id: hex, stored: r.stored, refused: r.refused, ...cost(r, node) };
  if (r.stored > 0) {
    sendJson(res, 201, answer, { Location: `/sources/${encodeURIComponent(key)}` });
    return;
  }
  if (r.refused > 0) {
    sendJson(res, 409, { error: sourceRefusal(r.refused, gw.config), ...answer });
    return;
  }
  sendJson(res, 503, { error: 'no node acknowledged the value', ...answer });
}

export async function getSources(gw: RouteContext, req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  const key = parseKey(raw);
  const node = asker(gw, req);
  const id = keyFromString(key);
  const r = await lookup(gw, null, () => gw.swarm.findSources(node, id));
  const values = r.values.map((v) => {
    const bytes = v.value instanceof Uint8Array ? v.value : new Uint8Array(v.value);
    const text = isValidUtf8(bytes);
    return { value: text ? Buffer.from(bytes).toString('utf8') : Buffer.from(bytes).toString('base64'), encoding: text ? 'utf8' : 'base64', publisher: v.publisher, ttlMs: Math.round(v.ttlMs) };
  });
  sendJson(res, 200, { key, id: idToHex(id), count: values.length, contributors: r.contributors, values, ...cost(r, node) });
}
