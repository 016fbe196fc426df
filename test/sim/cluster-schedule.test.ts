/**
 * The cluster's schedule: the heap's same-instant order by (causing node, that node's counter),
 * the real-time FIFO merged with it by time, and what take() reports for each kind of event
 * (checked against the order the events were meant to run in, written out by hand).
 */
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/core/messages.js';
import { ClusterSchedule, Due } from '../../src/sim/cluster-schedule.js';
import { DueFifo } from '../../src/sim/due-fifo.js';

const msg = (rpc: number): Message => ({ type: 0, rpc }) as unknown as Message;

function drain(s: ClusterSchedule, end = Infinity): string[] {
  const out: string[] = [];
  for (let due = s.take(end, true); due !== Due.None; due = s.take(end, true)) {
    if (due === Due.Message) out.push(`${s.t}:msg ${s.from}->${s.to} #${s.message!.rpc}`);
    else if (due === Due.Wake) out.push(`${s.t}:wake ${s.to}`);
    else {
      s.action!();
      out.push(`${s.t}:action`);
    }
  }
  return out;
}

describe('ClusterSchedule', () => {
  it('runs same-instant events by causing node, then by that node’s counter, whatever the push order', () => {
    const s = new ClusterSchedule(8);
    const seq5a = s.nextSeq(5);
    const seq5b = s.nextSeq(5);
    const seq2 = s.nextSeq(2);
    s.pushMessage(10, 5, 1, msg(52), seq5b, false);
    s.pushMessage(10, 5, 1, msg(51), seq5a, false);
    s.pushMessage(10, 2, 3, msg(21), seq2, false);
    s.pushWake(10, 1, 1); // node 1's first event: before node 2's and node 5's
    s.pushMessage(4, 7, 0, msg(71), s.nextSeq(7), false);
    expect(drain(s)).toEqual(['4:msg 7->0 #71', '10:wake 1', '10:msg 2->3 #21', '10:msg 5->1 #51', '10:msg 5->1 #52']);
  });

  it('merges the due-now FIFO with the heap by time and stops at the end given', () => {
    const s = new ClusterSchedule(4);
    s.pushMessage(3, 0, 1, msg(1), 0, true);
    s.pushMessage(7, 1, 0, msg(2), 0, true);
    s.pushWake(5, 2, 2);
    let ran = 0;
    s.pushAction(6, -1, -1, () => ran++);
    expect(drain(s, 6)).toEqual(['3:msg 0->1 #1', '5:wake 2', '6:action']);
    expect(ran).toBe(1);
    expect(s.nextTime()).toBe(7);
    expect(drain(s)).toEqual(['7:msg 1->0 #2']);
    expect(s.nextTime()).toBe(Infinity);
    expect(s.take(Infinity, true)).toBe(Due.None); // empty: nothing is due even at an inclusive end of Infinity
  });

  it('an end that is not inclusive leaves the events at that time', () => {
    const s = new ClusterSchedule(1);
    s.pushWake(5, 0, 0);
    expect(s.take(5, false)).toBe(Due.None);
    expect(s.take(5, true)).toBe(Due.Wake);
  });
});

describe('DueFifo', () => {
  it('keeps insertion order and both ends of every message across growth and wrap-around', () => {
    const f = new DueFifo();
    const got: number[] = [];
    let pushed = 0;
    // Push three, take two, repeatedly: the ring wraps and grows several times while non-empty.
    for (let round = 0; round < 2000; round++) {
      for (let j = 0; j < 3; j++, pushed++) f.push(pushed, pushed, pushed + 1, msg(pushed));
      for (let j = 0; j < 2; j++) {
        const m = f.shift();
        expect(f.shiftedFrom).toBe(m.rpc);
        expect(f.shiftedTo).toBe(m.rpc + 1);
        got.push(m.rpc);
      }
    }
    while (f.size > 0) got.push(f.shift().rpc);
    expect(got).toEqual(Array.from({ length: pushed }, (_, i) => i));
    expect(f.peekTime()).toBe(Infinity);
  });
});
