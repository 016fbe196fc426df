/**
 * A real Kademlia node on UDP: what a user calls. UdpHost (udp-host.ts) is the node's side
 * facing the socket and the host loop; this class adds creating and binding a node and the user
 * API: join (bootstrap addresses probed first, bootstrap-probe.ts), put / putSigned (signing in
 * signed-puts.ts), get, findNode, sources, keyword search (keywords.ts), ping, state().
 *
 * The receive path is in udp-receive.ts: decode without interning anything; a request's sender
 * is then interned (the bounded address book may reclaim an unreferenced peer's slot for it); a
 * reply is first matched against the core's pending requests by the sender's existing handle,
 * and only a matched reply gets its contacts interned. Each datagram ends in exactly one outcome
 * (datagram-accounts.ts): received === handled + Σ drops.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { UDP_DEFAULTS, resolveConfig } from '../core/config.js';
import { idToHex } from '../core/id.js';
import { Random } from '../core/random.js';
import { sourceRefusal } from '../core/sources.js';
import type { AddSourceResult, FindNodeResult, FindSourcesResult, JoinResult, PutResult } from '../core/index.js';
import { Address, checkLimits, DEFAULT_ADDRESS_BOOK_CAPACITY, parseAddress } from '../wire/index.js';
import { MAX_SIGNED_VALUE_BYTES } from '../wire/limits.js';
import type { Probed } from './bootstrap-probe.js';
import type { SigningKeyPair } from './ed25519.js';
import { publishFile, search, type PublishResult, type SearchResult } from './keywords.js';
import { resolveRateLimit } from './rate-limit.js';
import { SignedPuts, refusedIfNone, type PreparedSigned, type UdpPutSignedResult } from './signed-puts.js';
import { toBytes, toKey, type UdpFindNodeResult, type UdpGetResult, type UdpNodeOptions, type UdpNodeState } from './udp-api.js';
import { UdpHost, now } from './udp-host.js';

export { StoreRefusedError, type UdpPutSignedResult } from './signed-puts.js';
export { toKey, type Contact, type UdpFindNodeResult, type UdpGetResult, type UdpNodeEvents, type UdpNodeOptions, type UdpNodeState } from './udp-api.js';
export type { SigningKeyPair };

export class UdpNode extends UdpHost {
  private readonly signing = new SignedPuts();

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

  // ------------------------------------------------------------ user API

  /** Pings each bootstrap address to learn its ID, then joins through those that answered. */
  async join(bootstrap: string[], timeoutMs = 2000): Promise<JoinResult> {
    const found = (await Promise.all(bootstrap.map((a) => this.probes.probe(parseAddress(a), timeoutMs)))).filter((p): p is Probed => p !== null);
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
    const p = await this.probes.probe(parseAddress(address), timeoutMs);
    return p === null ? null : { id: idToHex(p.id), rttMs: now() - start };
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
}
