/**
 * Address validation before trust, as QUIC does it (RFC 9000 §8) and BitTorrent's tokens do
 * for STORE: a peer handle is an (ID, address) pair the host resolved from a datagram's source,
 * which anyone can forge. Until that address has answered one of our RPCs (our rpc id, sent
 * to it, came back from it) it is *unverified*:
 *
 *   - its requests are answered, but it does not enter the routing table;
 *   - everything we send it in answer to a request (the reply, and the verification PING)
 *     stays within `amplificationFactor` × the bytes of that request, so a spoofed source
 *     cannot turn the node into a reflector;
 *   - it gets one verification PING, at most one outstanding per peer and at most
 *     `verifyPingsPerSecond` across the node, so a flood of spoofed sources cannot aim a
 *     stream of PINGs either. Its PONG (matched by the request table: same handle, our rpc)
 *     verifies it, and the node then takes it into the table.
 *
 * Any reply matched to a request we sent verifies its sender the same way.
 *
 * Density: one byte of flags per handle in one Uint8Array that grows with the highest handle
 * seen, and a token bucket. The object exists only when `verifyAddresses` is on (UDP; the
 * swarm keeps its message flow). A host that reuses a handle for another peer calls forget.
 */
import type { ContactSizes } from './wire-sizes.js';

const VERIFIED = 1;
/** A verification PING to this peer is out. */
const PROBING = 2;
/** We answered a request of this peer: it has (most likely) verified our address in turn. */
const ANSWERED = 4;

export class AddressCheck {
  private flags = new Uint8Array(64);
  private tokens: number;
  private refilledAt = 0;

  constructor(
    readonly factor: number,
    /** Verification PINGs per second, and the burst. */
    private readonly rate: number,
    readonly sizes: ContactSizes,
  ) {
    this.tokens = rate;
  }

  isVerified(handle: number): boolean {
    return handle < this.flags.length && (this.flags[handle]! & VERIFIED) !== 0;
  }

  /** True once we answered a request from `handle` (the host pads first requests to others). */
  hasAnswered(handle: number): boolean {
    return handle < this.flags.length && (this.flags[handle]! & ANSWERED) !== 0;
  }

  /** Its address answered our rpc: trusted from now on. */
  verify(handle: number): void {
    this.ensure(handle);
    this.flags[handle] = (this.flags[handle]! | VERIFIED) & ~PROBING;
  }

  answeredRequest(handle: number): void {
    this.ensure(handle);
    this.flags[handle] = this.flags[handle]! | ANSWERED;
  }

  /**
   * True when a verification PING may go to `handle` now: none is out to it and the node-wide
   * pace has a token (taken here). The caller sends it and reports its end with probeEnded.
   */
  startProbe(handle: number, now: number): boolean {
    this.ensure(handle);
    const f = this.flags[handle]!;
    if (f & (PROBING | VERIFIED)) return false;
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.rate, this.tokens + (elapsed * this.rate) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    this.flags[handle] = f | PROBING;
    return true;
  }

  /** The verification PING timed out, or the node stopped: a later request may try again. */
  probeEnded(handle: number): void {
    if (handle < this.flags.length) this.flags[handle] = this.flags[handle]! & ~PROBING;
  }

  /** The host gave `handle` to another peer (a reclaimed address-book slot): nothing carries over. */
  forget(handle: number): void {
    if (handle < this.flags.length) this.flags[handle] = 0;
  }

  private ensure(handle: number): void {
    if (handle < this.flags.length) return;
    let size = this.flags.length;
    while (size <= handle) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.flags);
    this.flags = grown;
  }
}
