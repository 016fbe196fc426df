/**
 * What the gateway's lookup routes share (/kv and /sources): the asking node, and running a swarm
 * command under the request timeout with failures turned into 5xx answers.
 */
import type { IncomingMessage } from 'node:http';
import type { RouteContext } from './route-context.js';
import { HttpError, parseNodeIndex, parseTarget } from './http-util.js';
import type { LookupOp } from './metrics.js';

/** The asking node: ?via=N (must be up), else a random up node. */
/**
 * The asking node: ?via=N (must be up), else a random up node. When no node but the asker is
 * up there is nobody it could ask or store at: 503 at once, rather than a lookup that waits on
 * timeouts of dead contacts until the gateway's timeout (504). Recorded under `op` when given.
 */
export function asker(gw: RouteContext, req: IncomingMessage, op: LookupOp | null = null): number {
  const { query } = parseTarget(req.url);
  const via = query.get('via');
  let n: number;
  if (via !== null) {
    n = parseNodeIndex(via, gw.pool.total, 'via', 400);
    if (!gw.pool.isUp(n)) throw new HttpError(409, `via node ${n} is down`);
  } else {
    n = gw.pool.randomUp();
    if (n < 0) {
      if (op) gw.metrics.recordLookup(op, 'unavailable', null);
      throw new HttpError(503, 'no node is up');
    }
  }
  if (gw.pool.upCount <= 1) {
    if (op) gw.metrics.recordLookup(op, 'unavailable', null);
    throw new HttpError(503, `no live node to ask: node ${n} is the only node up (${gw.pool.downCount} of ${gw.pool.total} are down)`);
  }
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
