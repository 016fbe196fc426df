/**
 * The encoder test's corpus: random messages of every type with numbers at every boundary
 * msgpackr's encodings care about (record-writer.test.ts checks the encoder against Packr on them,
 * decode-oracle.test.ts the decoder against Unpackr).
 */
import { MessageType, type Message } from '../../src/core/messages.js';
import { PeerIds } from '../../src/core/peers.js';
import { Random } from '../../src/core/random.js';
import { IndexContacts } from '../../src/wire/index.js';

export const rng = new Random(2024);
const peers = new PeerIds(64);
for (let i = 0; i < 64; i++) peers.setId(i, rng.bytes(20));
export const contacts = new IndexContacts(peers);

// Numbers at every boundary msgpackr's integer and float encodings care about.
const numbers = [0, 1, 0x1f, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff, 2 ** 32, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER, 0.5, 1.5, 86_400_000.25];
const pick = <T>(xs: T[]): T => xs[rng.int(xs.length)]!;
const num = (): number => (rng.next() < 0.5 ? pick(numbers) : rng.int(2 ** 32));
const bytes = (max: number): Uint8Array => rng.bytes(rng.int(max + 1));

const maybeToken = (): Uint8Array | undefined => (rng.next() < 0.5 ? rng.bytes(8) : undefined);
const maybeSigned = () => (rng.next() < 0.3 ? { publicKey: rng.bytes(32), salt: bytes(64), signature: rng.bytes(64) } : undefined);

/** Adds the optional fields only when drawn, as the core builds its messages. */
function withOptional<T extends object>(m: T, extra: Record<string, unknown>): T {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) (m as Record<string, unknown>)[k] = v;
  return m;
}

export function randomMessage(): Message {
  const rpc = rng.next() < 0.3 ? pick(numbers.filter((n) => n <= 0xffffffff && Number.isInteger(n))) : rng.nextU32();
  switch (rng.int(11) as MessageType) {
    case MessageType.Ping:
      return { type: MessageType.Ping, rpc };
    case MessageType.Pong:
      return { type: MessageType.Pong, rpc };
    case MessageType.Store:
      return withOptional({ type: MessageType.Store, rpc, key: rng.bytes(20), value: bytes(1024), version: Math.floor(num()), ttl: num(), cache: rng.next() < 0.5 }, { token: maybeToken(), signed: maybeSigned() });
    case MessageType.StoreAck: {
      const code = rng.int(7);
      return { type: MessageType.StoreAck, rpc, ok: code === 0, code };
    }
    case MessageType.FindNode:
      return { type: MessageType.FindNode, rpc, target: rng.bytes(20) };
    case MessageType.Nodes:
      return withOptional({ type: MessageType.Nodes, rpc, contacts: Uint32Array.from({ length: rng.int(21) }, () => rng.int(64)) }, { token: maybeToken() });
    case MessageType.FindValue:
      return { type: MessageType.FindValue, rpc, key: rng.bytes(20) };
    case MessageType.AddSource:
      return { type: MessageType.AddSource, rpc, key: rng.bytes(20), value: bytes(512), publisher: rng.bytes(20), ttl: num() };
    case MessageType.FindSources:
      return { type: MessageType.FindSources, rpc, key: rng.bytes(20), cursor: rng.next() < 0.3 ? 0 : Math.floor(num()) % 2 ** 32 };
    case MessageType.Sources: {
      // Up to ~1,300 bytes of values, with or without contacts, so both bin8 and bin16 headers occur.
      const entries = Array.from({ length: rng.int(8) }, () => ({ value: bytes(150), publisher: rng.bytes(20), ttl: num() }));
      const n = rng.next() < 0.5 ? 0 : rng.int(21);
      return { type: MessageType.Sources, rpc, entries, next: rng.next() < 0.5 ? 0 : rng.nextU32(), contacts: Uint32Array.from({ length: n }, () => rng.int(64)) };
    }
    default:
      return withOptional({ type: MessageType.Value, rpc, value: bytes(1024), version: Math.floor(num()), ttl: num() }, { token: maybeToken(), signed: maybeSigned() });
  }
}
