/**
 * The coordinator of a multi-host swarm (issue 16): `kadswarm stress|churn --hosts H --listen ADDR`.
 * It is today's supervisor (the Swarm runs the workload, gathers metrics) with no shards of its
 * own: it is the Swarm's RemoteShards, relaying each shard command to the host that runs the shard
 * (global shard g is worker g mod W of host ⌊g / W⌋) and each reply back. It also takes the
 * cross-host decisions of virtual time (`sync`: the minimum over the hosts of each crossing).
 *
 * Start: accept H hosts (any order), check each one's version and shared flags (a mismatch is
 * refused with both sides named), send every host the run parameters, collect their peer ports,
 * send everyone the list, wait until every host has linked to every other.
 *
 * Failure policy: a host whose link closes, who goes silent past the stall timeout, who reports
 * a failure, or who does not arrive in time ends the run: every host gets `abort` with one
 * message naming the host and the phase, and the run's promise rejects with it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Command, Reply } from './control.js';
import type { RemoteShards } from './supervisor.js';
import { Framer, readControl, sendControl } from './links-wire.js';
import { BEAT_MS, DEFAULT_STALL_MS, parseAddress, sharedFlags, type HostRunOptions, type ToCoordinator, type ToHost } from './host-protocol.js';

export interface CoordinatorOptions {
  hosts: number;
  /** host:port to listen on (":0" picks a free port; the log line names it). */
  listen: string;
  version: string;
  /** Every host must have said hello and linked within this (default 120 s: pods take time to be scheduled). */
  startTimeoutMs?: number;
  stallMs?: number;
  log: (line: string) => void;
}

interface HostLink {
  index: number;
  socket: Socket;
  address: string;
  port: number;
  lastHeard: number;
  linked: boolean;
}

export class Coordinator implements RemoteShards {
  readonly shards: number;
  private readonly links: (HostLink | null)[];
  private onReply: (r: Reply) => void = () => {};
  private onFailure: ((err: Error) => void) | null = null;
  private failure: Error | null = null;
  private phaseName = 'connect';
  private readonly rounds = new Map<number, { count: number; min: number }>();
  private beat: NodeJS.Timeout | null = null;
  private started!: { resolve: () => void; reject: (e: Error) => void };
  private ending = false;
  /** Cross-host crossings of virtual time, and the wall time from a crossing's first report to its "go". */
  readonly syncStats = { crossings: 0, waitMs: 0 };
  private readonly roundStart = new Map<number, number>();

  private constructor(
    private readonly o: CoordinatorOptions,
    private readonly run: HostRunOptions,
    private readonly server: Server,
  ) {
    this.shards = o.hosts * run.workers;
    this.links = new Array<HostLink | null>(o.hosts).fill(null);
  }

