// Cost of the static ID puzzle (issue 13): CPU time to mint one ID for c = 8, 12, 16, 20 (the
// swarm's honestId, node:crypto SHA-1), and to verify one (the core's pure-JS check, two SHA-1s).
// CPU time, not wall time: run with `npx tsc -p tsconfig.json && node bench/id-puzzle-cost.mjs`.
import { resolveConfig } from '../dist/src/core/config.js';
import { honestId, PUZZLE_KEY_WORDS } from '../dist/src/swarm/identities.js';
import { puzzleHolds } from '../dist/src/core/id-puzzle.js';
import { idToWords } from '../dist/src/core/id.js';

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const rows = [];
for (const [c, n] of [[8, 2000], [12, 200], [16, 16], [20, 3]]) {
  const config = resolveConfig({ idPuzzleBits: c });
  const keys = new Uint32Array(n * PUZZLE_KEY_WORDS);
  const t0 = cpu();
  const ids = [];
  for (let i = 0; i < n; i++) ids.push(honestId(1, i, 0, config, keys));
  const mintMs = (cpu() - t0) / n;
  const t1 = cpu();
  let ok = 0;
  const reps = 20000;
  for (let r = 0; r < reps; r++) {
    const i = r % n;
    const key = new Uint8Array(12);
    const v = new DataView(key.buffer);
    for (let w = 0; w < 3; w++) v.setUint32(w * 4, keys[i * 3 + w]);
    if (puzzleHolds(idToWords(ids[i]), 0, c, key)) ok++;
  }
  const verifyUs = ((cpu() - t1) / reps) * 1000;
  rows.push({ c, ids: n, mintMsPerId: +mintMs.toFixed(3), expectedHashes: 2 * 2 ** c, verifyUsPerId: +verifyUs.toFixed(2), verified: ok === reps });
}
console.table(rows);
