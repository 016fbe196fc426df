/**
 * A real Kademlia node on UDP: the sans-IO core (src/core) on the one host loop (src/host) over
 * a node:dgram socket, with the wire codec (src/wire) and an AddressBook that turns (ID,
 * address) pairs into the core's peer handles.
 *
 * One timer per node, re-armed to the earliest wake-up the core asks for (the host loop's one
 * queued wake-up per node). Every datagram that fails to decode, or anything thrown while
 * handling it, is counted by reason and dropped: the receive path never throws.
 *
 * The receive path (`ingest`): decode without interning anything; a request's sender is then
 * interned (the bounded address book may reclaim an unreferenced peer's slot for it); a reply is
 * first matched against the core's pending requests by the sender's existing handle, and only a
 * matched reply gets its contacts interned. Each datagram ends in exactly one outcome
 * (datagram-accounts.ts): received === handled + Σ drops.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { KadConfig, UDP_DEFAULTS, resolveConfig } from '../core/config.js';
import { idToHex } from '../core/id.js';
import { keyFromString } from '../core/key.js';
import { Message, MessageType, isRequest } from '../core/messages.js';
import { Random } from '../core/random.js';
import { sourceRefusal } from '../core/sources.js';
import { RealClock } from '../host/clock.js';
import { HostLoop, type EventSink, type Outbox, type WakeQueue } from '../host/host-loop.js';
import {
  KadNode,
  type AddSourceResult,
  type DoneEvent,
  type FindNodeResult,
  type FindSourcesResult,
  type GetResult,
  type JoinResult,
  type NodeEvent,
  type PutResult,
} from '../core/index.js';
import { publishFile, search, type PublishResult, type SearchResult } from './keywords.js';
import {
  Address,
  AddressBook,
  CONTACT_BYTES,
  checkLimits,
  decodeStaged,
  DEFAULT_ADDRESS_BOOK_CAPACITY,
  encodeMessage,
  formatAddress,
  ipGroups,
  padDatagram,
  paddedRequestBytes,
  paddingLength,
  parseAddress,
  resolveContacts,
  type DecodeLimits,
} from '../wire/index.js';
import { CryptoRandom } from './crypto-random.js';
import { RateLimiter, resolveRateLimit, type RateLimitOptions } from './rate-limit.js';
import { DatagramAccounts, type AccountsSnapshot, type DropScope } from './datagram-accounts.js';
import { MAX_SIGNED_VALUE_BYTES } from '../wire/limits.js';
import { ed25519Verifier, type SigningKeyPair } from './ed25519.js';
import { SignedPuts, refusedIfNone, type PreparedSigned, type UdpPutSignedResult } from './signed-puts.js';

export { StoreRefusedError, type UdpPutSignedResult } from './signed-puts.js';

export interface UdpNodeOptions {
  /** "host:port" or "[v6]:port" to listen on; port 0 picks a free one. */
  listen: string;
  /** The node's 20-byte ID; from node:crypto when absent (derived from `seed` when one is given). */
  id?: Uint8Array;
  /**
   * Seed of the node's random streams (RPC ids, refresh targets, write-token secrets) and,
   * without `id`, of its ID: reproducible, hence predictable — for tests. Absent, every draw comes
   * from node:crypto, so RPC ids and token secrets cannot be guessed.
   */
  seed?: number;
  /**
   * Protocol settings over the UDP defaults (UDP_DEFAULTS: address validation, IP-diversity limits
   * and write tokens on).
   */
  config?: Partial<KadConfig>;
  /** Loopback (127.0.0.0/8, ::1) counts as one IP per port for the diversity limits, so local swarms work (default true). */
  loopbackPerPort?: boolean;
  /**
   * Token buckets for the requests this node answers (rate-limit.ts: requests per second per
   * source and in all, with a share kept for verified contacts); on by default with OpenDHT's
   * figures, `false` turns them off. A request over the limit is dropped as 'rate-limited'.
   */
  rateLimit?: Partial<RateLimitOptions> | false;
  /** Peers the address book holds at most (default 65,536); unreferenced ones are reclaimed LRU. */
  addressBookCapacity?: number;
}

