/**
 * Issue 11, problem 1: floods that used to fill the UDP address book for good (65,536 handles,
 * never reused), after which no honest node could join through the victim. Over real UDP on
 * 127.0.0.0/8: the flood, then a fresh node joins through the victim and stores a value, and
 * another fresh node reads it back.
 *
 * The PING floods run against a 2,048-peer book with 2,500 sources or IDs: the same point (the
 * flood is larger than the book) in a fraction of the time; each also runs once at the real
 * default capacity (65,536) with the numbers: 70,000 sources, 65,536 IDs. The 1,320
 * unsolicited NODES datagrams run at the default capacity (nothing may enter the book at all).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UdpNode } from '../../src/net/udp-node.js';
import { DEFAULT_ADDRESS_BOOK_CAPACITY } from '../../src/wire/address-book.js';
import { distinctSourcePings, expectExactAccounts, honestRoundTrip, oneSocketManyIds, unsolicitedNodes } from './flood.js';

const SMALL = 2048;
const FLOOD = 2500;

describe('the address book cannot be filled for good', () => {
  let victim: UdpNode | null = null;
  afterEach(async () => {
    await victim?.close();
    victim = null;
  });

  // The rate limiter is off: these floods are aimed at the address book itself (the limiter, tested on its own in udp-rate-limit.test.ts, would hold most of them back before they reach it).
  async function start(capacity?: number): Promise<UdpNode> {
    victim = await UdpNode.create({ listen: '127.0.0.1:0', seed: 11, rateLimit: false, ...(capacity ? { addressBookCapacity: capacity } : {}) });
    return victim;
  }

  it(`after ${FLOOD} distinct-source PINGs (book of ${SMALL}), an honest node joins, stores and is read back`, async () => {
    const v = await start(SMALL);
    await distinctSourcePings(v, FLOOD);
    const s = v.state();
    expect(s.received).toBeGreaterThan(SMALL); // more strangers than the book holds arrived
    expect(s.addressBook.size).toBe(SMALL);
    expect(s.addressBook.reclaimed).toBeGreaterThanOrEqual(s.received - SMALL);
    expect(s.drops['address-book-full']).toBeUndefined();
    await honestRoundTrip(v, 'after-pings');
    expectExactAccounts(v);
  });

  it('after 1,320 unsolicited NODES datagrams of 50 fresh contacts each (66,000 contacts, default book), nothing entered the book', async () => {
    const v = await start();
    const before = v.state();
    await unsolicitedNodes(v, 1320);
    const s = v.state();
    const arrived = s.received - before.received;
    expect(arrived).toBeGreaterThan(1200);
    expect(s.drops['unmatched-reply']).toBe(arrived); // each one dropped, once, under one reason
    expect(s.addressBook.size).toBe(before.addressBook.size); // not one of the contacts was interned
    expect(s.handled).toBe(before.handled);
    await honestRoundTrip(v, 'after-nodes');
    expectExactAccounts(v);
  });

  it(`after one socket presents ${FLOOD} IDs (book of ${SMALL}), an honest node joins, stores and is read back`, async () => {
    const v = await start(SMALL);
    await oneSocketManyIds(v, FLOOD);
    const s = v.state();
    expect(s.received).toBeGreaterThan(SMALL);
    expect(s.addressBook.size).toBe(SMALL);
    await honestRoundTrip(v, 'after-ids');
    expectExactAccounts(v);
  });

  it('at the real default capacity: after one socket presents 65,536 IDs, an honest node joins, stores and is read back', async () => {
    const v = await start();
    await oneSocketManyIds(v, 65_536);
    const s = v.state();
    expect(s.received).toBeGreaterThan(60_000);
    expect(s.addressBook.size).toBeLessThanOrEqual(DEFAULT_ADDRESS_BOOK_CAPACITY);
    expect(s.drops['address-book-full']).toBeUndefined();
    await honestRoundTrip(v, 'after-65536-ids');
    expectExactAccounts(v);
  }, 180_000);

  it('at the real default capacity: after 70,000 distinct-source PINGs an honest node joins, stores and is read back', async () => {
    const v = await start();
    expect(v.book.capacity).toBe(DEFAULT_ADDRESS_BOOK_CAPACITY);
    await distinctSourcePings(v, 70_000);
    const s = v.state();
    expect(s.received).toBeGreaterThan(DEFAULT_ADDRESS_BOOK_CAPACITY);
    expect(s.addressBook.size).toBe(DEFAULT_ADDRESS_BOOK_CAPACITY);
    expect(s.drops['address-book-full']).toBeUndefined();
    await honestRoundTrip(v, 'after-70000-pings');
    expectExactAccounts(v);
  }, 180_000);
});
