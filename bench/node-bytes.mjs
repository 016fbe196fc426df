// Where a joined node's bytes are (issue 14's density target): builds N nodes in one thread the
// way a shard does (a SimNetwork is a Cluster, as a shard is), joins them at zero latency, writes
// a V8 heap snapshot and sums, per node, what each node's objects hold exclusively (an object
// retained by one owner alone is that owner's; shared objects such as the config, the ID table
// and the timer slabs are counted once under "shared"). Backing stores of typed arrays are
// included (a heap snapshot shows them). The tables' words live in the thread's table slab
// (src/core/table-slab.ts), shared chunks: they appear as the slab's line, ÷ nodes.
//
//   npx tsc -p tsconfig.json && node --expose-gc bench/node-bytes.mjs [nodes=10000] [--keep FILE]
//
// Prints one line per owner (bytes per node, objects per node) and the object kinds inside the
// NodeState and the RoutingTable. Heap snapshots are large (~20 MB at 10,000 nodes): the file is
// deleted unless --keep names where to put it.
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimNetwork } from '../dist/src/sim/sim-network.js';
import { timerSlabBytes } from '../dist/src/core/timers.js';
import { tableSlab, tableSlabBytes } from '../dist/src/core/table-slab.js';

const args = process.argv.slice(2);
const keepAt = args.indexOf('--keep');
const keep = keepAt >= 0 ? args.splice(keepAt, 2)[1] : null;
const N = Number(args[0] ?? 10000);
if (!Number.isInteger(N) || N < 2) throw new Error(`nodes must be an integer ≥ 2, got ${args[0]}`);

const sim = new SimNetwork({ seed: 1, network: { latency: { kind: 'constant', ms: 0 }, jitter: 0 }, checkInvariants: false });
// What the stress report counts (shard-ops.ts spawnAll, shard.ts snapshot): the JS heap in use
// plus the typed arrays it names (timer slabs, tables, the record space), after a full GC; the
// code space apart, to show how much of it is compiled code, which no node owns.
const counted = () => {
  tableSlab.compactAll(); // as the shard's gcForReport does
  globalThis.gc?.();
  globalThis.gc?.();
  const tables = tableSlabBytes();
  const code = getHeapSpaceStatistics().find((sp) => sp.space_name === 'code_space')?.space_used_size ?? 0;
  return { all: getHeapStatistics().used_heap_size + timerSlabBytes() + tables + sim.cluster.recordSpace.allocatedBytes, code, tables };
};
const tenth = Math.max(1, Math.floor(N / 10));
for (let i = 0; i < tenth; i++) sim.addNode();
const atTenth = counted();
for (let i = tenth; i < N; i++) sim.addNode();
const atAll = counted();
let failed = 0;
for (const r of sim.joinAll(0, 1, N, 256)) if (!r.ok) failed++;
const atJoin = counted();
const file = writeHeapSnapshot(keep ?? join(tmpdir(), `node-bytes-${process.pid}.heapsnapshot`));
const snap = JSON.parse(readFileSync(file, 'utf8'));
if (!keep) rmSync(file);

const meta = snap.snapshot.meta;
const NF = meta.node_fields.length;
const EF = meta.edge_fields.length;
const { nodes, edges, strings } = snap;
const count = nodes.length / NF;
const F = { type: meta.node_fields.indexOf('type'), name: meta.node_fields.indexOf('name'), size: meta.node_fields.indexOf('self_size'), edges: meta.node_fields.indexOf('edge_count') };
const E = { type: meta.edge_fields.indexOf('type'), to: meta.edge_fields.indexOf('to_node') };
const edgeKind = meta.edge_types[0];
const OBJECT = meta.node_types[0].indexOf('object');
const first = new Uint32Array(count + 1);
for (let i = 0, e = 0; i < count; i++) {
  first[i] = e;
  e += nodes[i * NF + F.edges] * EF;
}
first[count] = edges.length;
const nameOf = (i) => strings[nodes[i * NF + F.name]];
const sizeOf = (i) => nodes[i * NF + F.size];
const strong = (e) => edgeKind[edges[e + E.type]] !== 'weak' && edgeKind[edges[e + E.type]] !== 'shortcut';

