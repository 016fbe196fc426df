/**
 * A real Kademlia node on UDP: the sans-IO core (src/core) on the one host loop (src/host) over
 * a node:dgram socket, with the wire codec (src/wire) and an AddressBook that turns (ID,
 * address) pairs into the core's peer handles.
 *
 * One timer per node, re-armed to the earliest wake-up the core asks for (the host loop's one
 * queued wake-up per node). Every datagram that fails to decode, or anything thrown while
 * handling it, is counted by reason and dropped: the receive path never throws.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { KadConfig, resolveConfig } from '../core/config.js';
import { idToHex } from '../core/id.js';
import { keyFromString } from '../core/key.js';
import { Message, MessageType } from '../core/messages.js';
import { Random } from '../core/random.js';
import { RealClock } from '../host/clock.js';
import { HostLoop, type EventSink, type Outbox, type WakeQueue } from '../host/host-loop.js';
import { KadNode, type DoneEvent, type FindNodeResult, type GetResult, type JoinResult, type NodeEvent, type PutResult } from '../core/index.js';
import { Address, AddressBook, checkLimits, decodeMessage, encodeMessage, formatAddress, parseAddress } from '../wire/index.js';

export interface UdpNodeOptions {
  /** "host:port" or "[v6]:port" to listen on; port 0 picks a free one. */
  listen: string;
  /** The node's 20-byte ID; random when absent. */
  id?: Uint8Array;
  /** Seed of the node's random stream (RPC ids, refresh targets); random when absent. */
  seed?: number;
  config?: Partial<KadConfig>;
}

export interface Contact {
  id: string;
  address: string;
}

export interface UdpGetResult extends Omit<GetResult, 'value'> {
  value?: Uint8Array;
}

export interface UdpFindNodeResult extends Omit<FindNodeResult, 'closest'> {
  closest: Contact[];
}

/** Events a user can observe: 'drop' (reason), 'stored', 'timeout', 'lookup', 'cache-hit', 'hand-over' (a STORE sent to a newcomer). */
export interface UdpNodeEvents {
  drop: [reason: string];
  stored: [ev: Extract<NodeEvent, { type: 'stored' }>];
  timeout: [ev: Extract<NodeEvent, { type: 'timeout' }>];
  lookup: [ev: Extract<NodeEvent, { type: 'lookup' }>];
  'cache-hit': [ev: Extract<NodeEvent, { type: 'cache-hit' }>];
  'hand-over': [ev: Extract<NodeEvent, { type: 'hand-over' }>];
}

const utf8 = new TextEncoder();

function toBytes(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? utf8.encode(v) : v;
}

/** A user key: a string maps to SHA-1(string); 20 bytes are taken as the key itself. */
export function toKey(key: string | Uint8Array): Uint8Array {
  if (typeof key === 'string') return keyFromString(key);
  if (key.length !== 20) throw new RangeError(`a binary key is 20 bytes, got ${key.length}`);
  return key;
}

const clock = new RealClock();
const now = (): number => clock.now();

export class UdpNode extends EventEmitter<UdpNodeEvents> implements Outbox, WakeQueue, EventSink {
  readonly core: KadNode;
  private readonly loop: HostLoop;
  readonly book: AddressBook;
  readonly config: KadConfig;
  readonly drops = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private closed = false;
  /** PINGs sent to bare addresses (bootstrap) whose ID we do not know yet. */
  private readonly probes = new Map<number, (handle: number) => void>();
  private readonly rng: Random;
  /** Rejecters of operations in flight, so close() settles them instead of leaving them hanging. */
  private readonly inFlight = new Set<(err: Error) => void>();

  private constructor(
    private readonly socket: dgram.Socket,
    readonly address: Address,
    id: Uint8Array,
    config: KadConfig,
    seed: number,
  ) {
    super();
    this.config = config;
    this.rng = new Random(seed, 2);
    this.book = new AddressBook(id, address);
    this.core = new KadNode(0, this.book, config, new Random(seed, 1), now());
    this.loop = new HostLoop(1, this, this, this);
    this.loop.attach(0, this.core);
    socket.on('message', (buf, rinfo) => this.receive(buf, rinfo));
    socket.on('error', (err) => this.count(`socket-error:${(err as NodeJS.ErrnoException).code ?? 'unknown'}`));
  }

