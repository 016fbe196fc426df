/**
 * The subcommands of `kadswarm` and the top-level options (--help, --version).
 * Each command's module is imported only when that command runs, so
 * `kadswarm --version` or `kadswarm node --help` does not load the swarm,
 * the gateway, autocannon or tinybench.
 */
import { closestName } from '../core/names.js';
import { packageVersion } from './environment.js';
import { EXIT, UsageError } from './flags.js';

type Command = (argv: string[]) => Promise<number>;

interface CommandEntry {
  name: string;
  /** One line for the top-level help. */
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'stress', summary: 'a swarm of real Kademlia nodes on worker threads: join, store, read back, report', load: async () => (await import('./stress-command.js')).stressCommand },
  { name: 'churn', summary: 'nodes leaving and returning, in deterministic virtual time (--sweep: a grid of runs)', load: async () => (await import('./churn-command.js')).churnCommand },
  { name: 'load', summary: 'an HTTP load test (autocannon) against a kadswarm serve gateway', load: async () => (await import('./load-command.js')).loadCommand },
  { name: 'serve', summary: 'an HTTP gateway and live dashboard over a swarm', load: async () => (await import('./serve-command.js')).serveCommand },
  { name: 'node', summary: 'one real node on UDP with a line-oriented REPL', load: async () => (await import('./node-command.js')).nodeCommand },
  { name: 'bench', summary: 'microbenchmarks (ops/s) and bytes per node against the memory budget', load: async () => (await import('./bench-command.js')).benchCommand },
  { name: 'host', summary: 'one host of a swarm across machines, driven by `kadswarm stress --hosts H` (README "Running across machines")', load: async () => (await import('./host-command.js')).hostCommand },
  { name: 'compare', summary: 'two stress reports side by side: each figure, the ratio, and whether the 95 % intervals differ', load: async () => (await import('./compare-command.js')).compareCommand },
];

export function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `kadswarm: a Kademlia DHT and a swarm runner

Usage: kadswarm <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run kadswarm <command> --help for the options of one command, kadswarm --version for the version.

Examples:
  kadswarm stress --nodes 10000
  kadswarm churn --nodes 1000 --uptime 20m
  kadswarm serve --nodes 10000 --port 8080

Exit codes: 0 ok, 1 the run failed (a threshold such as --min-success or --max-p99-ms, failed joins), 2 bad usage.`;
}

/**
 * Runs one command. An error it throws is printed as "<command>: <message>":
 * bad usage (a UsageError: an unknown flag, a bad value, a config file that does
 * not parse, a swarm too large for the machine) exits 2, anything else 1, so a
 * script can tell "fix the command line" from "the run failed".
 */
export async function runCommand(name: string, argv: string[]): Promise<number> {
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) throw new Error(`no command "${name}"`);
  try {
    const command = await entry.load();
    return await command(argv);
  } catch (err) {
    console.error(`${name}: ${(err as Error).message}`);
    return err instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
}

/** `kadswarm …`: the exit code. */
export async function kadswarm(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  switch (first) {
    case undefined:
    case '--help':
    case '-h':
      console.log(topLevelHelp());
      return 0;
    case 'help':
      // `kadswarm help stress` is `kadswarm stress --help`.
      return rest[0] === undefined ? kadswarm([]) : kadswarm([rest[0], '--help']);
    case '--version':
    case '-v':
      console.log(packageVersion());
      return 0;
  }
  if (COMMANDS.some((c) => c.name === first)) return runCommand(first, rest);
  const names = COMMANDS.map((c) => c.name);
  const near = closestName(first, names);
  console.error(`kadswarm: unknown command "${first}"${near ? ` (did you mean ${near}?)` : ''}; the commands are ${names.join(', ')} (kadswarm --help)`);
  return EXIT.usage;
}