  /** Listens, waits for all H hosts to connect, agree and link; resolves when the swarm is ready. */
  static async start(o: CoordinatorOptions, run: HostRunOptions): Promise<Coordinator> {
    const { host, port } = parseAddress(o.listen, '0.0.0.0');
    const server = createServer();
    const c = new Coordinator(o, run, server);
    server.on('connection', (s) => c.onSocket(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const bound = server.address() as { address: string; port: number };
    o.log(`coordinator listening on ${bound.address}:${bound.port}, waiting for ${o.hosts} hosts`);
    const ready = new Promise<void>((resolve, reject) => (c.started = { resolve, reject }));
    const timeoutMs = o.startTimeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      const missing = c.links.map((l, i) => (l ? null : i)).filter((i) => i !== null);
      const unlinked = c.links.filter((l) => l && !l.linked).map((l) => l!.index);
      c.fail(missing.length ? `host ${missing.join(', host ')} did not connect within ${Math.round(timeoutMs / 1000)} s` : `host ${unlinked.join(', host ')} did not link to its peers within ${Math.round(timeoutMs / 1000)} s`);
    }, timeoutMs);
    c.beat = setInterval(() => c.onBeat(), BEAT_MS);
    try {
      await ready;
    } catch (err) {
      c.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return c;
  }

  /** The run's current phase, named in failure messages; hosts learn it too. */
  phase(name: string): void {
    this.phaseName = name;
    this.o.log(`coordinator: phase ${name}`);
    this.broadcast({ t: 'phase', name });
  }

  // ------------------------------------------------------------ RemoteShards

  attach(onReply: (r: Reply) => void, onFailure: (err: Error) => void): void {
    this.onReply = onReply;
    this.onFailure = onFailure;
  }

  post(shard: number, cmd: Command): void {
    const w = this.run.workers;
    const link = this.links[Math.floor(shard / w)];
    if (link) sendControl(link.socket, { t: 'cmd', shard: shard % w, cmd } satisfies ToHost);
  }

  /** Ends the run on every host and waits (briefly) for them to hang up. */
  async stop(): Promise<void> {
    this.ending = true;
    const closed = this.links.filter((l): l is HostLink => l !== null && !l.socket.destroyed).map((l) => new Promise<void>((r) => l.socket.once('close', () => r())));
    this.broadcast({ t: 'end' });
    await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 10_000).unref())]);
    this.close();
  }

  // ------------------------------------------------------------ hosts

  private onSocket(socket: Socket): void {
    socket.setNoDelay(true);
    let link: HostLink | null = null;
    const framer = new Framer((body) => {
      let m: ToCoordinator;
      try {
        m = readControl<ToCoordinator>(body);
      } catch (err) {
        return this.fail(`${link ? `host ${link.index}` : 'a host'} sent a bad message (${(err as Error).message})`);
      }
      if (!link) {
        if (m.t !== 'hello') return this.fail('a host spoke before its hello');
        link = this.hello(socket, m);
        return;
      }
      link.lastHeard = performance.now();
      this.onMessage(link, m);
    });
    socket.on('data', (c: Buffer) => framer.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      if (link && this.links[link.index] === link && !this.ending) this.fail(`host ${link.index} (${link.address}) disconnected`);
    });
  }

  private hello(socket: Socket, m: Extract<ToCoordinator, { t: 'hello' }>): HostLink | null {
    const refuse = (why: string): null => {
      const message = `host ${m.index} refused at the handshake: ${why}`;
      sendControl(socket, { t: 'refused', message } satisfies ToHost);
      socket.end();
      this.fail(message);
      return null;
    };
    if (m.version !== this.o.version) return refuse(`it runs ${m.version}, the coordinator ${this.o.version}`);
    const mine = sharedFlags(this.o.hosts);
    if (m.flagsHash !== mine.flagsHash) return refuse(`its flags (${m.flags}) differ from the coordinator's (${mine.flags})`);
    if (!(Number.isInteger(m.index) && m.index >= 0 && m.index < this.o.hosts)) return refuse(`--index ${m.index} is outside 0..${this.o.hosts - 1}`);
    if (this.links[m.index]) return refuse(`another host already has --index ${m.index}`);
    const address = (socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const link: HostLink = { index: m.index, socket, address, port: 0, lastHeard: performance.now(), linked: false };
    this.links[m.index] = link;
    this.o.log(`host ${m.index} connected from ${address}`);
    if (this.links.every((l) => l)) {
      this.phaseName = 'setup';
      this.broadcast({ t: 'setup', options: this.run, stallMs: this.o.stallMs ?? DEFAULT_STALL_MS });
    }
    return link;
  }

  private onMessage(link: HostLink, m: ToCoordinator): void {
    switch (m.t) {
      case 'listening':
        if (m.address) link.address = m.address;
        link.port = m.port;
        if (this.links.every((l) => l && l.port > 0)) {
          this.phaseName = 'link';
          this.broadcast({ t: 'peers', peers: this.links.map((l) => ({ index: l!.index, address: l!.address, port: l!.port })) });
        }
        return;
      case 'linked':
        link.linked = true;
        if (this.links.every((l) => l?.linked)) {
          this.phaseName = 'ready';
          this.o.log(`all ${this.o.hosts} hosts linked`);
          this.started.resolve();
        }
        return;
      case 'reply':
        return this.onReply(m.r);
      case 'sync':
        return this.sync(m.round, m.value);
      case 'beat':
        return;
      case 'fail':
        return this.fail(m.message, true);
      case 'hello':
        return this.fail(`host ${link.index} said hello twice`);
    }
  }

  /** One cross-host crossing: the minimum of every host's value, sent back to all once all reported. */
  private sync(round: number, value: number): void {
    const r = this.rounds.get(round) ?? { count: 0, min: Infinity };
    if (r.count === 0) this.roundStart.set(round, performance.now());
    r.count++;
    r.min = Math.min(r.min, value);
    if (r.count < this.o.hosts) {
      this.rounds.set(round, r);
      return;
    }
    this.rounds.delete(round);
    this.syncStats.crossings++;
    this.syncStats.waitMs += performance.now() - this.roundStart.get(round)!;
    this.roundStart.delete(round);
    this.broadcast({ t: 'go', round, value: r.min });
  }

  private onBeat(): void {
    this.broadcast({ t: 'beat' });
    const stallMs = this.o.stallMs ?? DEFAULT_STALL_MS;
    const now = performance.now();
    for (const l of this.links) if (l && now - l.lastHeard > stallMs) return this.fail(`host ${l.index} (${l.address}) was silent for ${Math.round(stallMs / 1000)} s`);
  }

  // ------------------------------------------------------------ failure

  /**
   * Ends the run everywhere with one message. `complete`: the message already names its host and
   * phase (a host's own report); otherwise the phase is appended here.
   */
  private fail(what: string, complete = false): void {
    if (this.failure || this.ending) return;
    const message = complete ? what : `${what} (phase ${this.phaseName}) — run ended`;
    this.failure = new Error(message);
    this.o.log(message);
    this.broadcast({ t: 'abort', message });
    for (const l of this.links) l?.socket.end();
    if (this.onFailure) this.onFailure(this.failure);
    else this.started?.reject(this.failure);
    this.close();
  }

  private broadcast(m: ToHost): void {
    for (const l of this.links) if (l) sendControl(l.socket, m);
  }

  private close(): void {
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
    this.server.close();
    for (const l of this.links) if (l) setTimeout(() => l.socket.destroy(), 1000).unref();
  }
}
