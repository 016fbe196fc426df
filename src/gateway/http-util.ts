/**
 * Small HTTP helpers for the gateway: JSON errors, bounded body reading and
 * request-target parsing. Every client mistake becomes an HttpError with a
 * 4xx status, which the server turns into a JSON body {"error": "..."}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array, headers: Record<string, string | number> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': bytes.byteLength, 'Cache-Control': 'no-store' });
  res.end(bytes);
}

/**
 * Reads the whole body, refusing more than `limit` bytes with 413. A
 * declared Content-Length over the limit is refused before reading. After a
 * 413 the connection is closed (the rest of the body is not worth reading).
 */
export function readBody(req: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(new HttpError(413, `${what} is ${declared} bytes; the limit is ${limit}`, { Connection: 'close' }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | null): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        // Stop buffering; the response says 413 and closes the connection.
        req.pause();
        finish(new HttpError(413, `${what} is over the limit of ${limit} bytes`, { Connection: 'close' }));
        return;
      }
      chunks.push(c);
    };
    const onEnd = (): void => finish(null);
    const onError = (e: Error): void => finish(new HttpError(400, `could not read the body: ${e.message}`));
    const onAborted = (): void => finish(new HttpError(400, 'the client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

export interface Target {
  /** The raw (still percent-encoded) path. */
  path: string;
  query: URLSearchParams;
}

/** Splits a request target into its raw path and query, without normalising `..` or decoding. */
export function parseTarget(url: string | undefined): Target {
  let t = url ?? '/';
  // Absolute form (a proxy request): drop scheme and authority.
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(t);
  if (abs) t = t.slice(abs[0].length) || '/';
  const hash = t.indexOf('#');
  if (hash >= 0) t = t.slice(0, hash);
  const q = t.indexOf('?');
  const path = q >= 0 ? t.slice(0, q) : t;
  let query: URLSearchParams;
  try {
    query = new URLSearchParams(q >= 0 ? t.slice(q + 1) : '');
  } catch {
    throw new HttpError(400, 'malformed query string');
  }
  return { path, query };
}

/** Keys longer than this (UTF-8 bytes, after decoding) are refused. */
export const MAX_KEY_BYTES = 256;

/** The user key from the raw path segment(s) after /kv/: percent-decoded, non-empty, at most MAX_KEY_BYTES. */
export function parseKey(raw: string): string {
  if (raw.length === 0) throw new HttpError(400, 'malformed key: the key is empty (use /kv/<key>)');
  let key: string;
  try {
    key = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'malformed key: invalid percent-encoding');
  }
  if (key.length === 0) throw new HttpError(400, 'malformed key: the key is empty');
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) throw new HttpError(400, `malformed key: ${bytes} bytes, the limit is ${MAX_KEY_BYTES}`);
  return key;
}

/** A node index given in a URL: decimal digits, in 0..total−1. */
export function parseNodeIndex(raw: string, total: number, what: string, outOfRange: number): number {
  if (!/^\d{1,10}$/.test(raw)) throw new HttpError(400, `${what} must be a node index (0..${total - 1}), got "${raw.slice(0, 40)}"`);
  const n = Number(raw);
  if (n >= total) throw new HttpError(outOfRange, `${what} ${n} is out of range: the swarm has nodes 0..${total - 1}`);
  return n;
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
