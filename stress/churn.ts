/** `node dist/stress/churn.js …` (what `npm run churn` ran before the CLI had subcommands) is `kadswarm churn …`. */
import { runCommand } from '../src/cli/dispatch.js';

process.exitCode = await runCommand('churn', process.argv.slice(2));
