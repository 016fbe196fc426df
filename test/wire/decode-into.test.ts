/** decodeInto (the swarm's path: one reusable result) gives what decodeMessage gives. */
import { describe, expect, it } from 'vitest';
import { MessageType } from '../../src/core/messages.js';
import { decodeInto, decodeMessage, DecodeScratch } from '../../src/wire/decode.js';
import { encodeMessage } from '../../src/wire/encode.js';
import { handles, indexContacts, sampleMessages, senderId, signedSamples } from './fixtures.js';

describe('decodeInto', () => {
  const contacts = indexContacts(50); // knows nodes 0 … 49: a NODES reply naming 40 … 59 drops 10
  const out = new DecodeScratch();

  it('fills one scratch result with the message decodeMessage returns, contacts resolved and dropped ones counted', () => {
    for (const m of [...sampleMessages(handles(40, 20)), ...signedSamples()]) {
      const bytes = encodeMessage(senderId, m, indexContacts(100));
      const d = decodeMessage(bytes, contacts);
      if (!d.ok) throw new Error(`sample of type ${m.type} refused: ${d.reason}`);
      expect(decodeInto(bytes, out, contacts)).toBeNull();
      expect(out.message).toEqual(d.message);
      expect(out.senderId).toEqual(senderId);
      expect(out.droppedContacts).toBe(d.droppedContacts);
      if (m.type === MessageType.Nodes) expect(out.droppedContacts).toBe(10);
    }
  });

  it('rewrites the sender on every decode, and answers a refusal with its reason and no message', () => {
    const other = new Uint8Array(20).fill(7);
    const ping = encodeMessage(other, { type: MessageType.Ping, rpc: 1 }, contacts);
    expect(decodeInto(ping, out, contacts)).toBeNull();
    expect(out.senderId).toEqual(other);
    expect(decodeInto(ping.subarray(0, ping.length - 1), out, contacts)).toBe('truncated');
    expect(out.message).toBeNull();
    expect(decodeInto(Uint8Array.from([...ping, 0]), out, contacts)).toBe('trailing-bytes');
  });

  it('without copySender leaves senderId alone and points senderAt at the ID inside the bytes given (a range of a larger area too)', () => {
    const noCopy = new DecodeScratch(false);
    const other = new Uint8Array(20).fill(9);
    const frame = encodeMessage(other, { type: MessageType.FindNode, rpc: 5, target: new Uint8Array(20).fill(3) }, contacts);
    const area = new Uint8Array(300);
    area.set(frame, 100);
    expect(decodeInto(area, noCopy, contacts, undefined, 100, 100 + frame.length)).toBeNull();
    expect(noCopy.senderId).toEqual(new Uint8Array(20)); // never written
    expect(noCopy.senderAt).toBeGreaterThan(100);
    expect(area.subarray(noCopy.senderAt, noCopy.senderAt + 20)).toEqual(other);
  });
});