export interface Contact {
  id: string;
  address: string;
}

/** What state() reports: the table, the records, the address book and the exact datagram accounts. */
export interface UdpNodeState extends AccountsSnapshot {
  id: string;
  address: string;
  buckets: ReturnType<KadNode['table']['describeBuckets']>;
  contacts: number;
  records: number;
  addressBook: { size: number; capacity: number; reclaimed: number; refused: number };
}

/** A peer as a probe's PONG named it: interned only when it is used. */
interface Probed {
  id: Uint8Array;
  address: Address;
}

export interface UdpGetResult extends Omit<GetResult, 'value'> {
  value?: Uint8Array;
}

export type { SigningKeyPair };

export interface UdpFindNodeResult extends Omit<FindNodeResult, 'closest'> {
  closest: Contact[];
}

/**
 * Events a user can observe: 'drop' (reason, scope, count: a datagram's outcome, something
 * refused inside or outside one, or dropped contacts; see datagram-accounts.ts), 'stored',
 * 'timeout', 'lookup', 'cache-hit', 'hand-over' (a STORE sent to a newcomer).
 */
export interface UdpNodeEvents {
  drop: [reason: string, scope: DropScope, count: number];
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
  /** Exact accounts of every datagram received (see state()). */
  readonly accounts: DatagramAccounts;
  /** Datagrams dropped, by reason (the accounts' datagram outcomes). */
  readonly drops: Map<string, number>;
  private readonly limits: DecodeLimits;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private closed = false;
  /** Request rate limits (null when turned off). */
  readonly limiter: RateLimiter | null;
  /** PINGs sent to bare addresses (bootstrap) whose ID we do not know yet, by rpc: the address asked and who waits. */
  private readonly probes = new Map<number, { address: string; settle: (peer: Probed) => void }>();
  private readonly loopbackPerPort: boolean;
  private readonly groups = new Uint32Array(2);
  /** Sizes a first FIND_NODE / FIND_VALUE is padded to (wire/padding.ts). */
  private readonly padFindNode: number;
  private readonly padFindValue: number;
  private readonly rng: Random;
  /** Rejecters of operations in flight, so close() settles them instead of leaving them hanging. */
  private readonly inFlight = new Set<(err: Error) => void>();
  private readonly signing = new SignedPuts();

  private constructor(
    private readonly socket: dgram.Socket,
    readonly address: Address,
    id: Uint8Array,
    config: KadConfig,
    seed: number | undefined,
    bookCapacity: number,
    loopbackPerPort: boolean,
    rateLimit: Partial<RateLimitOptions> | false,
  ) {
    super();
    this.config = config;
    this.loopbackPerPort = loopbackPerPort;
    this.limiter = rateLimit === false ? null : new RateLimiter(rateLimit);
    this.accounts = new DatagramAccounts((reason, scope, n) => this.emit('drop', reason, scope, n));
    this.drops = this.accounts.drops;
    this.limits = { maxDatagramBytes: 1400, maxValueBytes: Math.max(config.maxValueBytes, config.maxSourceValueBytes), maxContacts: 64 };
    this.rng = seed === undefined ? new CryptoRandom() : new Random(seed, 2);
    this.book = new AddressBook(id, address, bookCapacity);
    this.book.repeatsIds = true; // handles are (ID, address) pairs: two addresses may claim one ID
    const contactBytes = CONTACT_BYTES[address.kind];
    this.padFindNode = paddedRequestBytes(config.k, contactBytes, config.amplificationFactor);
    this.padFindValue = paddedRequestBytes(config.k, contactBytes, config.amplificationFactor, config.maxValueBytes);
    const sizes = { contactBytes: (h: number) => CONTACT_BYTES[this.book.addressOf(h).kind] };
    this.core = new KadNode(0, this.book, config, seed === undefined ? new CryptoRandom() : new Random(seed, 1), now(), sizes);
    this.book.referee = this.core;
    this.core.verifier = ed25519Verifier;
    this.loop = new HostLoop(1, this, this, this);
    this.loop.attach(0, this.core);
    socket.on('message', (buf, rinfo) => this.ingest(buf, { kind: rinfo.family === 'IPv6' ? 'ipv6' : 'ipv4', host: rinfo.address, port: rinfo.port }));
    socket.on('error', (err) => this.accounts.inner(`socket-error:${(err as NodeJS.ErrnoException).code ?? 'unknown'}`));
  }

