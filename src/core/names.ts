/**
 * "Did you mean" for a mistyped name (a CLI flag, a config key): the closest
 * candidate by edit distance, when it is close enough to be a likely typo.
 * In core so that config validation and the CLI share one rule.
 */

/** Levenshtein distance, case-insensitive (--Nodes and --nodes are one typo apart at most). */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The candidate nearest to `name`, or undefined when none is near: at most a
 * third of the name's length in edits (at least 1, at most 3), or a candidate
 * that starts with the name (--join for --join-concurrency is a guess worth showing).
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  if (best !== undefined && bestD <= limit) return best;
  return name.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(name.toLowerCase())) : undefined;
}
