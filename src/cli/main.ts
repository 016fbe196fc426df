#!/usr/bin/env node
/** The kadswarm command: dispatches to its subcommands. */
import { nodeCommand, NODE_USAGE } from './node-command.js';

const USAGE = `kadswarm: a Kademlia DHT and a swarm runner

Usage:
  kadswarm node -l <host:port> [-r <host:port>]   a real node on UDP with a REPL
  kadswarm stress [--nodes 10000] ...             a swarm stress run (same as npm run stress)
  kadswarm serve [--nodes 10000] [--port 8080]    an HTTP gateway and live dashboard over a swarm

${NODE_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'node':
      return nodeCommand(rest);
    case 'stress': {
      const { stressCommand } = await import('../../stress/stress.js');
      return stressCommand(rest);
    }
    case 'serve': {
      const { serveCommand } = await import('./serve-command.js');
      return serveCommand(rest);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`kadswarm: unknown command "${cmd}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    console.error(`kadswarm: ${err.message}`);
    process.exitCode = 1;
  },
);