  /** Binds the socket and returns a running node (not yet joined). */
  static async create(opts: UdpNodeOptions): Promise<UdpNode> {
    const config = resolveConfig(opts.config);
    const wanted = parseAddress(opts.listen);
    if (wanted.kind === 'index') throw new Error(`listen address must be host:port, got "${opts.listen}"`);
    checkLimits({ k: config.k, maxValueBytes: config.maxValueBytes, addressKind: wanted.kind });
    const socket = dgram.createSocket(wanted.kind === 'ipv6' ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(wanted.port, wanted.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const bound = socket.address();
    const address: Address = { kind: wanted.kind, host: wanted.host, port: bound.port };
    const seed = opts.seed ?? (Math.random() * 2 ** 32) >>> 0;
    const id = opts.id ?? new Random(seed, 3).bytes(20);
    return new UdpNode(socket, address, id, config, seed);
  }

  get id(): Uint8Array {
    return this.book.idOf(0);
  }

  get addressText(): string {
    return formatAddress(this.address);
  }

  // ------------------------------------------------------------ user API

  /** Pings each bootstrap address to learn its ID, then joins through those that answered. */
  async join(bootstrap: string[], timeoutMs = 2000): Promise<JoinResult> {
    const handles = (await Promise.all(bootstrap.map((a) => this.probe(parseAddress(a), timeoutMs)))).filter((h) => h >= 0);
    if (handles.length === 0) {
      throw new Error(`join: no answer from ${bootstrap.join(', ')} within ${timeoutMs} ms`);
    }
    return this.op((done) => this.loop.join(0, handles, now(), done));
  }

  put(key: string | Uint8Array, value: string | Uint8Array): Promise<PutResult> {
    const k = toKey(key);
    const v = toBytes(value);
    if (v.length > this.config.maxValueBytes) {
      return Promise.reject(new RangeError(`value is ${v.length} bytes; the limit is ${this.config.maxValueBytes}`));
    }
    return this.op((done) => this.loop.put(0, k, v, now(), done));
  }

  get(key: string | Uint8Array): Promise<UdpGetResult> {
    const k = toKey(key);
    return this.op((done) => this.loop.get(0, k, now(), done));
  }

  async findNode(target: Uint8Array): Promise<UdpFindNodeResult> {
    if (target.length !== 20) throw new RangeError(`a target is 20 bytes, got ${target.length}`);
    const r = await this.op<FindNodeResult>((done) => this.loop.findNode(0, target, now(), done));
    return { ...r, closest: r.closest.map((h) => this.contactOf(h)) };
  }

  /** Pings a peer by address; resolves with its ID and the round-trip time, or null on timeout. */
  async ping(address: string, timeoutMs = 2000): Promise<{ id: string; rttMs: number } | null> {
    const start = now();
    const h = await this.probe(parseAddress(address), timeoutMs);
    return h < 0 ? null : { id: idToHex(this.book.idOf(h)), rttMs: now() - start };
  }

  contactOf(handle: number): Contact {
    return { id: idToHex(this.book.idOf(handle)), address: formatAddress(this.book.addressOf(handle)) };
  }

  /** A snapshot for the REPL's S command and for tests. */
  state(): { id: string; address: string; buckets: ReturnType<KadNode['table']['describeBuckets']>; contacts: number; records: number; drops: Record<string, number> } {
    return {
      id: idToHex(this.id),
      address: this.addressText,
      buckets: this.core.table.describeBuckets(),
      contacts: this.core.table.size,
      records: this.core.recordCount,
      drops: Object.fromEntries(this.drops),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.loop.stop(0, now());
    for (const reject of this.inFlight) reject(new Error('node closed while the operation was in flight'));
    this.inFlight.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  // ------------------------------------------------------------ the host loop's transport

  send(_node: KadNode, to: number, msg: Message): void {
    if (this.closed) return;
    const a = this.book.addressOf(to);
    this.sendTo(a, msg);
  }

  /** The loop asks only for an earlier wake-up than the one queued, so the timer is simply replaced. */
  schedule(_slot: number, at: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - now()));
    // A node waiting only on hour-long maintenance timers must not keep a CLI process alive on its own.
    this.timer.unref();
  }

  event(_node: KadNode, ev: Exclude<NodeEvent, DoneEvent>): void {
    if (ev.type === 'drop') return this.count(ev.reason);
    this.emit(ev.type, ev as never);
  }

  handlerError(_node: KadNode, err: unknown): void {
    this.count('handler-error');
    this.emit('drop', `handler-error: ${(err as Error).message}`);
  }

  // ------------------------------------------------------------ internals

  private fire(): void {
    const at = this.timerAt;
    this.timer = null;
    this.timerAt = Infinity;
    this.loop.wake(0, at, Math.max(at, now()));
  }

  private receive(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.closed) return;
    const d = decodeMessage(buf, this.book, { maxDatagramBytes: 1400, maxValueBytes: this.config.maxValueBytes, maxContacts: 64 });
    if (!d.ok) return this.count(d.reason);
    if (d.droppedContacts > 0) this.count('dropped-contacts', d.droppedContacts);
    const from: Address = { kind: rinfo.family === 'IPv6' ? 'ipv6' : 'ipv4', host: rinfo.address, port: rinfo.port };
    const handle = this.book.handleFor(d.senderId, from);
    if (handle < 0) return this.count('address-book-full');
    const msg = d.message;
    if (msg.type === MessageType.Pong) {
      const probe = this.probes.get(msg.rpc);
      if (probe) {
        this.probes.delete(msg.rpc);
        probe(handle);
        return;
      }
    }
    this.loop.deliver(0, handle, msg, now());
  }

  private sendTo(a: Address, msg: Message): void {
    if (a.kind === 'index') return;
    let bytes: Uint8Array;
    try {
      bytes = encodeMessage(this.id, msg, this.book);
    } catch (err) {
      this.count('encode-error');
      return;
    }
    this.socket.send(bytes, a.port, a.host, (err) => {
      if (err) this.count(`send-error:${(err as NodeJS.ErrnoException).code ?? 'unknown'}`);
    });
  }

  private probe(a: Address, timeoutMs: number): Promise<number> {
    return new Promise((resolve) => {
      let rpc = this.rng.nextU32();
      while (this.probes.has(rpc)) rpc = this.rng.nextU32();
      const t = setTimeout(() => {
        this.probes.delete(rpc);
        resolve(-1);
      }, timeoutMs);
      this.probes.set(rpc, (h) => {
        clearTimeout(t);
        resolve(h);
      });
      this.sendTo(a, { type: MessageType.Ping, rpc });
    });
  }

  private op<T>(start: (done: (r: T) => void) => void): Promise<T> {
    if (this.closed) return Promise.reject(new Error('node is closed'));
    return new Promise<T>((resolve, reject) => {
      this.inFlight.add(reject);
      try {
        start((r) => {
          this.inFlight.delete(reject);
          resolve(r);
        });
      } catch (err) {
        this.inFlight.delete(reject);
        reject(err);
      }
    });
  }

  private count(reason: string, n = 1): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + n);
    this.emit('drop', reason);
  }
}
