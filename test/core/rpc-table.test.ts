/**
 * The request table's bookkeeping (slots in the thread's pool, a list per node in the order
 * sent) against a plain model kept beside it: a Map in insertion order, as the table was before
 * the slots. Random opens, replies (right, from the wrong peer, of the wrong type, unknown),
 * expiries with handlers that open requests of their own, and a final takeAll: the ids drawn
 * (clashes forced by a tiny id range), the replies matched, the drops, the visits in order, the
 * timer and what refers to a peer must agree with the model at every step, and every slot taken
 * must come back to the pool.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import type { NodeEvent } from '../../src/core/events.js';
import type { Lookup } from '../../src/core/lookup.js';
import { MessageType, type Reply, type Request } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { SLOTS } from '../../src/core/request-slots.js';
import type { RoutingTable } from '../../src/core/routing-table.js';
import { Purpose, RequestTable, type LookupRef, type Pending, type Waiter } from '../../src/core/rpc-table.js';
import { TimerKind } from '../../src/core/timers.js';

/** Draws ids from 0..7 only, so clashes with pending ids happen and must be redrawn; counts draws. */
class TinyIds {
  draws: number[] = [];
  constructor(private readonly r: Random) {}
  nextU32(): number {
    const v = this.r.nextU32() & 7;
    this.draws.push(v);
    return v;
  }
}

interface Entry {
  rpc: number;
  peer: number;
  request: MessageType;
  sentAt: number;
  deadline: number;
  purpose: Purpose;
  run: LookupRef | null;
  waiter: Waiter | null;
  late: boolean;
}

const REQUESTS = [MessageType.Ping, MessageType.Store, MessageType.FindNode, MessageType.FindValue];
const REPLY_FOR: Record<number, MessageType> = {
  [MessageType.Ping]: MessageType.Pong,
  [MessageType.Store]: MessageType.StoreAck,
  [MessageType.FindNode]: MessageType.Nodes,
  [MessageType.FindValue]: MessageType.Value,
};

/** A run whose lookup holds `peers` as candidates while not finished. */
function runOf(peers: number[], finished: boolean): LookupRef {
  return { lookup: { finished, indexOf: (p: number) => peers.indexOf(p) } as unknown as Lookup };
}

function drops(t: RequestTable): string[] {
  const out: string[] = [];
  for (let e: NodeEvent | null = t.pollEvent(); e !== null; e = t.pollEvent()) if (e.type === 'drop') out.push(e.reason);
  return out;
}

function view(p: Pending): Entry {
  return { rpc: p.rpc, peer: p.peer, request: p.request, sentAt: p.sentAt, deadline: p.deadline, purpose: p.purpose, run: p.run, waiter: p.waiter, late: p.late };
}

