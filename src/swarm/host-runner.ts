/**
 * `kadswarm host --index i --hosts H --coordinator ADDR` (issue 16): one host of a multi-host swarm.
 * It runs today's shard runner for the nodes it owns (a Swarm of W worker threads with SAB rings,
 * started with an edge) and the edge that links it to the other hosts; it takes every run
 * parameter from the coordinator and relays the coordinator's shard commands to its workers.
 *
 * Failure policy: anything that ends the run — the coordinator's abort, the coordinator's link
 * closing or going silent, a peer link closing, a shard failing — ends this process with one
 * message naming the host and the phase, and a non-zero exit. It never waits for a peer that is
 * gone: every wait has a timeout. The caller exits the process with the code runHost returns.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Swarm } from './supervisor.js';
import { Edge } from './edge.js';
import { Framer, helloMessage, readControl, sendControl, DATA_HELLO } from './links-wire.js';
import { BEAT_MS, CONNECT_RETRY_MS, parseAddress, sharedFlags, type HostRunOptions, type ToCoordinator, type ToHost } from './host-protocol.js';
import { measuredStartMs } from './virtual-result.js';
import type { Command, VirtualParams } from './control.js';

/** How long a closed peer link waits for the coordinator's end or abort before it ends the run itself. */
const PEER_CLOSE_GRACE_MS = 2000;

export interface HostOptions {
  index: number;
  hosts: number;
  coordinator: string;
  /** Interface the peer listener binds to (default all). */
  bind?: string;
  /** Address the other hosts should dial (default: the one the coordinator sees this host at). */
  advertise?: string;
  version: string;
  connectRetryMs?: number;
  log: (line: string) => void;
}

