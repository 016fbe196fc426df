/**
 * The swarm layer: one Kademlia network spread over worker-thread shards on one machine.
 *
 * - `Swarm` (supervisor.ts): starts W shards under piscina, sends them commands over
 *   MessagePorts (control.ts is the thread protocol), gathers results, ends the run when a
 *   shard fails.
 * - `Shard` (shard.ts, run by shard-worker.ts): a sim Cluster plus the SharedArrayBuffer ring
 *   links to every other shard; the real-time loop, and the exchange steps of virtual time.
 * - Scenarios: `runStress` (stress-run.ts), `runChurn` (churn-run.ts), and what every shard does
 *   for them (shard-ops.ts in real time, virtual-run.ts on the virtual clock).
 *
 * In: run options. Out: plain result objects (typed arrays, summaries) that the report layer
 * turns into text, JSON and plots. Never here: formatting, files, HTTP, argument parsing.
 */
export { Swarm, type SwarmOptions } from './supervisor.js';
export { runStress, type StressOptions, type StressResult, type PhaseResult } from './stress-run.js';
export { runChurn, type ChurnOptions, type ChurnResult } from './churn-run.js';