describe('the request table', () => {
  it('agrees with a Map model through random opens, replies, expiries and a final takeAll', () => {
    const config = resolveConfig({});
    const usedBefore = SLOTS.used;
    for (let seed = 1; seed <= 30; seed++) {
      const r = new Random(seed, 7);
      const ids = new TinyIds(new Random(seed, 8));
      const table = new RequestTable({ rtoOf: () => -1 } as unknown as RoutingTable, config, ids as unknown as Random);
      const model = new Map<number, Entry>();
      let now = 0;
      const waiter: Waiter = { settle: () => {} };

      const open = (t: number): void => {
        if (model.size >= 8) return; // the id range is full
        const purpose = r.int(5) as Purpose;
        const type = purpose === Purpose.Lookup ? REQUESTS[2 + r.int(2)]! : REQUESTS[r.int(2)]!;
        const run = purpose === Purpose.Lookup ? runOf([r.int(20)], r.int(4) === 0) : null;
        const w = purpose === Purpose.Store || purpose === Purpose.UserPing ? waiter : null;
        const drawsBefore = ids.draws.length;
        const msg = { type, rpc: -1 } as Request;
        const peer = r.int(20);
        const deadline = table.openRequest(peer, msg, purpose, t, run, w, 1 + r.int(3));
        // The id is the first draw not pending, and every clash cost exactly one more draw.
        const drawn = ids.draws.slice(drawsBefore);
        expect(drawn.slice(0, -1).every((d) => model.has(d))).toBe(true);
        expect(model.has(msg.rpc)).toBe(false);
        expect(msg.rpc).toBe(drawn[drawn.length - 1]);
        expect(deadline).toBeGreaterThan(t);
        expect(table.pollTransmit()).toBe(msg);
        expect(table.transmitTo).toBe(peer);
        model.set(msg.rpc, { rpc: msg.rpc, peer, request: type, sentAt: t, deadline, purpose, run, waiter: w, late: false });
      };

      for (let step = 0; step < 400; step++) {
        now += r.int(300);
        const timerBefore = table.timer(TimerKind.Rpc);
        const what = r.int(10);
        if (what < 4) open(now);
        else if (what < 8) {
          // A reply: to a pending request (right, wrong peer, wrong type) or to none.
          const all = [...model.values()];
          const e = all.length > 0 && r.int(5) > 0 ? all[r.int(all.length)]! : null;
          const rpc = e ? e.rpc : 8 + r.int(8);
          const twist = r.int(4);
          const from = e && twist === 1 ? (e.peer + 1) % 20 : (e?.peer ?? 0);
          const type = e ? (twist === 2 ? (REPLY_FOR[e.request] === MessageType.Pong ? MessageType.Nodes : MessageType.Pong) : REPLY_FOR[e.request]!) : MessageType.Pong;
          const reason = !e || twist === 1 ? 'unmatched-reply' : twist === 2 ? 'wrong-reply-type' : null;
          expect(table.matchReply(from, type, rpc)).toBe(reason);
          const p = table.answered(from, { type, rpc } as Reply, now);
          if (reason) {
            expect(p).toBeNull();
            expect(drops(table)).toEqual([reason]);
          } else {
            expect(view(p!)).toEqual(e);
            model.delete(rpc);
            expect(drops(table)).toEqual(e!.late ? ['late-reply'] : []);
          }
        } else {
          // An expiry: the model says what is visited (due, not late, in the order sent) and what
          // stays; it applies each due entry's change as the table reaches it (a handler's request
          // may reuse an id only once the table has let it go).
          const due = [...model.values()].filter((e) => e.deadline <= now);
          const expected = due.filter((e) => !e.late).map((e) => ({ ...e }));
          let applied = 0;
          const applyUpTo = (rpc: number | null): void => {
            while (applied < due.length) {
              const e = due[applied++]!;
              if (e.late || e.purpose !== Purpose.Lookup) model.delete(e.rpc);
              else {
                e.late = true;
                e.deadline = now + config.maxTimeoutMs;
              }
              if (e.rpc === rpc) break;
            }
          };
          const visited: Entry[] = [];
          table.expireRequests(now, {
            onRequestTimeout(p, t) {
              visited.push(view(p));
              applyUpTo(p.rpc);
              expect(table.pendingCount).toBe(model.size);
              if (p.purpose === Purpose.Lookup) table.markLate(p, t);
              if (r.int(2) === 0) open(t); // a handler sends a request of its own
            },
          });
          applyUpTo(null);
          expect(visited).toEqual(expected);
        }
        expect(table.pendingCount).toBe(model.size);
        const min = Math.min(...[...model.values()].map((e) => e.deadline));
        if (what >= 8 && timerBefore <= now) expect(table.timer(TimerKind.Rpc)).toBe(min); // exact after an expiry that scanned
        else expect(table.timer(TimerKind.Rpc)).toBeLessThanOrEqual(min); // never later
        const peer = r.int(20);
        const refers = [...model.values()].some((e) => e.peer === peer || (e.run !== null && !e.run.lookup.finished && e.run.lookup.indexOf(peer) >= 0));
        expect(table.refersTo(peer)).toBe(refers);
      }
      expect(table.takeAllRequests().map(view)).toEqual([...model.values()]);
      expect(table.pendingCount).toBe(0);
      expect(table.timer(TimerKind.Rpc)).toBe(Infinity);
    }
    expect(SLOTS.used).toBe(usedBefore); // every slot came back
  });

  it('keeps two tables apart in the shared pool', () => {
    const config = resolveConfig({});
    const stub = { rtoOf: () => -1 } as unknown as RoutingTable;
    const a = new RequestTable(stub, config, new Random(1));
    const b = new RequestTable(stub, config, new Random(1)); // the same ids, on purpose
    const ma = { type: MessageType.Ping, rpc: 0 } as Request;
    const mb = { type: MessageType.Ping, rpc: 0 } as Request;
    a.openRequest(5, ma, Purpose.UserPing, 0, null, null);
    b.openRequest(6, mb, Purpose.UserPing, 0, null, null);
    expect(ma.rpc).toBe(mb.rpc);
    expect(a.matchReply(6, MessageType.Pong, mb.rpc)).toBe('unmatched-reply');
    expect(b.answered(6, { type: MessageType.Pong, rpc: mb.rpc }, 10)?.peer).toBe(6);
    expect(b.pendingCount).toBe(0);
    expect(a.pendingCount).toBe(1);
    expect(a.answered(5, { type: MessageType.Pong, rpc: ma.rpc }, 10)?.peer).toBe(5);
  });
});
