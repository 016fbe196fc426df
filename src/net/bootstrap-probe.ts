/**
 * Bootstrap probes: PINGs sent to bare addresses (join's bootstrap list, the REPL's ping) whose
 * peer ID we do not know yet. Each waits by rpc for a PONG from the address it asked; that PONG
 * settles it with the peer it names (a Probed, interned by the caller only when it is used), a
 * timeout settles it with null.
 *
 * Only a PONG from the address asked is taken here: any other PONG with a probe's rpc goes on
 * down the receive path and is matched like any reply (so dropped as unmatched).
 */
import type { Random } from '../core/random.js';
import { formatAddress, type Address } from '../wire/index.js';

/** A peer as a probe's PONG named it: interned only when it is used. */
export interface Probed {
  id: Uint8Array;
  address: Address;
}

export class BootstrapProbes {
  /** Probes waiting, by rpc: the address asked and who waits. */
  private readonly probes = new Map<number, { address: string; settle: (peer: Probed) => void }>();

  constructor(
    private readonly rng: Random,
    /** Sends the probe's PING to the bare address. */
    private readonly sendPing: (a: Address, rpc: number) => void,
  ) {}

  /** PINGs a bare address; resolves with the peer its PONG names, or null after `timeoutMs`. */
  probe(a: Address, timeoutMs: number): Promise<Probed | null> {
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
      this.sendPing(a, rpc);
    });
  }

  /**
   * A PONG with `rpc` from `from` naming `senderId`: true when it answers a probe from the
   * address that probe asked (the probe is then settled), false when the reply is not ours.
   */
  settle(rpc: number, from: Address, senderId: Uint8Array): boolean {
    const probe = this.probes.get(rpc);
    if (!probe || probe.address !== formatAddress(from)) return false;
    this.probes.delete(rpc);
    probe.settle({ id: senderId, address: from });
    return true;
  }
}
