/**
 * The output queues share drained arrays between the thread's nodes (outbox.ts): whatever the
 * order of sends and polls across nodes, each node must return exactly its own messages and
 * events, in the order it queued them — checked against a plain list per node.
 */
import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '../../src/core/events.js';
import { MessageType, type Message } from '../../src/core/messages.js';
import { Outbox } from '../../src/core/outbox.js';
import { Random } from '../../src/core/random.js';

describe('the outbox', () => {
  it('gives each node its own messages and events in order while they pass arrays around', () => {
    const r = new Random(3);
    const boxes = [new Outbox(), new Outbox(), new Outbox()];
    const sent: Array<Array<{ to: number; msg: Message }>> = [[], [], []];
    const evs: NodeEvent[][] = [[], [], []];
    let serial = 0;
    for (let step = 0; step < 5000; step++) {
      const n = r.int(3);
      const box = boxes[n]!;
      const what = r.int(4);
      if (what === 0) {
        const msg: Message = { type: MessageType.Pong, rpc: serial++ };
        const to = r.int(100);
        box.send(to, msg);
        sent[n]!.push({ to, msg });
      } else if (what === 1) {
        const ev: NodeEvent = { type: 'timeout', peer: serial++, request: MessageType.Ping };
        box.event(ev);
        evs[n]!.push(ev);
      } else if (what === 2) {
        // Drain some or all of node n's messages.
        for (let k = r.int(4); k >= 0; k--) {
          const m = box.pollTransmit();
          const want = sent[n]!.shift();
          if (!want) {
            expect(m).toBeNull();
            expect(box.transmitTo).toBe(-1); // a drained queue went back with its last destination
            break;
          }
          expect(m).toBe(want.msg);
          expect(box.transmitTo).toBe(want.to);
        }
      } else {
        for (let k = r.int(4); k >= 0; k--) {
          const e = box.pollEvent();
          const want = evs[n]!.shift() ?? null;
          expect(e).toBe(want);
          if (!want) break;
        }
      }
    }
    for (let n = 0; n < 3; n++) {
      for (const want of sent[n]!) expect(boxes[n]!.pollTransmit()).toBe(want.msg);
      expect(boxes[n]!.pollTransmit()).toBeNull();
      for (const want of evs[n]!) expect(boxes[n]!.pollEvent()).toBe(want);
      expect(boxes[n]!.pollEvent()).toBeNull();
    }
  });
});
