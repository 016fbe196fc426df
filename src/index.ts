/**
 * kadswarm's library API.
 *
 * - `createNode` starts a real node on UDP: `join`, `put`, `get`, `findNode`,
 *   `ping`, `close`, and events ('stored', 'lookup', 'timeout', 'drop'); the
 *   sources kind (`addSource`, `findSources`: many values per key) and keyword
 *   search (`publishFile`, `search`), also usable on a SimNetwork node.
 * - `KadNode` is the sans-IO protocol core, for hosting nodes over your own
 *   transport (feed it inputs, drain its outputs: see src/core/index.ts), and
 *   `SimNetwork` runs many of them in one thread on virtual time.
 */
import { UdpNode, type UdpNodeOptions } from './net/udp-node.js';

export function createNode(opts: UdpNodeOptions): Promise<UdpNode> {
  return UdpNode.create(opts);
}

export { UdpNode, toKey, type UdpNodeOptions, type UdpNodeState, type UdpGetResult, type UdpFindNodeResult, type Contact } from './net/udp-node.js';
export type { DropScope } from './net/datagram-accounts.js';
export { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './net/rate-limit.js';
export { StoreRefusedError, type UdpPutSignedResult } from './net/udp-node.js';
export { generateSigningKeyPair, signedKey, signRecord, ed25519Verifier, type SigningKeyPair } from './net/ed25519.js';
export { StoreCode, STORE_CODE_NAMES, STORE_CODE_TEXT, type SignedPart, type StoreRefusal } from './core/messages.js';
export { signedPayload, type SignatureVerifier } from './core/signed.js';
export { KadNode, type NodeEvent, type DoneEvent, type DropReason, type LookupCost, type LookupStep, type FindNodeResult, type GetResult, type PutResult, type JoinResult, type PingResult, type AddSourceResult, type FindSourcesResult, type SourceFound } from './core/index.js';
export { keywordsOf, publishFile, search, type FileEntry, type PublishResult, type SearchResult, type SourcesApi } from './net/keywords.js';
export { DEFAULT_CONFIG, UDP_DEFAULTS, resolveConfig, type KadConfig, SECOND, MINUTE, HOUR } from './core/config.js';
export { keyFromString } from './core/key.js';
export { idToHex, hexToId, xorDistance } from './core/id.js';
export { PeerIds } from './core/peers.js';
export { Random } from './core/random.js';
export { MessageType, type Message } from './core/messages.js';
export { SimNetwork, type SimOptions } from './sim/sim-network.js';
export { HostLoop, RealClock, VirtualClock, type Clock, type Done, type EventSink, type Outbox, type WakeQueue } from './host/index.js';
