/**
 * The net layer: real transports. A UDP node (the core on the host loop over node:dgram, with
 * an address book), and the SharedArrayBuffer rings and doorbells the swarm's shards exchange
 * wire bytes through.
 *
 * In: datagrams and ring frames. Out: datagrams and ring frames, counted drops, user-facing
 * promises (UdpNode). Never here: protocol decisions, workload, or a thread per node.
 */
export {
  UdpNode,
  StoreRefusedError,
  toKey,
  type UdpNodeOptions,
  type UdpGetResult,
  type UdpFindNodeResult,
  type UdpPutSignedResult,
  type Contact,
} from './udp-node.js';
export { ed25519Verifier, generateSigningKeyPair, signRecord, signedKey, type SigningKeyPair } from './ed25519.js';
export { RateLimiter, DEFAULT_RATE_LIMIT, resolveRateLimit, type RateLimitOptions } from './rate-limit.js';
export { keywordsOf, publishFile, search, type FileEntry, type PublishResult, type SearchResult, type SourcesApi } from './keywords.js';
export { createRingMesh, attachRingMesh, type RingMesh } from './ring-mesh.js';
