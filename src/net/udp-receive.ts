/**
 * The UDP receive path: one datagram from the socket (or the fuzzer) to the core, or to exactly
 * one counted drop (datagram-accounts.ts). UdpNode.ingest opens and closes the datagram's
 * accounts around `handle`, and catches what it throws.
 *
 * In order: size limit; leading padding stripped (wire/padding.ts); staged decode, which interns
 * nothing; our own ID from another address dropped. A request is rate-limited before its sender
 * is interned (a flood over its budget costs no address-book slot), then interned (the bounded
 * book may reclaim an unreferenced peer's slot). A reply is first offered to the bootstrap probes
 * (a PONG from the address a probe asked), then matched against the core's pending requests by
 * the sender's existing handle; only a matched reply gets its contacts interned. Last, the
 * sender's IP groups are set and the message goes to the core.
 */
import type { KadNode } from '../core/index.js';
import { MessageType, isRequest } from '../core/messages.js';
import type { HostLoop } from '../host/host-loop.js';
import { decodeStaged, ipGroups, paddingLength, resolveContacts, type Address, type AddressBook, type DecodeLimits } from '../wire/index.js';
import type { BootstrapProbes } from './bootstrap-probe.js';
import type { DatagramAccounts } from './datagram-accounts.js';
import type { RateLimiter } from './rate-limit.js';

/** What the receive path reads and feeds: the node's parts, shared with UdpNode. */
export interface ReceiveParts {
  accounts: DatagramAccounts;
  limits: DecodeLimits;
  book: AddressBook;
  core: KadNode;
  loop: HostLoop;
  /** Request rate limits (null when turned off). */
  limiter: RateLimiter | null;
  probes: BootstrapProbes;
  /** Loopback counts as one IP per port for the diversity limits. */
  loopbackPerPort: boolean;
  /** Whether a handle counts as verified for the limiter's reserved share (UdpNode.isVerified). */
  isVerified: (handle: number) => boolean;
  now: () => number;
}

export class UdpReceiver {
  private readonly groups = new Uint32Array(2);

  constructor(private readonly p: ReceiveParts) {}

  /** One datagram from `from`: delivered to the core or dropped with a reason. May throw (the caller counts it). */
  handle(bytes: Uint8Array, from: Address): void {
    const { accounts, limits, book, core, limiter, now } = this.p;
    // Leading zero bytes are padding (wire/padding.ts): they count toward the size, not the message.
    if (bytes.length > limits.maxDatagramBytes) return accounts.drop('too-large');
    const pad = paddingLength(bytes);
    const d = decodeStaged(pad === 0 ? bytes : bytes.subarray(pad), limits);
    if (!d.ok) return accounts.drop(d.reason);
    // Our own ID from another address: a spoofer or a loop, never a peer of ours.
    if (book.hasId(0, d.senderId)) return accounts.drop('from-self');
    const msg = d.message;
    let handle: number;
    book.beginBatch();
    if (isRequest(msg)) {
      // Limited before interning: a flood over its budget costs no address-book slot.
      if (limiter !== null && !limiter.admit(from, this.p.isVerified(book.find(d.senderId, from)), now())) return accounts.drop('rate-limited');
      handle = book.handleFor(d.senderId, from);
      if (handle < 0) return accounts.drop('address-book-full');
    } else {
      // Only from the address asked: any other PONG with that rpc is matched like any reply (and dropped as unmatched).
      if (msg.type === MessageType.Pong && this.p.probes.settle(msg.rpc, from, d.senderId)) return;
      // Nothing a reply carries is interned before it is matched to a request we sent: the peer
      // we asked has a handle already, so a reply from a pair the book does not hold answers nothing.
      handle = book.find(d.senderId, from);
      const refusal = handle < 0 ? 'unmatched-reply' : core.matchReply(handle, msg.type, msg.rpc);
      if (refusal !== null) return accounts.drop(refusal);
      book.touch(handle);
      if (d.contactList) {
        resolveContacts(d, book);
        accounts.contacts(d.droppedContacts);
      }
    }
    ipGroups(from, this.p.loopbackPerPort, this.groups);
    book.setGroup(handle, this.groups[0]!, this.groups[1]!);
    this.p.loop.deliver(0, handle, msg, now(), bytes.length);
  }
}
