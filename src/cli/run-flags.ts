/**
 * Flags that stress and churn share word for word (the config file, the memory check, the heap
 * limit, the invariant checker): one definition, so their help and parsing cannot drift apart.
 */
import type { FlagSpecs } from './flags.js';

export const RUN_FLAGS = {
  config: { type: 'string', arg: 'FILE', help: 'JSON settings: flag names as keys, and "kad" for every protocol setting (README "Config file"); flags override it' },
  'max-heap-mb': { type: 'string', arg: 'MB', help: 'V8 heap limit of each worker thread, in MiB (default 4096)' },
  force: { type: 'boolean', help: 'start even when the memory estimate says the swarm will not fit in this machine' },
  'check-invariants': { type: 'boolean', help: "check the simulator's invariants after every event (slower); a broken one ends the run with the seed" },
  workload: { type: 'string', arg: 'default|files', default: 'default', help: 'files: also publish files (sources + keyword entries), look their sources up and search them by keyword (README "File-sharing workload")' },
  files: { type: 'string', arg: 'N', help: 'with --workload files: files published (default nodes / 10)' },
  sources: { type: 'string', arg: 'S', help: 'with --workload files: publishers per file, distinct random nodes (default 3)' },
} as const satisfies FlagSpecs;
