/**
 * Flags that stress and churn share word for word (the config file, the memory check, the heap
 * limit, the invariant checker): one definition, so their help and parsing cannot drift apart.
 */
import type { JoinMode } from '../core/config.js';
import { choiceFlag, UsageError, type FlagSpecs } from './flags.js';

export const RUN_FLAGS = {
  config: { type: 'string', arg: 'FILE', help: 'JSON settings: flag names as keys, and "kad" for every protocol setting (README "Config file"); flags override it' },
  'max-heap-mb': { type: 'string', arg: 'MB', help: 'V8 heap limit of each worker thread, in MiB (default 4096)' },
  force: { type: 'boolean', help: 'start even when the memory estimate says the swarm will not fit in this machine' },
  'check-invariants': { type: 'boolean', help: "check the simulator's invariants after every event (slower); a broken one ends the run with the seed" },
  workload: { type: 'string', arg: 'default|files', default: 'default', help: 'files: also publish files (sources + keyword entries), look their sources up and search them by keyword (README "File-sharing workload")' },
  files: { type: 'string', arg: 'N', help: 'with --workload files: files published (default nodes / 10)' },
  sources: { type: 'string', arg: 'S', help: 'with --workload files: publishers per file, distinct random nodes (default 3)' },
  join: {
    type: 'string',
    arg: 'lean|paper|oracle',
    help: 'how nodes join (KadConfig joinMode): lean (default: self-lookup to the 1.5k nearest, only ranges short of k refreshed), paper (§2.3: a full refresh of every far range), oracle (churn: tables filled from the sorted IDs, no joins)',
  },
} as const satisfies FlagSpecs;

/**
 * --join: a KadConfig joinMode, or `oracle` (no joins at all: churn fills the tables from the
 * sorted IDs). `protocol`, churn's old name for "run the joins", means the default joinMode.
 * Unset: nothing (the config file's "kad" joinMode, else the default, applies).
 */
export function joinFlag(v: string | undefined, command: 'stress' | 'churn'): { mode?: JoinMode; oracle: boolean } {
  if (v === undefined || v === 'protocol') return { oracle: false };
  const choice = choiceFlag('join', v, ['lean', 'paper', 'oracle'] as const);
  if (choice !== 'oracle') return { mode: choice, oracle: false };
  if (command !== 'churn') throw new UsageError('--join oracle fills tables without joins: it is for kadswarm churn; stress measures the joins (--join lean or paper)');
  return { oracle: true };
}
