/**
 * `kadswarm serve --nodes 10000 --port 8080`: starts a swarm on the
 * in-memory network, joins it (with a progress bar), and serves the HTTP
 * gateway until Ctrl-C or SIGTERM, which stop the server and then every
 * shard. The URL is printed on stdout once the swarm has joined, as
 * `kadswarm gateway: http://127.0.0.1:8080/` (npm run load reads that line).
 */
import { parseArgs } from 'node:util';
import { launchGateway, SERVE_TIMEOUTS } from '../gateway/launch.js';
import { parseLatency, type NetworkModel } from '../sim/network-model.js';
import { phaseProgress } from './progress.js';
import { intFlag as int, ratioFlag } from './flags.js';

export const SERVE_USAGE = `Usage: kadswarm serve [options]
  --nodes N            nodes in the swarm (default 10000)
  --port P             TCP port (default 8080; 0 picks a free one)
  --host H             address to listen on (default 127.0.0.1)
  --workers W          shards = worker threads (default: number of cores)
  --k K, --alpha A     bucket size and lookup parallelism (default 20, 3)
  --seed S             same seed, same node IDs (default 1)
  --latency L          one-way latency: 0, 20ms, 20-200ms, pareto:20-2000ms (default 0)
  --loss P             fraction of messages lost (default 0)
  --join-concurrency C joins in flight across the swarm (default 256)

Routes: PUT/GET /kv/:key[?via=N], GET /nodes/:n, GET /stats, GET /metrics,
POST /churn {"kill": n} | {"revive": n}, GET /events (SSE), GET / (dashboard).`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string', default: '10000' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      workers: { type: 'string' },
      k: { type: 'string', default: '20' },
      alpha: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      latency: { type: 'string', default: '0' },
      loss: { type: 'string', default: '0' },
      'join-concurrency': { type: 'string', default: '256' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(SERVE_USAGE);
    return 0;
  }
  const loss = ratioFlag('loss', values.loss!);
  const seed = int('seed', values.seed!, 0);
  const nodes = int('nodes', values.nodes!, 1);
  const network: NetworkModel = { latency: parseLatency(values.latency!), loss, jitter: 0.1, seed };

  // Until the swarm has joined, Ctrl-C just ends the process (its worker threads end with it).
  const early = (): void => {
    console.error('\nkadswarm serve: interrupted before the swarm had joined');
    process.exit(130);
  };
  process.once('SIGINT', early);
  process.once('SIGTERM', early);
  const launched = await launchGateway(
    {
      nodes,
      seed,
      network,
      config: { k: int('k', values.k!, 1), alpha: int('alpha', values.alpha!, 1), ...SERVE_TIMEOUTS },
      joinConcurrency: int('join-concurrency', values['join-concurrency']!, 1),
      bootstraps: 16,
      host: values.host!,
      port: int('port', values.port!, 0, 65535),
      ...(values.workers ? { workers: int('workers', values.workers, 1) } : {}),
    },
    phaseProgress(),
  );
  process.off('SIGINT', early);
  process.off('SIGTERM', early);

  const { gateway, swarm } = launched;
  if (launched.joinFailed > 0) console.error(`warning: ${launched.joinFailed} of ${nodes - 1} joins failed`);
  console.log(`kadswarm gateway: ${gateway.url} (${nodes.toLocaleString('en-US')} nodes on ${swarm.workers} workers, joined in ${(launched.joinMs / 1000).toFixed(1)} s; Ctrl-C stops)`);

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
    swarm.failed.catch((err: Error) => stop(`the swarm failed (${err.message})`, 1));
  });
}
