/**
 * Property-based fuzzing of the decoder (fast-check): whatever the bytes — arbitrary, a valid
 * message cut short, bit-flipped, type-confused, with a lying length or trailing bytes — decode
 * never throws and answers ok or one known reason; what it accepts is a well-formed message
 * (it encodes again, and that decodes to the same message); and a valid message comes back as
 * it was sent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { parseAddress } from '../../src/wire/address.js';
import { AddressBook } from '../../src/wire/address-book.js';
import { decodeMessage, decodeStaged, type DropReason } from '../../src/wire/decode.js';
import { encodeMessage } from '../../src/wire/encode.js';
import { message, mutated, pool } from '../../fuzz/hostile.js';

const REASONS: ReadonlySet<DropReason> = new Set(['too-large', 'truncated', 'trailing-bytes', 'malformed', 'unknown-type', 'bad-field', 'value-too-large', 'bad-contact', 'too-many-contacts']);
const sender = new Random(4).bytes(20);
const limits = { maxDatagramBytes: 1400, maxValueBytes: 1024, maxContacts: 64 };

function anyBytes(): fc.Arbitrary<Uint8Array> {
  return fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated([sender]));
}

describe('decoder fuzz', () => {
  it('never throws, and every result is ok or one known reason; what it accepts encodes and decodes again to itself (30,000 cases)', () => {
    const reader = new AddressBook(new Random(5).bytes(20), parseAddress('127.0.0.1:1'), 8192);
    let accepted = 0;
    fc.assert(
      fc.property(anyBytes(), (bytes) => {
        reader.beginBatch();
        const d = decodeMessage(bytes, reader, limits);
        if (!d.ok) {
          expect(REASONS.has(d.reason)).toBe(true);
          return;
        }
        accepted++;
        // Not byte for byte (msgpack has several encodings of one number): message for message.
        const again = decodeMessage(encodeMessage(d.senderId, d.message, reader), reader, { ...limits, maxDatagramBytes: 4096 });
        if (!again.ok) throw new Error(`an accepted message did not survive a second trip: ${again.reason}`);
        expect(again.message).toEqual(d.message);
      }),
      { numRuns: 30_000, seed: 11 },
    );
    expect(accepted).toBeGreaterThan(100); // the mutations leave some messages valid: both paths ran
  });

  it('a valid message comes back as it was sent, and a NODES list stays staged, unresolved (20,000 cases)', () => {
    fc.assert(
      fc.property(message(), (msg) => {
        const bytes = encodeMessage(sender, msg, pool);
        const staged = decodeStaged(bytes, { ...limits, maxDatagramBytes: 4096, maxValueBytes: 2048 });
        if (!staged.ok) throw new Error(`a valid message of type ${msg.type} was dropped as ${staged.reason}`);
        if (!Buffer.from(staged.senderId).equals(Buffer.from(sender))) throw new Error('sender ID changed');
        if (msg.type !== MessageType.Nodes) {
          // Our encoding is canonical: the decoded message encodes to the very same bytes.
          if (!Buffer.from(encodeMessage(staged.senderId, staged.message, pool)).equals(Buffer.from(bytes))) throw new Error(`type ${msg.type} did not come back as sent`);
          if (staged.contactList !== null) throw new Error('only NODES stages contacts');
          return;
        }
        expect(staged.contactCount).toBe(msg.contacts.length);
        expect(staged.message).toMatchObject({ type: MessageType.Nodes, rpc: msg.rpc, contacts: new Uint32Array(0) });
      }),
      { numRuns: 20_000, seed: 12 },
    );
  });
});