// How many strong references each object has: one means it belongs to whoever holds it.
const refs = new Uint32Array(count);
for (let i = 0; i < count; i++) for (let e = first[i]; e < first[i + 1]; e += EF) if (strong(e)) refs[edges[e + E.to] / NF]++;

// The per-node classes: an object of one of these starts its own owner; anything it alone holds is its.
const OWNERS = ['KadNode', 'NodeState', 'NodeExtras', 'Random', 'RoutingTable', 'RecordStore', 'HandOverQueue', 'WriteTokens', 'AddressCheck', 'SourceStore'];
const owned = new Float64Array(OWNERS.length);
const objects = new Float64Array(OWNERS.length);
const inside = OWNERS.map(() => new Map());
const seen = new Uint8Array(count);
let perNode = 0;
const stack = [];
for (let i = 0; i < count; i++) {
  if (nameOf(i) !== 'KadNode' || nodes[i * NF + F.type] !== OBJECT) continue;
  stack.push(i, 0);
  seen[i] = 1;
  while (stack.length > 0) {
    const o = stack.pop();
    const x = stack.pop();
    owned[o] += sizeOf(x);
    objects[o]++;
    perNode += sizeOf(x);
    const kind = nameOf(x).slice(0, 40);
    inside[o].set(kind, (inside[o].get(kind) ?? 0) + sizeOf(x));
    for (let e = first[x]; e < first[x + 1]; e += EF) {
      if (!strong(e)) continue;
      const to = edges[e + E.to] / NF;
      // A table has two holders, its node and the table slab's owner list (table-slab.ts): still the node's.
      if (seen[to] || (refs[to] > 1 && nameOf(to) !== 'RoutingTable')) continue;
      seen[to] = 1;
      const own = OWNERS.indexOf(nameOf(to));
      stack.push(to, own >= 0 && nodes[to * NF + F.type] === OBJECT ? own : o);
    }
  }
}
let total = 0;
for (let i = 0; i < count; i++) total += sizeOf(i);

const fmt = (b) => (b / N).toFixed(0).padStart(7);
console.log(`${N} nodes joined at zero latency (${failed} failed); bytes per node by owner (heap + typed-array bytes)`);
OWNERS.forEach((name, o) => {
  if (owned[o] > 0) console.log(`${fmt(owned[o])} B  ${(objects[o] / N).toFixed(1).padStart(5)} objects  ${name}`);
});
console.log(`${fmt(perNode)} B  per node in all`);
console.log(`${fmt(total - perNode)} B  shared (shard-level arrays, the ID table, timer slabs, code, the runner), ÷ nodes`);
// The stress report's figure, taken the same way in this one thread (src/report/stress-report.ts).
const slope = (atAll.all - atTenth.all) / (N - tenth);
console.log(
  `stress figure here: ${slope.toFixed(0)} B/node at spawn (slope), ${(slope + (atJoin.all - atAll.all) / N).toFixed(0)} after the join; ` +
    `of the join's growth ${((atJoin.all - atAll.all) / N).toFixed(0)} B/node, tables ${((atJoin.tables - atAll.tables) / N).toFixed(0)}, compiled code ${((atJoin.code - atAll.code) / N).toFixed(0)}, the rest ${((atJoin.all - atAll.all - (atJoin.tables - atAll.tables) - (atJoin.code - atAll.code)) / N).toFixed(0)}`,
);
console.log(`${fmt(tableSlabBytes())} B  of the shared: the table slab's chunks (every table's words, table-slab.ts)`);
// The shared part by object kind, largest first: what else grows with the swarm.
const sharedKinds = new Map();
for (let i = 0; i < count; i++) {
  if (seen[i]) continue;
  const kind = nameOf(i).slice(0, 48);
  sharedKinds.set(kind, (sharedKinds.get(kind) ?? 0) + sizeOf(i));
}
console.log(`  shared, by kind: ${[...sharedKinds].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, b]) => `${k.replace('system / ', '')} ${(b / N).toFixed(0)}`).join(', ')}`);
for (const o of [OWNERS.indexOf('NodeState'), OWNERS.indexOf('RoutingTable')]) {
  const parts = [...inside[o]].sort((a, b) => b[1] - a[1]).map(([k, b]) => `${k.replace('system / ', '')} ${(b / N).toFixed(0)}`);
  console.log(`  in ${OWNERS[o]}: ${parts.join(', ')}`);
}
