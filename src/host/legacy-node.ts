/**
 * TEMPORARY: the polled interface on top of the callback core, so the host loop can be built and
 * checked (same trace hash) while the core itself is being reshaped. Deleted when the polled core lands.
 */
import type { KadConfig } from '../core/config.js';
import type { Message } from '../core/messages.js';
import { KadNode as CallbackNode, type DropReason, type FindNodeResult, type GetResult, type JoinResult, type NodeEvent as OldEvent, type PutResult } from '../core/node.js';
import type { PeerIds } from '../core/peers.js';
import type { Random } from '../core/random.js';

export interface PingResult {
  alive: boolean;
  rttMs: number;
}
export type DoneEvent =
  | { type: 'done'; op: number; kind: 'join'; result: JoinResult }
  | { type: 'done'; op: number; kind: 'find-node'; result: FindNodeResult }
  | { type: 'done'; op: number; kind: 'get'; result: GetResult }
  | { type: 'done'; op: number; kind: 'put'; result: PutResult }
  | { type: 'done'; op: number; kind: 'ping'; result: PingResult };
export type NodeEvent = OldEvent | { type: 'drop'; reason: DropReason } | DoneEvent;

export class KadNode {
  private readonly core: CallbackNode;
  private readonly out: Message[] = [];
  private readonly outTo: number[] = [];
  private outAt = 0;
  transmitTo = -1;
  private wake = Infinity;
  private readonly events: NodeEvent[] = [];
  private evAt = 0;

  constructor(self: number, peers: PeerIds, config: KadConfig, rng: Random, now: number) {
    const host = {
      send: (_n: CallbackNode, to: number, msg: Message) => {
        this.out.push(msg);
        this.outTo.push(to);
      },
      wake: (_n: CallbackNode, at: number) => {
        if (at < this.wake) this.wake = at;
      },
      drop: (_n: CallbackNode, reason: DropReason) => void this.events.push({ type: 'drop', reason }),
      event: (_n: CallbackNode, ev: OldEvent) => void this.events.push(ev),
    };
    this.core = new CallbackNode(self, peers, config, host, rng, now);
  }

  get self(): number {
    return this.core.self;
  }
  get id(): Uint8Array {
    return this.core.id;
  }
  get table() {
    return this.core.table;
  }
  get records() {
    return this.core.records;
  }
  get up(): boolean {
    return this.core.up;
  }
  get recordCount(): number {
    return this.core.recordCount;
  }
  get pendingCount(): number {
    return this.core.pendingCount;
  }
  get joined(): boolean {
    return this.core.joined;
  }

  handle(from: number, msg: Message, now: number): void {
    this.core.handle(from, msg, now);
  }
  handleTimeout(now: number): void {
    this.core.tick(now);
  }
  join(b: number[], now: number, op = 0): void {
    this.core.join(b, now, (result) => this.events.push({ type: 'done', op, kind: 'join', result }));
  }
  findNode(t: Uint8Array, now: number, op = 0): void {
    this.core.findNode(t, now, (result) => this.events.push({ type: 'done', op, kind: 'find-node', result }));
  }
  get(k: Uint8Array, now: number, op = 0): void {
    this.core.get(k, now, (result) => this.events.push({ type: 'done', op, kind: 'get', result }));
  }
  put(k: Uint8Array, v: Uint8Array, now: number, op = 0, version?: number): void {
    this.core.put(k, v, now, (result) => this.events.push({ type: 'done', op, kind: 'put', result }), version);
  }
  ping(peer: number, now: number, op = 0): void {
    this.core.ping(peer, now, (alive, rttMs) => this.events.push({ type: 'done', op, kind: 'ping', result: { alive, rttMs } }));
  }
  stop(now: number): void {
    this.core.stop(now);
  }
  resume(): void {
    this.core.resume();
  }
  traceNextLookup(): void {
    this.core.traceNextLookup();
  }
  addContact(peer: number): void {
    this.core.table.observe(peer);
  }

  pollTransmit(): Message | null {
    if (this.outAt === this.out.length) {
      this.out.length = 0;
      this.outTo.length = 0;
      this.outAt = 0;
      return null;
    }
    this.transmitTo = this.outTo[this.outAt]!;
    return this.out[this.outAt++]!;
  }
  pollTimeout(): number {
    const w = this.wake;
    this.wake = Infinity;
    return w;
  }
  pollEvent(): NodeEvent | null {
    if (this.evAt === this.events.length) {
      this.events.length = 0;
      this.evAt = 0;
      return null;
    }
    return this.events[this.evAt++]!;
  }
}
export type { FindNodeResult, GetResult, JoinResult, PutResult, LookupCost, LookupStep, DropReason } from '../core/node.js';
