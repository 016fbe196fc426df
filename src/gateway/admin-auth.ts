/**
 * Who may change the swarm through the gateway. The mutating admin routes (POST /churn) take
 * nodes down and bring them back; anyone who can reach the port could otherwise empty the swarm.
 * On a loopback address only local processes can reach it, so these routes stay open there
 * unless a token was given; on any other address they need `Authorization: Bearer <token>`,
 * with the token given (--admin-token) or made at start (24 random bytes, base64url) and
 * printed by `kadswarm serve`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { HttpError } from './http-util.js';

/** Shortest token accepted from the user: shorter ones can be guessed over the network. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms, and for the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

export function generateAdminToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Refuses a user-given token that is too short or not printable ASCII without spaces (it travels in a header). */
export function checkAdminToken(token: string): string | null {
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) return `the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters, got ${token.length}`;
  if (!/^[\x21-\x7e]+$/.test(token)) return 'the admin token must be printable ASCII without spaces';
  return null;
}

/**
 * Throws 401 unless the request carries `Authorization: Bearer <token>`. The comparison takes
 * the same time whatever the guess (timingSafeEqual on equal-length digests of both).
 */
export function requireAdmin(req: IncomingMessage, token: string, what: string): void {
  const header = req.headers.authorization;
  const m = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
  const challenge = { 'WWW-Authenticate': 'Bearer realm="kadswarm admin"' };
  if (!m) {
    throw new HttpError(401, `${what} needs the admin token: send the header "Authorization: Bearer <token>" (kadswarm serve prints the token at start, or set it with --admin-token)`, challenge);
  }
  if (!sameSecret(m[1]!, token)) throw new HttpError(401, `${what}: wrong admin token`, challenge);
}

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(token, 'utf8');
  // Equal lengths for timingSafeEqual; the length check itself leaks only the length, after the compare.
  const pad = Buffer.alloc(Math.max(a.length, b.length));
  const x = Buffer.concat([a, pad]).subarray(0, pad.length);
  const y = Buffer.concat([b, pad]).subarray(0, pad.length);
  return timingSafeEqual(x, y) && a.length === b.length;
}
