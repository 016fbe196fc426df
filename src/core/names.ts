/**
 * "Did you mean" for a mistyped name (a CLI flag, a config key): the closest
 * candidate by edit distance, when it is close enough to be a likely typo.
 * In core so that config validation and the CLI share one rule.
 */

/** Edit distance counting a swap of two neighbours as one edit (nodse → nodes), case-insensitive. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate nearest to `name`, or undefined when none is near: at most a
 * third of the name's length in edits (at least 1, at most 3; names shorter than
 * 3 letters: none), or a candidate
 * that starts with the name (--join for --join-concurrency is a guess worth showing).
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  // Names of one or two letters are too short for a guess to mean anything (only a case difference counts).
  const limit = name.length < 3 ? 0 : Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  if (best !== undefined && bestD <= limit) return best;
  return name.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(name.toLowerCase())) : undefined;
}
