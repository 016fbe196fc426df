/**
 * Issue 16: the launch files (Dockerfile, deploy/compose.yaml, deploy/k8s/) start one image and
 * one CLI: a coordinator `stress --hosts H --listen ADDR` and H hosts `host --index i --hosts H
 * --coordinator ADDR`, with every index passed once, every --hosts equal, the coordinator named by
 * the address it listens on, and every flag one the CLI knows. Parsed with js-yaml; nothing is run
 * (this machine has a Docker client but no engine).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { HOST_USAGE } from '../../src/cli/host-command.js';
import { STRESS_USAGE } from '../../src/cli/stress-command.js';
import { ROOT } from '../swarm/dist.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const text = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');

/** The value after `--flag` in an argument list. */
const flag = (args: string[], name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

/** Every --flag in args is documented in the command's --help. */
const knownFlags = (args: string[]): void => {
  const usage = args[0] === 'host' ? HOST_USAGE : STRESS_USAGE;
  for (const a of args.filter((a) => a.startsWith('--'))) expect(usage, `${args[0]} ${a}`).toContain(`${a} `);
};

const IMAGE = 'kadswarm:latest';

describe('Dockerfile', () => {
  it('runs the kadswarm CLI from the build', () => {
    const d = text('Dockerfile');
    expect(d).toMatch(/^FROM node:20/m);
    expect(d).toContain('ENTRYPOINT ["node", "dist/src/cli/main.js"]');
    expect(d).toMatch(/npm ci --omit=dev/);
  });
});

describe('deploy/compose.yaml', () => {
  const compose = load(text('deploy/compose.yaml')) as Obj;
  const services = compose.services as Record<string, Obj>;
  const coordinator = services.coordinator!;
  const hosts = Object.entries(services).filter(([name]) => name !== 'coordinator');

  it('one coordinator and H hosts of the same image and CLI, on one network', () => {
    const H = Number(flag(coordinator.command, 'hosts'));
    expect(coordinator.command[0]).toBe('stress');
    expect(hosts.length).toBe(H);
    for (const [, s] of [['coordinator', coordinator] as const, ...hosts]) {
      expect(s.image).toBe(IMAGE);
      expect(s.networks).toEqual(['swarm']);
      knownFlags(s.command);
    }
    expect(compose.networks).toHaveProperty('swarm');
  });

  it('every index once, every --hosts equal, the coordinator named by its listen port', () => {
    const H = flag(coordinator.command, 'hosts');
    const port = flag(coordinator.command, 'listen')!.split(':')[1];
    const indices = hosts.map(([name, s]) => {
      expect(s.command[0]).toBe('host');
      expect(flag(s.command, 'hosts')).toBe(H);
      expect(flag(s.command, 'coordinator')).toBe(`coordinator:${port}`);
      expect(name).toBe(`host-${flag(s.command, 'index')}`);
      return Number(flag(s.command, 'index'));
    });
    expect(indices.sort()).toEqual(Array.from({ length: Number(H) }, (_, i) => i));
  });
});

describe('deploy/k8s', () => {
  const docs = [...loadAll(text('deploy/k8s/hosts.yaml')), ...loadAll(text('deploy/k8s/coordinator.yaml'))] as Obj[];
  const find = (kind: string, name: string): Obj => {
    const d = docs.find((x) => x.kind === kind && x.metadata.name === name);
    expect(d, `${kind} ${name}`).toBeDefined();
    return d!;
  };
  const hostJob = find('Job', 'kadswarm-host');
  const hostsService = find('Service', 'kadswarm-hosts');
  const coordJob = find('Job', 'kadswarm-coordinator');
  const coordService = find('Service', 'kadswarm-coordinator');
  const hostPod = hostJob.spec.template.spec;
  const coordPod = coordJob.spec.template.spec;
  const hostArgs = hostPod.containers[0].args as string[];
  const coordArgs = coordPod.containers[0].args as string[];

  it('the hosts are an Indexed Job: all at once, never restarted, the index passed as --index', () => {
    const H = Number(flag(coordArgs, 'hosts'));
    expect(hostJob.spec.completionMode).toBe('Indexed');
    expect(hostJob.spec.parallelism).toBe(H);
    expect(hostJob.spec.completions).toBe(H);
    expect(hostJob.spec.backoffLimit).toBe(0);
    expect(hostPod.restartPolicy).toBe('Never');
    expect(hostArgs[0]).toBe('host');
    expect(flag(hostArgs, 'index')).toBe('$(JOB_COMPLETION_INDEX)');
    expect(flag(hostArgs, 'hosts')).toBe(String(H));
    const env = (hostPod.containers[0].env as Obj[]).find((e) => e.name === 'JOB_COMPLETION_INDEX');
    expect(env?.valueFrom.fieldRef.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    knownFlags(hostArgs);
  });

  it('the subdomain is a headless Service over the host pods, and hosts advertise their stable names', () => {
    expect(hostPod.subdomain).toBe(hostsService.metadata.name);
    expect(hostsService.spec.clusterIP).toBe('None');
    expect(hostsService.spec.selector).toEqual(hostJob.spec.template.metadata.labels);
    expect(flag(hostArgs, 'advertise')).toBe(`${hostJob.metadata.name}-$(JOB_COMPLETION_INDEX).${hostsService.metadata.name}`);
  });

  it('the coordinator is a Job with a Service the hosts name, on the port it listens on', () => {
    expect(coordArgs[0]).toBe('stress');
    expect(coordJob.spec.backoffLimit).toBe(0);
    expect(coordPod.restartPolicy).toBe('Never');
    const port = Number(flag(coordArgs, 'listen')!.split(':')[1]);
    expect(coordService.spec.selector).toEqual(coordJob.spec.template.metadata.labels);
    expect(coordService.spec.ports[0].targetPort).toBe(port);
    expect(flag(hostArgs, 'coordinator')).toBe(`${coordService.metadata.name}:${coordService.spec.ports[0].port}`);
    knownFlags(coordArgs);
  });

  it('the same image as Compose', () => {
    expect(hostPod.containers[0].image).toBe(IMAGE);
    expect(coordPod.containers[0].image).toBe(IMAGE);
  });
});
