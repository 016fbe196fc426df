/**
 * The poisoner's VALUE: a forged value for a target key, under a version above any honest
 * publisher's, so a getter that prefers the newest version prefers the forgery. The bytes name
 * the key's first byte, so two target keys get different forgeries.
 */
import { MessageType, type Value } from '../core/messages.js';

/** Above any version the workload publishes (unsigned puts use 0; signed ones count up from 1). */
export const FORGED_VERSION = 1_000_000;

const FORGED = new TextEncoder().encode('forged-by-adversary-');

export function forgedValue(rpc: number, key: Uint8Array): Value {
  const value = new Uint8Array(FORGED.length + 2);
  value.set(FORGED);
  value[FORGED.length] = key[0]!;
  value[FORGED.length + 1] = key[1]!;
  return { type: MessageType.Value, rpc, value, version: FORGED_VERSION, ttl: 3_600_000 };
}
