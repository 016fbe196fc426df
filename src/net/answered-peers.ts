/**
 * Which peers answered a request this node sent them: a reply from handle h carrying the rpc
 * id of the request last sent to h proves that h receives at its address (a spoofed source
 * cannot see our rpc ids). The rate limiter counts such peers as verified. Dense per-handle
 * arrays, grown by doubling with the address book (5 bytes a handle).
 */
export class AnsweredPeers {
  private answered = new Uint8Array(64);
  private asked = new Uint8Array(64);
  private askedRpc = new Uint32Array(64);

  /** A request with `rpc` went to `handle`. */
  noteRequest(handle: number, rpc: number): void {
    if (handle >= this.asked.length) this.grow(handle);
    this.asked[handle] = 1;
    this.askedRpc[handle] = rpc;
  }

  /** A reply with `rpc` came from `handle`: answered when it matches the request last sent there. */
  noteReply(handle: number, rpc: number): void {
    if (handle < this.asked.length && this.asked[handle] === 1 && this.askedRpc[handle] === rpc >>> 0) this.answered[handle] = 1;
  }

  has(handle: number): boolean {
    return handle < this.answered.length && this.answered[handle] === 1;
  }

  private grow(handle: number): void {
    let n = this.asked.length;
    while (n <= handle) n *= 2;
    const asked = new Uint8Array(n);
    asked.set(this.asked);
    const answered = new Uint8Array(n);
    answered.set(this.answered);
    const rpcs = new Uint32Array(n);
    rpcs.set(this.askedRpc);
    this.asked = asked;
    this.answered = answered;
    this.askedRpc = rpcs;
  }
}
