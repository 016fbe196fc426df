/**
 * A request from a peer whose address is not verified (see address-check.ts): answered within
 * the amplification budget, with one paced verification PING, and kept out of the routing
 * table. The verification PING is paid for from the same budget, before the reply is sized.
 */
import type { AddressCheck } from './address-check.js';
import { answer } from './answers.js';
import { MessageType, type Request } from './messages.js';
import type { NodeState } from './node-state.js';
import { Purpose, request } from './rpc-table.js';
import { PING_BYTES_MAX, PONG_BYTES_MAX, requestBytesMin } from './wire-sizes.js';

/** `bytes`: the datagram's size as received (a requester may pad it); < 0 when the host does not say. */
export function answerUnverified(s: NodeState, check: AddressCheck, from: number, msg: Request, now: number, bytes: number): void {
  let budget = check.factor * (bytes >= 0 ? bytes : requestBytesMin(msg));
  // Probe only when the smallest reply still fits beside the PING.
  const probe = budget - PING_BYTES_MAX >= PONG_BYTES_MAX && check.startProbe(from, now);
  if (probe) budget -= PING_BYTES_MAX;
  answer(s, from, msg, now, budget);
  check.answeredRequest(from);
  if (probe) request(s, from, { type: MessageType.Ping, rpc: 0 }, Purpose.Verify, now, null, null);
}
