/**
 * A state checker for the simulator, after TigerBeetle's: after every event it checks what must
 * always hold, and the first violation stops the run with the seed and the event that broke it,
 * so the failure can be replayed. On in tests (SimNetwork), off by default in runs (`check` in
 * the swarm's setup turns it on), since it costs a table walk per event.
 *
 * Checked:
 * - no node has itself in its routing table;
 * - no bucket holds more than k contacts;
 * - a reply the node accepted (did not drop) answers a request that node sent to that peer,
 *   with that RPC id, of a type the reply answers, and is accepted at most once;
 * - virtual time never goes back.
 */
import { MESSAGE_TYPE_NAMES, MessageType, isRequest, type Message } from '../core/messages.js';
import type { HostLoop } from '../host/host-loop.js';

/** What the checker needs of the cluster it watches (an interface, so the two do not import each other). */
export interface Checked {
  readonly loop: HostLoop;
  readonly config: { readonly k: number };
}

export class InvariantError extends Error {}

/** Reply types that answer each request type. */
const ANSWERS: Record<number, MessageType[]> = {
  [MessageType.Ping]: [MessageType.Pong],
  [MessageType.Store]: [MessageType.StoreAck],
  [MessageType.FindNode]: [MessageType.Nodes],
  [MessageType.FindValue]: [MessageType.Nodes, MessageType.Value],
  [MessageType.AddSource]: [MessageType.StoreAck],
  [MessageType.FindSources]: [MessageType.Sources],
};

/** Drop reasons under which a reply was not accepted as an answer. */
const REFUSED = new Set(['unmatched-reply', 'wrong-reply-type', 'from-self']);

export class InvariantChecker {
  /** `${node}:${rpc}` → (peer asked, request type) of requests sent and not yet answered. */
  private readonly outstanding = new Map<string, { peer: number; type: MessageType }>();
  private lastTime = -Infinity;
  private refusedBy = -1;
  checks = 0;

  constructor(private readonly seed: number) {}

  sent(from: number, to: number, msg: Message): void {
    if (isRequest(msg)) this.outstanding.set(`${from}:${msg.rpc}`, { peer: to, type: msg.type });
  }

  dropped(node: number, reason: string): void {
    if (REFUSED.has(reason)) this.refusedBy = node;
  }

  deliver(cluster: Checked, slot: number, from: number, to: number, msg: Message, now: number): void {
    this.time(now, () => `delivery of ${describe(msg)} from ${from} to ${to}`);
    this.refusedBy = -1;
    cluster.loop.deliver(slot, from, msg, now);
    // A stopped node ignores everything; a reply it ignores was not accepted.
    if (!isRequest(msg) && this.refusedBy !== to && cluster.loop.nodes[slot]?.up) {
      const key = `${to}:${msg.rpc}`;
      const asked = this.outstanding.get(key);
      if (!asked || asked.peer !== from || !ANSWERS[asked.type]!.includes(msg.type)) {
        this.fail(now, `node ${to} accepted ${describe(msg)} from ${from}, which answers no request it sent (${asked ? `rpc ${msg.rpc} went to ${asked.peer} as ${MESSAGE_TYPE_NAMES[asked.type]}` : `no request with rpc ${msg.rpc}`})`);
      }
      this.outstanding.delete(key);
    }
    this.table(cluster, slot, now, () => `delivery of ${describe(msg)} from ${from} to ${to}`);
  }

  wake(cluster: Checked, slot: number, queuedAt: number, now: number): void {
    this.time(now, () => `wake-up of the node in slot ${slot}`);
    cluster.loop.wake(slot, queuedAt, now);
    this.table(cluster, slot, now, () => `wake-up of the node in slot ${slot}`);
  }

  private time(now: number, what: () => string): void {
    if (now < this.lastTime) this.fail(now, `time went back from ${this.lastTime} ms at the ${what()}`);
    this.lastTime = now;
  }

  private table(cluster: Checked, slot: number, now: number, what: () => string): void {
    const node = cluster.loop.nodes[slot];
    if (!node) return;
    this.checks++;
    if (node.table.has(node.self)) this.fail(now, `node ${node.self} has itself in its routing table after the ${what()}`);
    for (const b of node.table.describeBuckets()) {
      if (b.contacts > cluster.config.k) this.fail(now, `node ${node.self} has a bucket (depth ${b.depth}) of ${b.contacts} contacts, above k = ${cluster.config.k}, after the ${what()}`);
    }
  }

  private fail(now: number, message: string): never {
    throw new InvariantError(`invariant broken at ${now.toFixed(3)} ms (seed ${this.seed}): ${message}`);
  }
}

function describe(msg: Message): string {
  return `${MESSAGE_TYPE_NAMES[msg.type]} rpc ${msg.rpc}`;
}
