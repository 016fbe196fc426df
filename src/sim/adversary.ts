/**
 * Adversary nodes inside a Cluster (issue 13). An adversary is an ordinary KadNode for everything
 * it starts itself — it joins, refreshes and keeps a routing table like anyone, so honest nodes
 * learn it the normal way (from its join's requests and from one another's replies) — but the
 * requests other nodes send it go to its attack instead of its core: the cluster asks
 * `intercepts(to, msg)` before delivering, and `answer` sends what the attack sends (or nothing).
 * Replies to the adversary's own requests still reach its core, so its table stays alive.
 *
 * Colluding attackers know each other: every shard holds the same global member list (the plan,
 * made by adversary-placement.ts from the seed), and an answer that names contacts names the
 * adversaries closest to the requested target (adversary-misroute.ts). Honest nodes never see
 * the list; the reports read it to count what touched an adversary.
 *
 * Attacks: drop (silent), misroute (colluders only, never a value, STOREs acknowledged and
 * discarded), eclipse (misroute, but only for the target keys its IDs surround; honest
 * otherwise), poison (a forged value for the target keys; honest otherwise), sybil-flood
 * (misroute from many IDs behind one address: see adversaryGroups).
 */
import { isRequest, MessageType, type Message, type Reply } from '../core/messages.js';
import type { PeerIds } from '../core/peers.js';
import type { KadNode } from '../core/index.js';
import { Colluders } from './adversary-misroute.js';
import { isTargetKey, requestKey } from './adversary-targets.js';
import { forgedValue } from './adversary-poison.js';

export const ATTACKS = ['drop', 'misroute', 'eclipse', 'poison', 'sybil-flood'] as const;
export type AttackKind = (typeof ATTACKS)[number];
export const PLACEMENTS = ['random', 'targeted'] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** What the flags ask for: `--adversary F --attack KIND --placement P --targets T`. */
export interface AdversarySpec {
  fraction: number;
  attack: AttackKind;
  placement: Placement;
  /** Target keys (the workload's first T keys) for eclipse, poison and targeted placement. */
  targets: number;
  /**
   * `--adversary-budget H`: SHA-1 evaluations the minter may spend under `--id-puzzle c`
   * (swarm/adversary-puzzle.ts); absent: what its nodes' honest IDs would cost.
   */
  budget?: number;
}

/**
 * Who the adversaries are, the same on every shard (plain data: it travels in ShardSetup).
 * `ids` holds the minted IDs of `minted` nodes (20 bytes each, in that order); the supervisor
 * writes them over the seed's IDs before any node spawns.
 */
export interface AdversaryPlan {
  attack: AttackKind;
  placement: Placement;
  /** 1 for an adversary, by global node index. */
  members: Uint8Array;
  /** The adversaries' global indices, ascending. */
  list: Int32Array;
  /** The target keys, 20 bytes each, concatenated. */
  targetKeys: Uint8Array;
  minted: Int32Array;
  ids: Uint8Array;
  /** Under `--id-puzzle c`: what the minter's hash budget bought (swarm/adversary-puzzle.ts). */
  puzzle?: PuzzleMint;
}

/** Where an answer goes: the cluster's send path (encoded, latency, loss, like any reply). */
export interface ReplySink {
  send(node: KadNode, to: number, msg: Message): void;
}

export class AdversaryActor {
  /** Requests the attack answered (or swallowed), by message type; the report's cost of the attack. */
  readonly answered = new Float64Array(11);
  readonly silenced = new Float64Array(11);
  private readonly colluders: Colluders;

  constructor(
    readonly plan: AdversaryPlan,
    peers: PeerIds,
    private readonly k: number,
  ) {
    this.colluders = new Colluders(peers.words, plan.list);
  }

  isAdversary(node: number): boolean {
    return this.plan.members[node] === 1;
  }

  /** True when the attack, not the node's core, handles this message to `to`. */
  intercepts(to: number, msg: Message): boolean {
    if (this.plan.members[to] !== 1 || !isRequest(msg)) return false;
    switch (this.plan.attack) {
      case 'drop':
      case 'misroute':
      case 'sybil-flood':
        return true;
      case 'eclipse': {
        // Honest for everything but the target keys: a stealthy attacker stays in the tables.
        const key = requestKey(msg);
        return key !== null && isTargetKey(this.plan.targetKeys, key);
      }
      case 'poison':
        // Only the reads of the target keys are forged; it stores and routes honestly.
        return msg.type === MessageType.FindValue && isTargetKey(this.plan.targetKeys, msg.key);
    }
  }

  /** Answers (or swallows) a request `intercepts` claimed. */
  answer(sink: ReplySink, node: KadNode, from: number, msg: Message): void {
    const reply = this.replyTo(node.self, msg);
    if (reply === null) {
      this.silenced[msg.type]++;
      return;
    }
    this.answered[msg.type]++;
    sink.send(node, from, reply);
  }

  /** The attack's reply to `msg` from adversary `self`, or null for silence. */
  replyTo(self: number, msg: Message): Reply | null {
    if (this.plan.attack === 'drop') return null;
    switch (msg.type) {
      case MessageType.Ping:
        return { type: MessageType.Pong, rpc: msg.rpc }; // alive, so it stays in tables
      case MessageType.Store:
      case MessageType.AddSource:
        return { type: MessageType.StoreAck, rpc: msg.rpc, ok: true }; // acknowledged, discarded
      case MessageType.FindNode:
        return { type: MessageType.Nodes, rpc: msg.rpc, contacts: this.colluders.closest(msg.target, this.k, self) };
      case MessageType.FindValue:
        if (this.plan.attack === 'poison') return forgedValue(msg.rpc, msg.key);
        return { type: MessageType.Nodes, rpc: msg.rpc, contacts: this.colluders.closest(msg.key, this.k, self) };
      case MessageType.FindSources:
        return { type: MessageType.Sources, rpc: msg.rpc, entries: [], next: 0, contacts: this.colluders.closest(msg.key, this.k, self) };
      default:
        return null;
    }
  }
}

/**
 * Network groups for `sybil-flood`: every adversary presents its IDs from one address (one IP,
 * one /24), each honest node from its own, so the tables' diversity limits (maxPerIp,
 * maxPerSubnetPerBucket) can tell them apart. Groups already set by the host (the defence's
 * synthetic subnets) are kept for honest nodes; the adversaries' are overwritten.
 */
export function adversaryGroups(peers: PeerIds, plan: AdversaryPlan, nodes: number): void {
  const g = peers.groups;
  // With synthetic addresses installed (the defences' identities), the flood uses the first
  // adversary's address; without, group numbers one past every honest one (node i: i + 1).
  const first = plan.list.length > 0 ? plan.list[0]! : -1;
  const ip = g !== null && first >= 0 ? g[2 * first]! : nodes + 1;
  const subnet = g !== null && first >= 0 ? g[2 * first + 1]! : nodes + 1;
  for (let i = 0; i < nodes; i++) {
    if (plan.members[i] === 1) peers.setGroup(i, ip, subnet);
    else if (g === null) peers.setGroup(i, i + 1, i + 1);
  }
}

/** What an ID minter's hash budget bought under `--id-puzzle c` (plain data: it rides in the plan to the report). */
export interface PuzzleMint {
  bits: number;
  /** SHA-1 evaluations allowed, and spent (2 per key tried). */
  budget: number;
  hashes: number;
  /** Wall milliseconds of the grind (this machine). */
  ms: number;
  /** Valid IDs found among the keys tried. */
  validIds: number;
  /** 1 per minter (plan order) that got a valid ID. */
  valid: Uint8Array;
}
