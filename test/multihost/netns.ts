/**
 * Running a coordinator and its hosts in separate Linux network namespaces joined by a bridge,
 * so they talk over real (virtual Ethernet) interfaces, not loopback. Everything lives in one
 * unprivileged user + network namespace (`unshare -Urn`): inside it we may create a bridge, and
 * each process gets its own nested network namespace (`unshare -n`) with one end of a veth pair,
 * the other end on the bridge. Participant p has address 10.99.0.(p+1); the coordinator is p = 0.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from './processes.js';

/** Why namespaces cannot be used here, or null when they can. */
export function netnsUnavailable(): string | null {
  const probe = spawnSync('unshare', ['-Urn', 'sh', '-c', 'ip link add kbr0 type bridge && ip link add kv0 type veth peer name kv1 && unshare -n true'], { encoding: 'utf8' });
  if (probe.error) return `unshare not runnable: ${probe.error.message}`;
  if (probe.status !== 0) return `unshare -Urn with a bridge and a veth pair failed: ${(probe.stderr || '').trim() || `exit ${probe.status}`}`;
  return null;
}

export const COORDINATOR_IP = '10.99.0.1';

/**
 * Writes a script that starts the coordinator (`stress --hosts H --listen 10.99.0.1:7400 …`) and
 * H hosts, each in its own namespace, waits for all, and writes each one's stderr to
 * `<dir>/<name>.err` and exit code to `<dir>/<name>.rc`. Run it with `unshare -Urn sh <script>`.
 */
export function netnsScript(dir: string, hosts: number, stress: string[]): string {
  const node = process.execPath;
  const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
  const participants = [
    { name: 'coordinator', args: ['stress', '--hosts', String(hosts), '--listen', `${COORDINATOR_IP}:7400`, ...stress] },
    ...Array.from({ length: hosts }, (_, i) => ({ name: `host-${i}`, args: ['host', '--index', String(i), '--hosts', String(hosts), '--coordinator', `${COORDINATOR_IP}:7400`] })),
  ];
  const lines = [
    'set -e',
    'ip link add br0 type bridge',
    'ip link set br0 up',
    'pids=""',
    ...participants.flatMap((p, i) => [
      // The child waits for its interface, configures it, then becomes the kadswarm process.
      `unshare -n sh -c ${q(`while ! ip link show eth0 >/dev/null 2>&1; do sleep 0.05; done; ip link set lo up; ip addr add 10.99.0.${i + 1}/24 dev eth0; ip link set eth0 up; exec ${q(node)} ${q(CLI)} ${p.args.map(q).join(' ')}`)} 2>${q(join(dir, `${p.name}.err`))} >/dev/null &`,
      `pid=$!`,
      // Until the child has unshared, its namespace is ours: wait, or the veth end lands here.
      'while [ "$(readlink /proc/$pid/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do sleep 0.02; done',
      `ip link add vp${i} type veth peer name eth0 netns $pid`,
      `ip link set vp${i} master br0`,
      `ip link set vp${i} up`,
      `pids="$pids ${p.name}:$pid"`,
    ]),
    'set +e',
    'for entry in $pids; do name=${entry%%:*}; pid=${entry##*:}; wait $pid; echo $? > ' + q(dir) + '/$name.rc; done',
  ];
  const file = join(dir, 'run.sh');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
