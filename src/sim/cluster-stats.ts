/**
 * What a cluster counts: messages sent by type, every message's one outcome (handled or refused
 * for a reason), drops by reason, and the file workload's reply sizes and hot-key load. The
 * cluster decides what happened; this class only keeps the books, so the accounts can be read
 * (reports, the gateway) without reaching into the dispatch code.
 */
import { MESSAGE_TYPE_NAMES } from '../core/messages.js';

export class ClusterStats {
  readonly sent = new Float64Array(MESSAGE_TYPE_NAMES.length);
  /** Every drop by reason: a message's outcome, or something refused inside a handled one. */
  readonly drops = new Map<string, number>();
  /**
   * Exact accounts of the messages that reached this cluster (as UdpNode keeps them per
   * datagram): each ends in one outcome, handled or one of `refusals`, unless it still waits in
   * the queue, so received === handled + Σ refusals + queued at any time.
   */
  received = 0;
  handled = 0;
  readonly refusals = new Map<string, number>();
  /** Messages decoded and queued, not yet delivered. */
  queued = 0;
  localMessages = 0;
  delivered = 0;
  cacheHits = 0;
  /** STOREs sent to newcomers by hand-over (counted in sent[] too, as STOREs). */
  handOvers = 0;
  handlerErrors = 0;
  /** SOURCES replies sent and their encoded bytes (the file workload's bytes per reply). */
  sourcesReplies = 0;
  sourcesReplyBytes = 0;
  sourcesReplyMaxBytes = 0;
  /** FIND_SOURCES delivered per local slot (hot-key load); grown on the first one. */
  findSourcesReceived = new Uint32Array(0);

  /** Something dropped for `reason` (a message's outcome, or a refusal inside a handled one). */
  count(reason: string, n = 1): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + n);
  }

  /** A message's one outcome when it is not handled (counted in `drops` too). */
  refuse(reason: string): void {
    this.count(reason);
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
  }

  sourcesReply(bytes: number): void {
    this.sourcesReplies++;
    this.sourcesReplyBytes += bytes;
    if (bytes > this.sourcesReplyMaxBytes) this.sourcesReplyMaxBytes = bytes;
  }

  /** A FIND_SOURCES reached local slot `slot` of a cluster with `slots` slots. */
  findSources(slot: number, slots: number): void {
    if (slot >= this.findSourcesReceived.length) {
      const grown = new Uint32Array(Math.max(slot + 1, slots));
      grown.set(this.findSourcesReceived);
      this.findSourcesReceived = grown;
    }
    this.findSourcesReceived[slot]!++;
  }
}
