/**
 * Everything a polled core has to hand out right now: the messages it wants sent (with their
 * destination handles) and its events, in order. For tests that drive one KadNode by hand.
 */
import type { KadNode, Message, NodeEvent } from '../../src/core/index.js';

export function drain(node: KadNode): { sent: Array<{ to: number; msg: Message }>; events: NodeEvent[] } {
  const sent: Array<{ to: number; msg: Message }> = [];
  for (let m = node.pollTransmit(); m !== null; m = node.pollTransmit()) sent.push({ to: node.transmitTo, msg: m });
  const events: NodeEvent[] = [];
  for (let e = node.pollEvent(); e !== null; e = node.pollEvent()) events.push(e);
  return { sent, events };
}
