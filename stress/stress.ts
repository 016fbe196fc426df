/** `node dist/stress/stress.js …` (what `npm run stress` ran before the CLI had subcommands) is `kadswarm stress …`. */
import { runCommand } from '../src/cli/dispatch.js';

process.exitCode = await runCommand('stress', process.argv.slice(2));
