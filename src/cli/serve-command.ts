/**
 * `kadswarm serve --nodes 10000 --port 8080`: starts a swarm on the
 * in-memory network, joins it (with a progress bar), and serves the HTTP
 * gateway until Ctrl-C, SIGTERM or the exit of the process that started it,
 * which stop the server and then every shard. The URL is printed on stdout once the swarm has joined, as
 * `kadswarm gateway: http://127.0.0.1:8080/` (npm run load reads that line).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { launchGateway, SERVE_TIMEOUTS } from '../gateway/launch.js';
import type { NetworkModel } from '../sim/network-model.js';
import { phaseProgress } from './progress.js';
import { BITS_FLAG, EXIT, adminTokenFlag, bitsFlag, flagHelp, intFlag as int, latencyFlag, parseFlags, ratioFlag, resolveKad, type FlagSpecs } from './flags.js';
import { checkMemory } from './memory-check.js';

/** The flags of kadswarm serve: the parser and the --help lines (flags.ts). */
const SERVE_FLAGS = {
  nodes: { type: 'string', arg: 'N', default: '10000', help: 'nodes in the swarm' },
  port: { type: 'string', arg: 'P', default: '8080', help: 'TCP port (0 picks a free one)' },
  host: { type: 'string', arg: 'H', default: '127.0.0.1', help: 'address to listen on (not loopback: POST /churn needs the admin token)' },
  'admin-token': { type: 'string', arg: 'T', help: 'token POST /churn requires as "Authorization: Bearer T" (16+ printable characters); default: none on loopback, a random one printed at start otherwise' },
  workers: { type: 'string', arg: 'W', help: 'shards = worker threads (default: number of cores)' },
  k: { type: 'string', arg: 'K', default: '20', help: 'bucket size and replication factor' },
  alpha: { type: 'string', arg: 'A', default: '3', help: 'lookup parallelism' },
  bits: BITS_FLAG,
  seed: { type: 'string', arg: 'S', default: '1', help: 'same seed, same node IDs' },
  latency: { type: 'string', arg: 'L', default: '0', help: 'one-way latency: 0, 20ms, 20-200ms, pareto:20-2000ms' },
  loss: { type: 'string', arg: 'P', default: '0', help: 'fraction of messages lost, 0..1' },
  'join-concurrency': { type: 'string', arg: 'C', default: '256', help: 'joins in flight across the swarm' },
  force: { type: 'boolean', help: 'start even when the memory estimate says the swarm will not fit in this machine' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const satisfies FlagSpecs;

export const SERVE_USAGE = `Usage: kadswarm serve [options]
${flagHelp(SERVE_FLAGS)}

Routes: PUT/GET /kv/:key[?via=N], GET /nodes/:n, GET /stats, GET /metrics,
POST /churn {"kill": n} | {"revive": n}, GET /events (SSE), GET / (dashboard).
POST /churn is an admin route: on a non-loopback --host, or with --admin-token, it
needs "Authorization: Bearer <token>" (the token is printed at start) and says 401
without it. A put answers 201 only when a node other than the asking one acknowledged
it (503 otherwise); a get or put when no node but the asker is up answers 503 at once.

Stops on Ctrl-C, SIGTERM, or when the process that started it exits (npm and
npx do not pass SIGTERM on: README "Stopping it under npm or npx").

Examples:
  kadswarm serve --nodes 10000 --port 8080
  kadswarm serve --nodes 2000 --port 0 --latency 20-200ms --loss 0.01
  curl -X PUT --data hello http://127.0.0.1:8080/kv/greeting
  kadswarm serve --host 0.0.0.0 --admin-token "$(openssl rand -hex 16)"

Exit codes: 0 stopped cleanly (Ctrl-C, SIGTERM, or its parent went away), 1 the swarm failed, 2 bad usage.`;

/** How often serve looks whether the process that started it is still there. */
const PARENT_POLL_MS = 1000;

/**
 * Calls `gone` once the process that started serve has exited: a process's parent pid changes
 * when it is re-parented (to init or a subreaper). npm and npx do not forward SIGTERM to the
 * command they run, so without this `kill <npx pid>` would leave the swarm running with nobody
 * to stop it. npx starts the bin through `sh -c`, and a shell whose parent is killed outright
 * (SIGKILL) stays alive, re-parented: so when the parent is a shell, its own parent is watched
 * too (on Linux, through /proc; elsewhere only the direct parent).
 */
function watchParent(gone: () => void): () => void {
  const parent = process.ppid;
  const shellParent = SHELLS.has(procStat(parent)?.comm ?? '') ? procStat(parent)!.ppid : -1;
  const timer = setInterval(() => {
    const shell = shellParent >= 0 ? procStat(parent) : null;
    if (process.ppid !== parent || (shellParent >= 0 && (!shell || shell.ppid !== shellParent))) {
      clearInterval(timer);
      gone();
    }
  }, PARENT_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ash']);

/** The command name and parent pid of a process, from /proc (null where there is none). */
function procStat(pid: number): { comm: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return { comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(stat.slice(close + 2).split(' ')[1]) };
  } catch {
    return null;
  }
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('serve', argv, SERVE_FLAGS);
  if (values.help) {
    console.log(SERVE_USAGE);
    return EXIT.ok;
  }
  const loss = ratioFlag('loss', values.loss);
  const seed = int('seed', values.seed, 0);
  const nodes = int('nodes', values.nodes, 1, 2 ** 24); // 24-bit handles in table slots (core/bucket-layout.ts)
  const network: NetworkModel = { latency: latencyFlag('latency', values.latency), loss, jitter: 0.1, seed };
  const config = resolveKad({ k: int('k', values.k, 1), alpha: int('alpha', values.alpha, 1), ...bitsFlag(values.bits), ...SERVE_TIMEOUTS });
  const workers = values.workers ? int('workers', values.workers, 1) : undefined;
  const joinConcurrency = int('join-concurrency', values['join-concurrency'], 1);
  const port = int('port', values.port, 0, 65535);
  const adminToken = values['admin-token'] !== undefined ? adminTokenFlag('admin-token', values['admin-token']) : undefined;
  checkMemory({ nodes, workers: workers ?? availableParallelism(), replicas: 0 }, values.force === true);

  // Until the swarm has joined, Ctrl-C just ends the process (its worker threads end with it).
  const early = (): void => {
    console.error('\nkadswarm serve: interrupted before the swarm had joined');
    process.exit(130);
  };
  process.once('SIGINT', early);
  process.once('SIGTERM', early);
  let parentGone = (): void => {
    console.error('kadswarm serve: the process that started it exited before the swarm had joined');
    process.exit(EXIT.failed);
  };
  const unwatch = watchParent(() => parentGone());
  const launched = await launchGateway(
    {
      nodes,
      seed,
      network,
      config,
      joinConcurrency,
      bootstraps: 16,
      host: values.host,
      port,
      ...(adminToken !== undefined ? { adminToken } : {}),
      ...(workers !== undefined ? { workers } : {}),
    },
    phaseProgress(),
  );
  process.off('SIGINT', early);
  process.off('SIGTERM', early);

  const { gateway, swarm } = launched;
  if (launched.joinFailed > 0) console.error(`warning: ${launched.joinFailed} of ${nodes - 1} joins failed`);
  console.log(`kadswarm gateway: ${gateway.url} (${nodes.toLocaleString('en-US')} nodes on ${swarm.workers} workers, joined in ${(launched.joinMs / 1000).toFixed(1)} s; Ctrl-C stops)`);
  // The made-up token is printed once, on stdout beside the URL; a token the user gave is not echoed.
  if (gateway.adminTokenGenerated) console.log(`kadswarm gateway admin token: ${gateway.adminToken} (POST /churn needs "Authorization: Bearer <token>")`);
  else if (gateway.adminToken !== null) console.log('kadswarm gateway admin token: the one given with --admin-token (POST /churn needs "Authorization: Bearer <token>")');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (why: string, code: number): void => {
      if (stopping) {
        console.error('kadswarm serve: forced exit');
        process.exit(code || 130);
      }
      stopping = true;
      console.error(`kadswarm serve: ${why}, shutting down…`);
      launched.close().then(
        () => {
          console.error('kadswarm serve: stopped');
          unwatch();
          resolve(code);
        },
        (err: Error) => {
          console.error(`kadswarm serve: shutdown failed: ${err.message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT', 0));
    process.on('SIGTERM', () => stop('SIGTERM', 0));
    parentGone = () => stop('the process that started it exited', 0);
    swarm.failed.catch((err: Error) => stop(`the swarm failed (${err.message})`, 1));
  });
}
