/** `node dist/bench/run.js …` (what `npm run bench` ran before the CLI had subcommands) is `kadswarm bench …`. */
import { runCommand } from '../src/cli/dispatch.js';

process.exitCode = await runCommand('bench', process.argv.slice(2));
