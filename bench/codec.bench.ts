/**
 * Encode and decode cost per message type, with the contacts the swarm uses
 * (IndexContacts) and a 100-byte STORE. Each task runs BATCH operations per
 * call so sub-microsecond work stays well above timer resolution. The
 * "(msgpackr, before)" rows decode with the msgpackr decoder that the
 * hand-written one replaced (src/wire/decode-msgpackr.ts), side by side.
 * The "(swarm path)" rows are what a shard does per message: encodeMessageInto into the
 * encoder's buffer (no copy, no view) and decodeInto from a range of a shared buffer, as a ring
 * hands a frame over (no view, one reused result).
 */
import { Bench } from 'tinybench';
import { MESSAGE_TYPE_NAMES, MessageType, type Message } from '../src/core/messages.js';
import { PeerIds } from '../src/core/peers.js';
import { Random } from '../src/core/random.js';
import { decodeInto, decodeMessage, DecodeScratch } from '../src/wire/decode.js';
import { oracleDecodeMessage } from '../src/wire/decode-msgpackr.js';
import { encodeMessage, encodeMessageInto } from '../src/wire/encode.js';
import { IndexContacts } from '../src/wire/index-contacts.js';

const BATCH = 100;
/** Types that also get a row for the msgpackr decoder (issue 14's comparison). */
const BEFORE: ReadonlySet<MessageType> = new Set([MessageType.FindNode, MessageType.Nodes, MessageType.Value]);
/** Types that also get the shard's own encode/decode rows. */
const SWARM: ReadonlySet<MessageType> = new Set([MessageType.Ping, MessageType.FindNode, MessageType.Nodes]);

function fixtures(): { senderId: Uint8Array; peers: PeerIds; contacts: IndexContacts; messages: Message[] } {
  const r = new Random(1);
  const peers = new PeerIds(1000);
  for (let i = 0; i < 1000; i++) peers.setId(i, r.bytes(20));
  const contacts = new IndexContacts(peers);
  const twenty = Uint32Array.from({ length: 20 }, (_, i) => i * 37);
  const messages: Message[] = [
    { type: MessageType.Ping, rpc: 123_456 },
    { type: MessageType.Pong, rpc: 123_456 },
    { type: MessageType.Store, rpc: 123_456, key: r.bytes(20), value: r.bytes(100), version: 1, ttl: 86_400_000, cache: false },
    { type: MessageType.StoreAck, rpc: 123_456, ok: true },
    { type: MessageType.FindNode, rpc: 123_456, target: r.bytes(20) },
    { type: MessageType.Nodes, rpc: 123_456, contacts: twenty },
    { type: MessageType.FindValue, rpc: 123_456, key: r.bytes(20) },
    { type: MessageType.Value, rpc: 123_456, value: r.bytes(100), version: 1, ttl: 86_400_000 },
  ];
  return { senderId: r.bytes(20), peers, contacts, messages };
}

export async function benchCodec(opts: { time?: number } = {}): Promise<Array<{ name: string; opsPerSec: number }>> {
  const { senderId, peers, contacts, messages } = fixtures();
  const scratch = new DecodeScratch();
  const bench = new Bench({ name: 'wire codec', time: opts.time ?? 300 });
  for (const msg of messages) {
    const label = msg.type === MessageType.Nodes ? 'NODES (20 index contacts)' : MESSAGE_TYPE_NAMES[msg.type];
    // Decode a fresh view of one buffer each time, as a ring consumer does.
    const slot = new Uint8Array(encodeMessage(senderId, msg, contacts));
    bench.add(`encode ${label}`, () => {
      for (let i = 0; i < BATCH; i++) encodeMessage(senderId, msg, contacts);
    });
    bench.add(`decode ${label}`, () => {
      for (let i = 0; i < BATCH; i++) if (!decodeMessage(slot.subarray(0), contacts).ok) throw new Error(`decode ${label} failed`);
    });
    if (SWARM.has(msg.type)) {
      // A ring's data area: shared memory, the frame somewhere inside it.
      const area = new Uint8Array(new SharedArrayBuffer(4096), 128, 2048);
      const at = 200;
      area.set(slot, at);
      bench.add(`encode ${label} (swarm path)`, () => {
        for (let i = 0; i < BATCH; i++) encodeMessageInto(peers.words, 35, msg, contacts);
      });
      bench.add(`decode ${label} (swarm path)`, () => {
        for (let i = 0; i < BATCH; i++) if (decodeInto(area, scratch, contacts, undefined, at, at + slot.length) !== null) throw new Error(`decode ${label} failed`);
      });
    }
    if (BEFORE.has(msg.type)) {
      bench.add(`decode ${label} (msgpackr, before)`, () => {
        for (let i = 0; i < BATCH; i++) if (!oracleDecodeMessage(slot.subarray(0), contacts).ok) throw new Error(`decode ${label} failed`);
      });
    }
  }
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`benchmark ${task.name} ended ${result.state}`);
    return { name: task.name, opsPerSec: (BATCH * 1000) / result.period };
  });
}
