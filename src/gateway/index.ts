/**
 * The gateway layer: HTTP in front of a running swarm — kv routes, node info, stats, churn,
 * Prometheus metrics and the live dashboard — and the load generator that drives it.
 *
 * In: HTTP requests. Out: swarm commands, JSON, text, server-sent events. Never here: protocol
 * or shard logic (the swarm layer), argument parsing (the CLI).
 */
export { launchGateway, SERVE_TIMEOUTS, type LaunchOptions, type Launched } from './launch.js';
export { Gateway, type GatewayOptions, type StatsJson } from './gateway.js';
