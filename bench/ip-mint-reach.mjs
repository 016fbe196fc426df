// Issue 13: how close an eclipse attacker gets to a target key under BEP 42 (IDs derived from
// addresses) with S /24 subnets, against N honest random IDs: of the k = 20 closest IDs to the
// target, how many the attacker holds (no diversity limit), and how many survive libtorrent's
// one-per-/24 rule (per bucket and in a shortlist: at most one per subnet). Free minting (no BEP 42)
// takes all 20. Offline count, no swarm: `npx tsc -p tsconfig.json && node bench/ip-mint-reach.mjs`.
import { Random } from '../dist/src/core/random.js';
import { IpIdMinter, adversarySubnets } from '../dist/src/swarm/identities.js';

const K = 20;
const cmp = (a, b, t) => { for (let i = 0; i < 20; i++) { const x = a[i] ^ t[i], y = b[i] ^ t[i]; if (x !== y) return x - y; } return 0; };
const rows = [];
for (const N of [2000, 10000]) {
  const rng = new Random(1);
  const honest = Array.from({ length: N }, () => ({ id: rng.bytes(20), subnet: -1 }));
  for (const S of [1, 4, 16, 64]) {
    let held = 0, afterLimit = 0;
    const targets = 20;
    for (let t = 0; t < targets; t++) {
      const target = new Random(100 + t).bytes(20);
      const minter = new IpIdMinter(adversarySubnets(7, S));
      const adv = [];
      for (let j = 0; j < 2 * K; j++) { const id = minter.mint(j, target, rng); adv.push({ id, subnet: minter.ipOf.get(j) >>> 8 }); }
      const all = honest.concat(adv).sort((a, b) => cmp(a.id, b.id, target)).slice(0, K);
      const mine = all.filter((e) => e.subnet >= 0);
      held += mine.length;
      afterLimit += new Set(mine.map((e) => e.subnet)).size;
    }
    rows.push({ N, subnets: S, advInKClosest: +(held / targets).toFixed(1), afterOnePerSubnet: +(afterLimit / targets).toFixed(1) });
  }
}
console.table(rows);
