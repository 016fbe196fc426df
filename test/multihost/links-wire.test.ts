/** The data-link bytes (links-wire.ts): frames survive a batch and a stream cut at every byte. */
import { describe, expect, it } from 'vitest';
import { DATA_FRAMES, DATA_MARKER, FrameBatch, Framer, markerMessage, readFrames } from '../../src/swarm/links-wire.js';

describe('links wire', () => {
  it('a batch of frames read back through a stream split at every byte', () => {
    const batch = new FrameBatch();
    const sent: Array<[number, number, number, number[], number]> = [];
    for (let i = 0; i < 300; i++) {
      const payload = Array.from({ length: (i * 37) % 700 }, (_, j) => (i + j) & 255);
      sent.push([i, 100_000 + i, 1e12 + i * 0.25, payload, i * 3]);
      batch.add(i, 100_000 + i, 1e12 + i * 0.25, Uint8Array.from(payload), i * 3);
    }
    const msg = Buffer.concat([batch.take()!, markerMessage(7, 300)]);
    expect(batch.take()).toBeNull();
    for (const step of [1, 3, 1000, msg.length]) {
      const got: typeof sent = [];
      const markers: number[][] = [];
      const framer = new Framer((body) => {
        if (body[0] === DATA_FRAMES) readFrames(body, (from, to, at, p, seq) => got.push([from, to, at, [...p], seq]));
        else if (body[0] === DATA_MARKER) markers.push([body.readUInt32LE(1), body.readUInt32LE(5)]);
      });
      for (let i = 0; i < msg.length; i += step) framer.push(Buffer.from(msg.subarray(i, i + step)));
      expect(got).toEqual(sent);
      expect(markers).toEqual([[7, 300]]);
    }
  });
});
