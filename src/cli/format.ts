/** Small formatting helpers shared by the CLI commands. */
export function formatCost(r: { depth: number; rpcs: number; duration: number }): string {
  return `depth ${r.depth}, ${r.rpcs} RPC${r.rpcs === 1 ? '' : 's'}, ${r.duration.toFixed(1)} ms`;
}