  /** Binds the socket and returns a running node (not yet joined). */
  static async create(opts: UdpNodeOptions): Promise<UdpNode> {
    const config = resolveConfig({ ...UDP_DEFAULTS, ...opts.config });
    // Refuses bad rate-limit settings before a socket is bound.
    const rateLimit = opts.rateLimit === false ? false : resolveRateLimit(opts.rateLimit);
    const wanted = parseAddress(opts.listen);
    if (wanted.kind === 'index') throw new Error(`listen address must be host:port, got "${opts.listen}"`);
    checkLimits({
      k: config.k,
      maxValueBytes: config.maxValueBytes,
      addressKind: wanted.kind,
      maxSourceValueBytes: config.maxSourceValueBytes,
      sourceReplyBytes: config.sourceReplyBytes,
    });
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
    const seed = opts.seed;
    const id = opts.id ?? (seed === undefined ? new Uint8Array(randomBytes(20)) : new Random(seed, 3).bytes(20));
    const capacity = opts.addressBookCapacity ?? DEFAULT_ADDRESS_BOOK_CAPACITY;
    return new UdpNode(socket, address, id, config, seed, capacity, opts.loopbackPerPort ?? true, rateLimit);
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
    const found = (await Promise.all(bootstrap.map((a) => this.probe(parseAddress(a), timeoutMs)))).filter((p): p is Probed => p !== null);
    if (found.length === 0) {
      throw new Error(`join: no answer from ${bootstrap.join(', ')} within ${timeoutMs} ms`);
    }
    return this.op((done) => {
      // Interned here, right before the core takes them into its table: no datagram can come
      // between, so none of these handles can be reclaimed before the core refers to them.
      this.book.beginBatch();
      const handles = found.map((p) => this.book.handleFor(p.id, p.address)).filter((h) => h >= 0);
      // Each answered our PING from the address we asked: verified.
      for (const h of handles) this.core.addressVerified(h);
      this.loop.join(0, handles, now(), done);
    });
  }

  put(key: string | Uint8Array, value: string | Uint8Array): Promise<PutResult> {
    const k = toKey(key);
    const v = toBytes(value);
    if (v.length > this.config.maxValueBytes) {
      return Promise.reject(new RangeError(`value is ${v.length} bytes; the limit is ${this.config.maxValueBytes}`));
    }
    return this.op<PutResult>((done) => this.loop.put(0, k, v, now(), done)).then(refusedIfNone);
  }

