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
} as const satisfies FlagSpecs;
