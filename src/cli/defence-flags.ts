/**
 * The defence flags of issue 13, shared by stress and churn word for word: each is one KadConfig
 * setting (default off, so a run without them keeps today's message flow), except --subnets,
 * which shapes the swarm's synthetic addresses (src/swarm/identities.ts).
 */
import type { KadConfig } from '../core/config.js';
import { choiceFlag, intFlag, type FlagSpecs } from './flags.js';

export const DEFENCE_FLAGS = {
  disjoint: { type: 'string', arg: 'd', help: 'S/Kademlia disjoint lookup paths for gets, finds and the lookup before a put: 1, 2, 4 or 8 (default 1)' },
  'disjoint-vote': { type: 'boolean', help: 'with --disjoint d > 1: a value counts only when most paths that found one agree (against poison)' },
  'id-from-ip': { type: 'boolean', help: 'BEP 42: nodes derive their IDs from their (synthetic) IPv4 address; a contact whose ID does not match gets no table slot' },
  subnets: { type: 'string', arg: 'S', help: 'the adversaries share S synthetic /24 subnets; every honest node has its own (default 1)' },
  'max-per-subnet': { type: 'string', arg: 'N', help: 'IP diversity: contacts of one /24 per bucket, 0 = no limit (default 0; libtorrent 1)' },
  'max-per-ip': { type: 'string', arg: 'N', help: 'IP diversity: contacts of one IP per routing table, 0 = no limit (default 0; libtorrent 1)' },
  'restrict-search-ips': { type: 'boolean', help: "libtorrent restrict_search_ips: at most one contact per /24 in a lookup's shortlist" },
  'id-puzzle': { type: 'string', arg: 'c', help: 'S/Kademlia static puzzle: IDs are SHA-1(key) with c leading zero bits in SHA-1(ID), 0..24; others are refused (default 0 = off)' },
  'content-addressed': { type: 'boolean', help: 'a value must hash to its key (SHA-1): other STOREs are refused, other VALUE replies dropped' },
} as const satisfies FlagSpecs;

export interface DefenceValues {
  disjoint?: string | undefined;
  'disjoint-vote'?: boolean | undefined;
  'id-from-ip'?: boolean | undefined;
  subnets?: string | undefined;
  'max-per-subnet'?: string | undefined;
  'max-per-ip'?: string | undefined;
  'restrict-search-ips'?: boolean | undefined;
  'id-puzzle'?: string | undefined;
  'content-addressed'?: boolean | undefined;
}

/** The KadConfig part of the defence flags: only the flags given (the config file or the default decides the rest). */
export function defenceConfig(v: DefenceValues): Partial<KadConfig> {
  const c: Partial<KadConfig> = {};
  if (v.disjoint !== undefined) c.disjointPaths = Number(choiceFlag('disjoint', v.disjoint, ['1', '2', '4', '8'] as const));
  if (v['disjoint-vote']) c.disjointVote = true;
  if (v['id-from-ip']) c.idFromIp = true;
  if (v['max-per-subnet'] !== undefined) c.maxPerSubnetPerBucket = intFlag('max-per-subnet', v['max-per-subnet'], 0, 255);
  if (v['max-per-ip'] !== undefined) c.maxPerIp = intFlag('max-per-ip', v['max-per-ip'], 0);
  if (v['restrict-search-ips']) c.restrictSearchIps = true;
  if (v['id-puzzle'] !== undefined) c.idPuzzleBits = intFlag('id-puzzle', v['id-puzzle'], 0, 24);
  if (v['content-addressed']) c.contentAddressed = true;
  return c;
}

/** --subnets S: how many /24s the adversaries share (1 when not given). */
export function subnetsFlag(v: DefenceValues): number {
  return v.subnets === undefined ? 1 : intFlag('subnets', v.subnets, 1, 65536);
}