  /**
   * Stores a signed, mutable record (BEP 44) under SHA-1(public key ‖ salt): only a record
   * signed with the same key and a higher seq replaces it anywhere. `seq` defaults to the
   * greater of the last seq this node signed for the key + 1 and the wall clock in ms, so it
   * grows across restarts. Values are at most 1,000 bytes (BEP 44), the salt at most 64.
   */
  putSigned(keys: SigningKeyPair, salt: string | Uint8Array | undefined, value: string | Uint8Array, seq?: number): Promise<UdpPutSignedResult> {
    const v = toBytes(value);
    let p: PreparedSigned;
    try {
      p = this.signing.prepare(keys, toBytes(salt ?? new Uint8Array(0)), v, seq, Math.min(MAX_SIGNED_VALUE_BYTES, this.config.maxValueBytes));
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.op<PutResult>((done) => this.loop.putSigned(0, p.key, v, p.seq, p.signed, now(), done))
      .then(refusedIfNone)
      .then((r) => ({ ...r, key: p.key, keyHex: idToHex(p.key), seq: p.seq }));
  }

  /** This node's own signing key pair (made on first use; the REPL's IS command signs with it). */
  get signingKeys(): SigningKeyPair {
    return this.signing.ownKeys;
  }

  get(key: string | Uint8Array): Promise<UdpGetResult> {
    const k = toKey(key);
    return this.op((done) => this.loop.get(0, k, now(), done));
  }

  async findNode(target: Uint8Array): Promise<UdpFindNodeResult> {
    if (target.length !== 20) throw new RangeError(`a target is 20 bytes, got ${target.length}`);
    // Handles become contacts in the callback, while the book still maps them to these peers.
    return this.op<UdpFindNodeResult>((done) => this.loop.findNode(0, target, now(), (r: FindNodeResult) => done({ ...r, closest: r.closest.map((h) => this.contactOf(h)) })));
  }

  /**
   * Adds a value to the sources set under key (many values per key, one per publisher and value),
   * republished by this node. Rejects when the value is too large, or when every node that
   * answered refused it (a per-key cap: the message names both).
   */
  async addSource(key: string | Uint8Array, value: string | Uint8Array): Promise<AddSourceResult> {
    const k = toKey(key);
    const v = toBytes(value);
    if (v.length > this.config.maxSourceValueBytes) {
      throw new RangeError(`source value is ${v.length} bytes; the limit is maxSourceValueBytes = ${this.config.maxSourceValueBytes}`);
    }
    const r = await this.op<AddSourceResult>((done) => this.loop.addSource(0, k, v, now(), done));
    if (r.stored === 0 && r.refused > 0) throw new Error(`addSource: ${sourceRefusal(r.refused, this.config)}`);
    return r;
  }

  /** Every value under key that the k closest nodes hold (all pages of each), with how many nodes contributed. */
  findSources(key: string | Uint8Array): Promise<FindSourcesResult> {
    const k = toKey(key);
    return this.op((done) => this.loop.findSources(0, k, now(), done));
  }

  /** Keyword search (keywords.ts): stores (name, hash) under each word of the name. */
  publishFile(name: string, hash: string): Promise<PublishResult> {
    return publishFile(this, name, hash);
  }

  /** Keyword search: the files whose names have every word. */
  search(words: string | string[]): Promise<SearchResult> {
    return search(this, words);
  }

  /** Pings a peer by address; resolves with its ID and the round-trip time, or null on timeout. */
  async ping(address: string, timeoutMs = 2000): Promise<{ id: string; rttMs: number } | null> {
    const start = now();
    const p = await this.probe(parseAddress(address), timeoutMs);
    return p === null ? null : { id: idToHex(p.id), rttMs: now() - start };
  }

  /**
   * Whether the peer behind `handle` counts as verified for the rate limiter's reserved share:
   * with address validation on (the UDP default), it answered one of our RPCs at that address;
   * with it off, it is in the routing table.
   */
  isVerified(handle: number): boolean {
    if (handle < 0) return false;
    return this.config.verifyAddresses ? this.core.isVerified(handle) : this.core.table.has(handle);
  }

  contactOf(handle: number): Contact {
    return { id: idToHex(this.book.idOf(handle)), address: formatAddress(this.book.addressOf(handle)) };
  }

  /** A snapshot for the REPL's S command and for tests: received === handled + Σ drops. */
  state(): UdpNodeState {
    const b = this.book;
    return {
      id: idToHex(this.id),
      address: this.addressText,
      buckets: this.core.table.describeBuckets(),
      contacts: this.core.table.size,
      records: this.core.recordCount,
      addressBook: { size: b.size, capacity: b.capacity, reclaimed: b.reclaimed, refused: b.refused },
      ...this.accounts.snapshot(),
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
    // A peer that does not know us yet answers within 3× what we send: pad so the whole reply fits.
    let pad = 0;
    if ((msg.type === MessageType.FindNode || msg.type === MessageType.FindValue) && !this.core.hasAnswered(to)) {
      pad = msg.type === MessageType.FindNode ? this.padFindNode : this.padFindValue;
    }
    this.sendTo(a, msg, pad);
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
    if (ev.type === 'drop') return this.accounts.fromCore(ev.reason);
    this.emit(ev.type, ev as never);
  }

  handlerError(_node: KadNode, _err: unknown): void {
    this.accounts.drop('handler-error');
  }

  /**
   * The receive path: what the socket's 'message' event calls with the datagram and its source
   * (the fuzzer feeds it directly). Never throws; ends the datagram in exactly one outcome.
   */
  ingest(bytes: Uint8Array, from: Address): void {
    if (this.closed) return;
    const accounts = this.accounts;
    accounts.begin();
    try {
      this.handleDatagram(bytes, from);
    } catch {
      accounts.drop('handler-error');
    }
    accounts.end();
  }

  // ------------------------------------------------------------ internals

  private fire(): void {
    const at = this.timerAt;
    this.timer = null;
    this.timerAt = Infinity;
    this.loop.wake(0, at, Math.max(at, now()));
  }

  private handleDatagram(bytes: Uint8Array, from: Address): void {
    const accounts = this.accounts;
    // Leading zero bytes are padding (wire/padding.ts): they count toward the size, not the message.
    if (bytes.length > this.limits.maxDatagramBytes) return accounts.drop('too-large');
    const pad = paddingLength(bytes);
    const d = decodeStaged(pad === 0 ? bytes : bytes.subarray(pad), this.limits);
    if (!d.ok) return accounts.drop(d.reason);
    const book = this.book;
    // Our own ID from another address: a spoofer or a loop, never a peer of ours.
    if (book.hasId(0, d.senderId)) return accounts.drop('from-self');
    const msg = d.message;
    let handle: number;
    book.beginBatch();
    if (isRequest(msg)) {
      // Limited before interning: a flood over its budget costs no address-book slot.
      if (this.limiter !== null && !this.limiter.admit(from, this.isVerified(book.find(d.senderId, from)), now())) return accounts.drop('rate-limited');
      handle = book.handleFor(d.senderId, from);
      if (handle < 0) return accounts.drop('address-book-full');
    } else {
      if (msg.type === MessageType.Pong) {
        const probe = this.probes.get(msg.rpc);
        // Only from the address asked: any other PONG with that rpc is matched like any reply (and dropped as unmatched).
        if (probe && probe.address === formatAddress(from)) {
          this.probes.delete(msg.rpc);
          probe.settle({ id: d.senderId, address: from });
          return;
        }
      }
      // Nothing a reply carries is interned before it is matched to a request we sent: the peer
      // we asked has a handle already, so a reply from a pair the book does not hold answers nothing.
      handle = book.find(d.senderId, from);
      const refusal = handle < 0 ? 'unmatched-reply' : this.core.matchReply(handle, msg.type, msg.rpc);
      if (refusal !== null) return accounts.drop(refusal);
      book.touch(handle);
      if (d.contactList) {
        resolveContacts(d, book);
        accounts.contacts(d.droppedContacts);
      }
    }
    ipGroups(from, this.loopbackPerPort, this.groups);
    book.setGroup(handle, this.groups[0]!, this.groups[1]!);
    this.loop.deliver(0, handle, msg, now(), bytes.length);
  }

  private sendTo(a: Address, msg: Message, pad = 0): void {
    if (a.kind === 'index') return;
    let bytes: Uint8Array;
    try {
      bytes = encodeMessage(this.id, msg, this.book);
      if (pad > bytes.length) bytes = padDatagram(bytes, pad);
    } catch (err) {
      this.accounts.inner('encode-error');
      return;
    }
    this.socket.send(bytes, a.port, a.host, (err) => {
      if (err) this.accounts.inner(`send-error:${(err as NodeJS.ErrnoException).code ?? 'unknown'}`);
    });
  }

  /** PINGs a bare address; resolves with the peer its PONG names (interned by the caller when used), or null. */
  private probe(a: Address, timeoutMs: number): Promise<Probed | null> {
    return new Promise((resolve) => {
      let rpc = this.rng.nextU32();
      while (this.probes.has(rpc)) rpc = this.rng.nextU32();
      const t = setTimeout(() => {
        this.probes.delete(rpc);
        resolve(null);
      }, timeoutMs);
      this.probes.set(rpc, {
        address: formatAddress(a),
        settle: (p) => {
          clearTimeout(t);
          resolve(p);
        },
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
}
