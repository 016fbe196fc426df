/**
 * The control messages between the coordinator and a host (issue 16), over the host's control
 * link (links-wire.ts: v8-serialized objects). The order of a run:
 *
 *   host → hello (version, flags hash)      coordinator → refused | setup (every run parameter)
 *   host → listening (its ephemeral port)   coordinator → peers (every host's address), once all listen
 *   host → linked (one TCP link per pair)   coordinator → cmd … (shard commands), phase, go
 *   host → reply …, sync, beat, fail        coordinator → end | abort (with the one message)
 */
import { createHash } from 'node:crypto';
import type { Command, Reply } from './control.js';
import type { SwarmOptions } from './supervisor.js';

/** Bumped when these messages or the data-link bytes change. */
export const LINKS_PROTOCOL = 1;

/** Beats every second each way; a side silent this long is stalled. */
export const BEAT_MS = 1000;
export const DEFAULT_STALL_MS = 30_000;
/** How long a host retries connecting (to the coordinator, to a peer). */
export const CONNECT_RETRY_MS = 30_000;

/** The run parameters a host takes from the coordinator: SwarmOptions without the local-only fields. */
export type HostRunOptions = Omit<SwarmOptions, 'remote' | 'edge' | 'cpuProfileDir' | 'fault'> & { workers: number };

export type ToCoordinator =
  | { t: 'hello'; index: number; version: string; flags: string; flagsHash: string }
  | { t: 'listening'; port: number; address?: string }
  | { t: 'linked' }
  | { t: 'reply'; r: Reply }
  | { t: 'sync'; round: number; value: number }
  | { t: 'beat' }
  | { t: 'fail'; message: string };

export type ToHost =
  | { t: 'refused'; message: string }
  | { t: 'setup'; options: HostRunOptions; stallMs: number }
  | { t: 'peers'; peers: Array<{ index: number; address: string; port: number }> }
  | { t: 'cmd'; shard: number; cmd: Command }
  | { t: 'phase'; name: string }
  | { t: 'go'; round: number; value: number }
  | { t: 'beat' }
  | { t: 'end' }
  | { t: 'abort'; message: string };

/** The flags every host and the coordinator must agree on, as text (for the message) and hash (for the check). */
export function sharedFlags(hosts: number): { flags: string; flagsHash: string } {
  const flags = `--hosts ${hosts}`;
  return { flags, flagsHash: createHash('sha256').update(flags).digest('hex').slice(0, 16) };
}

/** "host:port", ":port" or "port" → its parts (host defaults to `defaultHost`). */
export function parseAddress(addr: string, defaultHost: string): { host: string; port: number } {
  const m = /^(?:\[?([^\]]*?)\]?:)?(\d+)$/.exec(addr.trim());
  if (!m) throw new Error(`not an address: "${addr}" (expected host:port)`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`port out of range in "${addr}"`);
  return { host: m[1] ? m[1] : defaultHost, port };
}
