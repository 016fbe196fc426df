/**
 * Which shard hosts which node: node i lives on shard i mod W, at local slot
 * floor(i / W). Interleaving spreads the bootstrap nodes and any index range
 * over all shards, and a node's address stays its global index whatever W is.
 */
export function shardOf(node: number, shards: number): number {
  return node % shards;
}

export function localSlot(node: number, shards: number): number {
  return Math.floor(node / shards);
}

export function nodesOnShard(shard: number, shards: number, nodes: number): number {
  return shard < nodes ? Math.floor((nodes - 1 - shard) / shards) + 1 : 0;
}
