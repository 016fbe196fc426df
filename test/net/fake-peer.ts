/**
 * A hand-driven UDP peer for attack tests: one socket that sends crafted messages under any ID
 * and records every datagram it receives (bytes and decoded message). It answers nothing by
 * itself: a spoofed source is one that never answers.
 */
import dgram from 'node:dgram';
import { MessageType, type Message } from '../../src/core/messages.js';
import { Random } from '../../src/core/random.js';
import { AddressBook, decodeMessage, encodeMessage, padDatagram, parseAddress, type Address } from '../../src/wire/index.js';

export interface Received {
  bytes: number;
  msg: Message | null;
  from: string;
}

export class FakePeer {
  readonly received: Received[] = [];
  private readonly book: AddressBook;
  private constructor(
    readonly socket: dgram.Socket,
    readonly host: string,
    readonly port: number,
  ) {
    this.book = new AddressBook(new Random(port).bytes(20), parseAddress(`${host}:${port}`));
    socket.on('message', (buf, rinfo) => {
      const d = decodeMessage(new Uint8Array(buf), this.book);
      this.received.push({ bytes: buf.length, msg: d.ok ? d.message : null, from: `${rinfo.address}:${rinfo.port}` });
    });
  }

  static async bind(host = '127.0.0.1'): Promise<FakePeer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => resolve());
    });
    return new FakePeer(socket, host, socket.address().port);
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Sends `msg` as `id` to `to` ("host:port"), padded to `padTo` bytes; resolves with the bytes sent. */
  send(id: Uint8Array, msg: Message, to: string, padTo = 0): Promise<number> {
    let bytes = encodeMessage(id, msg, this.book);
    if (padTo > bytes.length) bytes = padDatagram(bytes, padTo);
    const a = parseAddress(to) as Extract<Address, { kind: 'ipv4' }>;
    return new Promise((resolve) => this.socket.send(bytes, a.port, a.host, () => resolve(bytes.length)));
  }

  /** Waits until a datagram matching `pred` has arrived (or `ms` passed); returns it or null. */
  async waitFor(pred: (r: Received) => boolean, ms = 2000): Promise<Received | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.received.find(pred);
      if (hit || Date.now() > deadline) return hit ?? null;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Answers every PING received so far (and from now on) with a PONG under `id`. */
  answerPings(id: Uint8Array): void {
    const seen = new Set<Received>();
    const answer = (): void => {
      for (const r of this.received) {
        if (seen.has(r) || r.msg?.type !== MessageType.Ping) continue;
        seen.add(r);
        void this.send(id, { type: MessageType.Pong, rpc: r.msg.rpc }, r.from);
      }
    };
    answer();
    this.socket.on('message', () => setImmediate(answer));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
