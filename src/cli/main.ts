#!/usr/bin/env node
/**
 * The `kadswarm` bin — the cli layer's entry: dispatches to its subcommands (dispatch.ts).
 *
 * In: argv, flags and config files. Out: runs of the layers below, the report files they
 * return written to disk, text on stdout/stderr, an exit code (0 ok, 1 a run failed a check,
 * 2 bad usage). Never here: protocol, simulation or report logic — a command parses, calls one
 * layer below, writes what it gets back.
 */
import { kadswarm } from './dispatch.js';

process.exitCode = await kadswarm(process.argv.slice(2));
