/**
 * `kadswarm host --index i --hosts H --coordinator ADDR` (issue 16): one host of a swarm spread over
 * several machines. It takes every run parameter from the coordinator (`kadswarm stress --hosts H
 * --listen ADDR`), so a launcher — Compose, a Kubernetes Indexed Job, SSH — only has to pass the
 * index and the coordinator's address. Exits 0 when the run ended cleanly, 1 when it failed
 * anywhere (with the one message that names the host and the phase), 2 on bad usage.
 */
import { LINKS_PROTOCOL } from '../swarm/host-protocol.js';
import { runHost } from '../swarm/host-runner.js';
import { packageVersion } from './environment.js';
import { EXIT, UsageError, commandUsage, intFlag, parseFlags, type FlagSpecs } from './flags.js';

const HOST_FLAGS = {
  index: { type: 'string', arg: 'I', help: 'this host\'s index, 0..H-1 (default $JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it)' },
  hosts: { type: 'string', arg: 'H', help: 'hosts in the swarm; must equal the coordinator\'s --hosts' },
  coordinator: { type: 'string', arg: 'ADDR', help: 'host:port of the coordinator (kadswarm stress --hosts H --listen ADDR)' },
  bind: { type: 'string', arg: 'IP', default: '0.0.0.0', help: 'interface the link to the other hosts listens on (an ephemeral port)' },
  advertise: { type: 'string', arg: 'IP', help: 'address the other hosts dial (default: the one the coordinator sees this host at)' },
  'connect-retry': { type: 'string', arg: 'S', default: '30', help: 'seconds to keep retrying the coordinator and the peers' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const satisfies FlagSpecs;

export const HOST_USAGE = commandUsage('host', HOST_FLAGS, [
  'kadswarm host --index 0 --hosts 3 --coordinator 10.0.0.1:7400',
  'kadswarm host --hosts 3 --coordinator kadswarm-coordinator:7400   # index from $JOB_COMPLETION_INDEX',
], '0 the run ended cleanly, 1 the run failed (on any host), 2 bad usage.');

/** What a host and its coordinator must share to talk: kadswarm, Node's major (v8 serialization) and the links protocol. */
export function linksVersion(): string {
  return `kadswarm ${packageVersion()} on Node ${process.versions.node.split('.')[0]}, links protocol ${LINKS_PROTOCOL}`;
}

export async function hostCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('host', argv, HOST_FLAGS);
  if (values.help) {
    console.log(HOST_USAGE);
    return EXIT.ok;
  }
  if (values.hosts === undefined) throw new UsageError('--hosts H is required');
  if (values.coordinator === undefined) throw new UsageError('--coordinator ADDR is required');
  const hosts = intFlag('hosts', values.hosts, 1);
  const indexText = values.index ?? process.env.JOB_COMPLETION_INDEX;
  if (indexText === undefined) throw new UsageError('--index I is required (or set JOB_COMPLETION_INDEX)');
  const index = intFlag('index', indexText, 0, hosts - 1);
  const code = await runHost({
    index,
    hosts,
    coordinator: values.coordinator,
    bind: values.bind,
    ...(values.advertise ? { advertise: values.advertise } : {}),
    version: linksVersion(),
    connectRetryMs: intFlag('connect-retry', values['connect-retry'], 1) * 1000,
    log: (line) => console.error(line),
  });
  // Worker threads blocked at a barrier of a failed run would keep the process alive: exit outright.
  process.exit(code);
}
