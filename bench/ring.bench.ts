/**
 * FrameRing throughput between two threads: a producer worker writes N frames of a fixed payload
 * size, a consumer worker drains them; frames/s is timed on the consumer, first frame to last.
 * Both sides use the real wake-up protocol (doorbell per batch, Atomics.wait when idle or full),
 * so the figure includes doorbell costs, not just memcpy.
 *
 * This file is its own worker script (it re-runs itself with a role in workerData), so it must run
 * compiled (dist/bench/ring.bench.js): Node 20 workers cannot load .ts.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createBells, ringBell } from '../src/net/doorbell.js';
import { FrameRing } from '../src/net/ring.js';

const ROLE = 'kadswarm-ring-bench';
const CONSUMER_BELL = 0;
const SPACE_BELL = 1;
const RING_BYTES = 256 * 1024;
/** Frames per size: roughly half a second each at the design notes' rates. */
const CASES = [
  { payload: 64, frames: 4_000_000 },
  { payload: 200, frames: 3_000_000 },
  { payload: 700, frames: 1_200_000 },
];

interface Job { role: typeof ROLE; side: 'producer' | 'consumer'; ring: SharedArrayBuffer; bells: SharedArrayBuffer; frames: number; payload: number }

function produce(job: Job): void {
  const ring = new FrameRing(job.ring);
  const bells = new Int32Array(job.bells);
  const payload = new Uint8Array(job.payload).fill(0xab);
  for (let i = 0; i < job.frames; i++) {
    while (!ring.tryWriteFrame(i, 1, i, payload)) {
      const seen = Atomics.load(bells, SPACE_BELL);
      ringBell(bells, CONSUMER_BELL);
      if (ring.tryWriteFrame(i, 1, i, payload)) break;
      Atomics.wait(bells, SPACE_BELL, seen, 50); // fine in a worker; never on the main thread
    }
    if ((i & 63) === 63) ringBell(bells, CONSUMER_BELL); // one doorbell per batch of frames
  }
  ringBell(bells, CONSUMER_BELL);
}

function consume(job: Job): { frames: number; seconds: number; bytes: number } {
  const ring = new FrameRing(job.ring);
  const bells = new Int32Array(job.bells);
  let got = 0;
  let bytes = 0;
  let t0 = 0;
  const onFrame = (b: Uint8Array): void => { bytes += b.length + b[0]!; got++; }; // touch the data
  while (got < job.frames) {
    const seen = Atomics.load(bells, CONSUMER_BELL);
    const n = ring.drain(onFrame);
    if (n > 0) {
      if (t0 === 0) t0 = performance.now();
      ringBell(bells, SPACE_BELL);
    } else {
      Atomics.wait(bells, CONSUMER_BELL, seen, 50);
    }
  }
  return { frames: got, seconds: (performance.now() - t0) / 1000, bytes };
}

async function runCase(payload: number, frames: number): Promise<number> {
  const ring = FrameRing.create(RING_BYTES);
  const bells = createBells(2);
  const job = (side: Job['side']): Job => ({ role: ROLE, side, ring: ring.sab, bells: bells.buffer as SharedArrayBuffer, frames, payload });
  const url = new URL(import.meta.url);
  const consumer = new Worker(url, { workerData: job('consumer') });
  const producer = new Worker(url, { workerData: job('producer') });
  try {
    const result = await new Promise<{ frames: number; seconds: number }>((resolve, reject) => {
      consumer.once('message', resolve).once('error', reject);
      producer.once('error', reject);
    });
    return result.frames / result.seconds;
  } finally {
    await Promise.all([consumer.terminate(), producer.terminate()]);
  }
}

/** Frames per second through one FrameRing between two threads at 64 B, 200 B and 700 B payloads; `scale` shortens the runs. */
export async function benchRing(opts: { scale?: number } = {}): Promise<Array<{ name: string; opsPerSec: number }>> {
  const rows: Array<{ name: string; opsPerSec: number }> = [];
  for (const { payload, frames } of CASES) {
    const n = Math.round(frames * (opts.scale ?? 1));
    rows.push({ name: `ring frames, 2 threads, ${payload} B payload`, opsPerSec: await runCase(payload, n) });
  }
  return rows;
}

// Worker side: only when started by runCase above.
const data = workerData as Partial<Job> | null;
if (!isMainThread && data?.role === ROLE) {
  const job = data as Job;
  if (job.side === 'producer') produce(job);
  else parentPort!.postMessage(consume(job));
}