export async function runHost(o: HostOptions): Promise<number> {
  const retryMs = o.connectRetryMs ?? CONNECT_RETRY_MS;
  const startedAt = performance.now();
  const name = `host ${o.index}`;
  let phase = 'connect';
  let swarm: Swarm | null = null;
  let edge: Edge | null = null;
  let server: Server | null = null;
  const peers: (Socket | null)[] = new Array<Socket | null>(o.hosts).fill(null);
  const timers: NodeJS.Timeout[] = [];
  let control: Socket | null = null;
  let finished = false;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));

  const finish = (code: number, message?: string): void => {
    if (finished) return;
    finished = true;
    if (message) o.log(message);
    if (edge && code === 0) o.log(`${name}: ${edgeSummary(edge, performance.now() - startedAt)}`);
    edge?.stop();
    for (const t of timers) clearInterval(t);
    for (const p of peers) p?.destroy();
    server?.close();
    control?.end();
    // After a failure the shards may be blocked at a barrier: the caller exits the process (which
    // ends the worker threads) instead of waiting for them. A clean end stops them properly.
    const stopping = swarm && code === 0 ? swarm.stop() : Promise.resolve();
    stopping.finally(() => {
      control?.destroy();
      resolveDone(code);
    });
  };
  const fail = (what: string): void => {
    const message = `${name}: ${what} (phase ${phase}) — run ended`;
    if (control && !control.destroyed) sendControl(control, { t: 'fail', message } satisfies ToCoordinator);
    finish(1, message);
  };

  // 1. The coordinator's link, retried for up to 30 s.
  const coord = parseAddress(o.coordinator, '127.0.0.1');
  try {
    control = await connectRetry(coord.host, coord.port, retryMs, () => finished);
  } catch (err) {
    o.log(`${name}: cannot reach the coordinator at ${o.coordinator} after ${Math.round(retryMs / 1000)} s (${(err as Error).message}) (phase connect) — run ended`);
    return 1;
  }
  const send = (m: ToCoordinator): void => sendControl(control!, m);
  let lastHeard = performance.now();
  let stallMs = 30_000;
  let expectPeers = 0;
  const syncs = new Map<number, (v: number) => void>();
  let syncRound = 0;
  let virtualNow = 0;

  const onControl = (m: ToHost): void => {
    lastHeard = performance.now();
    switch (m.t) {
      case 'refused':
        return finish(1, `${name}: refused by the coordinator: ${m.message}`);
      case 'setup':
        phase = 'setup';
        stallMs = m.stallMs;
        void setup(m.options).catch((err: Error) => fail(err.message));
        return;
      case 'peers':
        phase = 'link';
        void link(m.peers).catch((err: Error) => fail(err.message));
        return;
      case 'cmd':
        return relay(m.shard, m.cmd);
      case 'phase':
        phase = m.name;
        return;
      case 'go':
        syncs.get(m.round)?.(m.value);
        syncs.delete(m.round);
        return;
      case 'beat':
        return;
      case 'end':
        phase = 'end';
        return finish(0);
      case 'abort':
        return finish(1, `${name}: ${m.message}`);
    }
  };
  control.on('data', (chunk: Buffer) => framer.push(chunk));
  const framer = new Framer((body) => {
    try {
      onControl(readControl<ToHost>(body));
    } catch (err) {
      fail(`bad message from the coordinator: ${(err as Error).message}`);
    }
  });
  control.on('close', () => {
    if (!finished) fail(`lost the coordinator's link (${o.coordinator})`);
  });
  control.on('error', () => {});
  timers.push(
    setInterval(() => {
      send({ t: 'beat' });
      if (performance.now() - lastHeard > stallMs) fail(`the coordinator was silent for ${Math.round(stallMs / 1000)} s`);
    }, BEAT_MS),
  );
  phase = 'handshake';
  send({ t: 'hello', index: o.index, version: o.version, ...sharedFlags(o.hosts) });

  // 2. Setup: the local shards and the peer listener on an ephemeral port, announced through the coordinator.
  let options!: HostRunOptions;
  const setup = async (opts: HostRunOptions): Promise<void> => {
    options = opts;
    swarm = Swarm.start({ ...opts, edge: { index: o.index, hosts: o.hosts } });
    swarm.failed.catch((err: Error) => fail(err.message));
    expectPeers = o.hosts - 1;
    server = createServer((socket) => onPeerSocket(socket, null));
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(0, o.bind ?? '0.0.0.0', () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    send({ t: 'listening', port, ...(o.advertise ? { address: o.advertise } : {}) });
  };

  // 3. One TCP link per host pair: this host dials every lower index and accepts the higher ones.
  const onPeerSocket = (socket: Socket, known: number | null): void => {
    socket.setNoDelay(true);
    let peer = known;
    const framerP = new Framer((body) => {
      try {
        if (peer === null) {
          if (body[0] !== DATA_HELLO) throw new Error('a peer link did not start with HELLO');
          peer = body.readUInt32LE(1);
          if (peer <= o.index || peer >= o.hosts || peers[peer]) throw new Error(`unexpected link from host ${peer}`);
          peers[peer] = socket;
          linkedOne();
          return;
        }
        edge!.onBody(peer, body);
      } catch (err) {
        fail((err as Error).message);
      }
    });
    socket.on('data', (c: Buffer) => framerP.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      // A peer that ended cleanly hangs up just before this host hears "end" too: give the
      // coordinator's word (end, or abort naming the host) a moment to arrive first.
      if (!finished) setTimeout(() => finished || fail(`lost the link to host ${peer ?? '?'}`), PEER_CLOSE_GRACE_MS).unref();
    });
  };
  let linked = 0;
  const linkedOne = (): void => {
    if (++linked < expectPeers) return;
    edge = new Edge(swarm!.mesh!, options.workers, o.index, o.hosts, peers);
    if (options.clock !== 'virtual') void edge.runReal();
    phase = 'linked';
    send({ t: 'linked' });
  };
  const link = async (list: Array<{ index: number; address: string; port: number }>): Promise<void> => {
    if (expectPeers === 0) return linkedOne();
    await Promise.all(
      list
        .filter((p) => p.index < o.index)
        .map(async (p) => {
          let socket: Socket;
          try {
            socket = await connectRetry(p.address, p.port, retryMs, () => finished);
          } catch (err) {
            throw new Error(`cannot connect to host ${p.index} at ${p.address}:${p.port} after ${Math.round(retryMs / 1000)} s (${(err as Error).message})`);
          }
          socket.write(helloMessage(o.index));
          peers[p.index] = socket;
          onPeerSocket(socket, p.index);
          linkedOne();
        }),
    );
  };

  // 4. Shard commands, relayed; a virtual run also runs the edge's crossings.
  const relay = (shard: number, cmd: Command): void => {
    const { id, ...body } = cmd;
    if (cmd.op === 'stop') {
      // The shards stop when the coordinator ends the run (finish → swarm.stop()).
      send({ t: 'reply', r: { id, ok: true, result: null } });
      return;
    }
    if (cmd.op === 'virtual' && shard === 0) startVirtual(cmd.params);
    swarm!.command(shard, body as never, (d) => send({ t: 'reply', r: { progress: id, done: d } })).then(
      (result) => send({ t: 'reply', r: { id, ok: true, result } }),
      (err: Error) => send({ t: 'reply', r: { id, ok: false, error: err.message } }),
    );
  };
  const startVirtual = (p: VirtualParams): void => {
    const end = virtualNow + measuredStartMs(p, options.nodes) + p.durationMs;
    virtualNow = end;
    const sync = (value: number): Promise<number> =>
      new Promise<number>((resolve) => {
        const round = ++syncRound;
        syncs.set(round, resolve);
        send({ t: 'sync', round, value });
      });
    edge!.runVirtual(swarm!.barrierMemory!, end, sync, stallMs).catch((err: Error) => fail(err.message));
  };

  const code = await done.catch(() => 1);
  return code;
}

/** The host's line at a clean end: what crossed its links, what the crossings cost, its memory. */
function edgeSummary(edge: Edge, wallMs: number): string {
  const s = edge.stats;
  const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
  const crossing = s.crossings > 0 ? `; ${s.crossings} virtual-time crossings with the coordinator and ${s.rounds} exchange rounds with the peers, ${Math.round(s.barrierMs)} ms waiting in them (${((100 * s.barrierMs) / wallMs).toFixed(1)} % of ${(wallMs / 1000).toFixed(1)} s)` : '';
  return `links: ${s.framesOut} frames in ${s.batchesOut} batches out (${mib(s.bytesOut)} MiB), ${s.framesIn} frames in (${mib(s.bytesIn)} MiB)${crossing}; peak RSS ${mib(process.resourceUsage().maxRSS * 1024)} MiB`;
}

/** Connects to host:port, retrying every 250 ms for up to `retryMs`. */
export async function connectRetry(host: string, port: number, retryMs: number, cancelled: () => boolean): Promise<Socket> {
  const started = performance.now();
  let last: Error = new Error('not tried');
  while (performance.now() - started < retryMs && !cancelled()) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect({ host, port });
        s.once('connect', () => {
          s.removeListener('error', reject);
          // Crossings are small messages answered at once: Nagle + delayed ACK would hold each one ~40 ms.
          s.setNoDelay(true);
          resolve(s);
        });
        s.once('error', reject);
      });
    } catch (err) {
      last = err as Error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw last;
}
