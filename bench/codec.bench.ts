/**
 * Encode and decode cost per message type, with the contacts the swarm uses
 * (IndexContacts) and a 100-byte STORE. Each task runs BATCH operations per
 * call so sub-microsecond work stays well above timer resolution. The
 * "(msgpackr, before)" rows decode with the msgpackr decoder that the
 * hand-written one replaced (src/wire/decode-msgpackr.ts), side by side.
 */
import { Bench } from 'tinybench';
import { MESSAGE_TYPE_NAMES, MessageType, type Message } from '../src/core/messages.js';
import { PeerIds } from '../src/core/peers.js';
import { Random } from '../src/core/random.js';
import { decodeMessage } from '../src/wire/decode.js';
import { oracleDecodeMessage } from '../src/wire/decode-msgpackr.js';
import { encodeMessage } from '../src/wire/encode.js';
import { IndexContacts } from '../src/wire/index-contacts.js';

const BATCH = 100;
/** Types that also get a row for the msgpackr decoder (issue 14's comparison). */
const BEFORE: ReadonlySet<MessageType> = new Set([MessageType.FindNode, MessageType.Nodes, MessageType.Value]);

function fixtures(): { senderId: Uint8Array; contacts: IndexContacts; messages: Message[] } {
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
  return { senderId: r.bytes(20), contacts, messages };
}

export async function benchCodec(opts: { time?: number } = {}): Promise<Array<{ name: string; opsPerSec: number }>> {
  const { senderId, contacts, messages } = fixtures();
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
