/** `node dist/stress/load.js …` (what `npm run load` ran before the CLI had subcommands) is `kadswarm load …`. */
import { runCommand } from '../src/cli/dispatch.js';

process.exitCode = await runCommand('load', process.argv.slice(2));
