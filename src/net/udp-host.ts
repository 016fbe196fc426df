/**
 * UdpHost: the side of a UDP node that faces the socket and the host loop. It wires the core
 * (src/core) onto the one host loop (src/host) over a node:dgram socket, with an AddressBook
 * that turns (ID, address) pairs into the core's peer handles, and is the loop's transport:
 * send (padding a first FIND_NODE / FIND_VALUE to a peer that may not know us yet), schedule,
 * events. UdpNode (udp-node.ts) adds the user API on top.
 *
 * Wake-ups: the host loop queues one per node and may take back the one it superseded last
 * without asking again (HostLoop.lateAt), so both stay armed (see schedule). `ingest` is the
 * receive path's entry (the work is in
 * udp-receive.ts): it never throws, and ends each datagram in exactly one outcome
 * (datagram-accounts.ts): received === handled + Σ drops. Operations in flight are settled by
 * close() instead of being left hanging.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { KadConfig } from '../core/config.js';
import { idToHex } from '../core/id.js';
import { KadNode, type DoneEvent, type NodeEvent } from '../core/index.js';
import { Message, MessageType } from '../core/messages.js';
import { Random } from '../core/random.js';
import { RealClock } from '../host/clock.js';
import { HostLoop, type EventSink, type Outbox, type WakeQueue } from '../host/host-loop.js';
import { Address, AddressBook, CONTACT_BYTES, encodeMessage, formatAddress, padDatagram, paddedRequestBytes } from '../wire/index.js';
import { BootstrapProbes } from './bootstrap-probe.js';
import { CryptoRandom } from './crypto-random.js';
import { DatagramAccounts } from './datagram-accounts.js';
import { ed25519Verifier } from './ed25519.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import type { Contact, UdpNodeEvents } from './udp-api.js';
import { UdpReceiver } from './udp-receive.js';

const clock = new RealClock();
/** Wall-clock milliseconds, as the core and the host loop are fed them. */
export const now = (): number => clock.now();

export class UdpHost extends EventEmitter<UdpNodeEvents> implements Outbox, WakeQueue, EventSink {
  readonly core: KadNode;
  protected readonly loop: HostLoop;
  readonly book: AddressBook;
  readonly config: KadConfig;
  /** Exact accounts of every datagram received (see state()). */
  readonly accounts: DatagramAccounts;
  /** Datagrams dropped, by reason (the accounts' datagram outcomes). */
  readonly drops: Map<string, number>;
  /** The timer of the wake-up the loop asked for last (the earliest it has queued). */
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  /** The timer of the wake-up that one superseded: the loop may reuse it instead of asking again. */
  private lateTimer: NodeJS.Timeout | null = null;
  private lateTimerAt = Infinity;
  private readonly fireCurrent = (): void => this.fire(false);
  private readonly fireLate = (): void => this.fire(true);
  private closed = false;
  /** Request rate limits (null when turned off). */
  readonly limiter: RateLimiter | null;
  /** PINGs sent to bare addresses (bootstrap) whose ID we do not know yet. */
  protected readonly probes: BootstrapProbes;
  private readonly receiver: UdpReceiver;
  /** Sizes a first FIND_NODE / FIND_VALUE is padded to (wire/padding.ts). */
  private readonly padFindNode: number;
  private readonly padFindValue: number;
  /** Rejecters of operations in flight, so close() settles them instead of leaving them hanging. */
  private readonly inFlight = new Set<(err: Error) => void>();

  protected constructor(
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
    this.limiter = rateLimit === false ? null : new RateLimiter(rateLimit);
    this.accounts = new DatagramAccounts((reason, scope, n) => this.emit('drop', reason, scope, n));
    this.drops = this.accounts.drops;
    const limits = { maxDatagramBytes: 1400, maxValueBytes: Math.max(config.maxValueBytes, config.maxSourceValueBytes), maxContacts: 64 };
    const rng = seed === undefined ? new CryptoRandom() : new Random(seed, 2);
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
    this.probes = new BootstrapProbes(rng, (a, rpc) => this.sendTo(a, { type: MessageType.Ping, rpc }));
    const { accounts, book, core, loop, limiter, probes } = this;
    const isVerified = (h: number): boolean => this.isVerified(h);
    this.receiver = new UdpReceiver({ accounts, limits, book, core, loop, limiter, probes, loopbackPerPort, isVerified, now });
    socket.on('message', (buf, rinfo) => this.ingest(buf, { kind: rinfo.family === 'IPv6' ? 'ipv6' : 'ipv4', host: rinfo.address, port: rinfo.port }));
    socket.on('error', (err) => this.accounts.inner(`socket-error:${(err as NodeJS.ErrnoException).code ?? 'unknown'}`));
  }

  get id(): Uint8Array {
    return this.book.idOf(0);
  }

  get addressText(): string {
    return formatAddress(this.address);
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.loop.stop(0, now());
    for (const reject of this.inFlight) reject(new Error('node closed while the operation was in flight'));
    this.inFlight.clear();
    if (this.timer) clearTimeout(this.timer);
    if (this.lateTimer) clearTimeout(this.lateTimer);
    this.timer = this.lateTimer = null;
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

  /**
   * The loop asks only for an earlier wake-up than the one queued, but it keeps the superseded one
   * in mind (HostLoop.lateAt): when the node later asks for that time again, the loop reuses it
   * instead of calling here. So the superseded timer must stay armed, or the node never wakes
   * again (its deadline passes, every later one is later still, and the loop asks for none: a
   * request to a peer that never answers then never times out). The loop remembers only the last
   * one superseded, so the timer before it is cancelled: its wake-up would do nothing.
   */
  schedule(_slot: number, at: number): void {
    if (this.closed) return;
    const t = now();
    if (this.timer) {
      // The current timer's callback fires it as current: it is re-armed as the late one.
      clearTimeout(this.timer);
      if (this.lateTimer) clearTimeout(this.lateTimer);
      this.lateTimerAt = this.timerAt;
      this.lateTimer = setTimeout(this.fireLate, Math.max(0, this.lateTimerAt - t));
      this.lateTimer.unref();
    }
    this.timerAt = at;
    this.timer = setTimeout(this.fireCurrent, Math.max(0, at - t));
    // A node waiting only on hour-long maintenance timers must not keep a CLI process alive on its own.
    this.timer.unref();
  }

  /** When the node wakes next (the earliest timer armed; Infinity: none): never later than the core's next deadline. */
  get nextWakeAt(): number {
    return Math.min(this.timer ? this.timerAt : Infinity, this.lateTimer ? this.lateTimerAt : Infinity);
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
      this.receiver.handle(bytes, from);
    } catch {
      accounts.drop('handler-error');
    }
    accounts.end();
  }

  // ------------------------------------------------------------ internals

  private fire(late: boolean): void {
    let at: number;
    if (late) {
      at = this.lateTimerAt;
      this.lateTimer = null;
      this.lateTimerAt = Infinity;
    } else {
      at = this.timerAt;
      this.timer = null;
      this.timerAt = Infinity;
    }
    this.loop.wake(0, at, Math.max(at, now()));
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

  /** Runs an operation on the host loop; close() rejects it if it is still in flight. */
  protected op<T>(start: (done: (r: T) => void) => void): Promise<T> {
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
