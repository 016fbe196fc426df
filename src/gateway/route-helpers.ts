/**
 * What the gateway's lookup routes share (/kv and /sources): the asking node, and running a swarm
 * command under the request timeout with failures turned into 5xx answers.
 */
import type { IncomingMessage } from 'node:http';
import type { RouteContext } from './route-context.js';
import { HttpError, parseNodeIndex, parseTarget } from './http-util.js';
import type { LookupOp } from './metrics.js';

/** The asking node: ?via=N (must be up), else a random up node. */
export function asker(gw: RouteContext, req: IncomingMessage): number {
  const { query } = parseTarget(req.url);
  const via = query.get('via');
  if (via !== null) {
    const n = parseNodeIndex(via, gw.pool.total, 'via', 400);
    if (!gw.pool.isUp(n)) throw new HttpError(409, `via node ${n} is down`);
    return n;
  }
  const n = gw.pool.randomUp();
  if (n < 0) throw new HttpError(503, 'no node is up');
  return n;
}

/** Runs a swarm command under the gateway's timeout; failures become 5xx (and are recorded under `op`, when given). */
export async function lookup<T>(gw: RouteContext, op: LookupOp | null, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HttpError(504, `the lookup took longer than ${gw.requestTimeoutMs} ms`)), gw.requestTimeoutMs);
    });
    return await Promise.race([run(), timeout]);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (err instanceof HttpError) {
      record(gw, op, 'unavailable');
      throw err;
    }
    if (gw.swarmFailure) {
      record(gw, op, 'unavailable');
      throw new HttpError(503, `the swarm failed: ${gw.swarmFailure.message}`);
    }
    if (/ is down/.test(msg)) {
      record(gw, op, 'unavailable');
      throw new HttpError(503, msg);
    }
    record(gw, op, 'error');
    throw new HttpError(500, `shard error: ${msg}`);
  } finally {
    clearTimeout(timer);
  }
}

function record(gw: RouteContext, op: LookupOp | null, outcome: 'unavailable' | 'error'): void {
  if (op) gw.metrics.recordLookup(op, outcome, null);
}
