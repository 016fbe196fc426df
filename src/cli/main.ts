#!/usr/bin/env node
/** The `kadswarm` bin: dispatches to its subcommands (src/cli/dispatch.ts). */
import { kadswarm } from './dispatch.js';

process.exitCode = await kadswarm(process.argv.slice(2));
