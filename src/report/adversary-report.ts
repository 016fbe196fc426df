/**
 * The adversary section of the stress report (issue 13): what the attack did to honest lookups
 * and what it cost, beside S/Kademlia's model. The success ratios of `lookups.*` already count
 * honest lookups only (the workload asks only from honest nodes) and the store's counts a put
 * as landing when an honest node other than the putter holds it (swarm/adversary-run.ts).
 *
 * The model (Baumgart & Mies, S/Kademlia, 2007): a path of h hops meets no adversary with
 * probability (1 − f)^h, and d disjoint paths fail only when every one meets one, so a lookup
 * succeeds with 1 − (1 − (1 − f)^h)^d. It assumes an adversary on a path defeats it and an
 * adversary-free path succeeds; h is measured here as the mean learned-from depth of the gets.
 */
import { MESSAGE_TYPE_NAMES } from '../core/messages.js';
import type { AttackKind, Placement } from '../sim/adversary.js';
import type { StressResult } from '../swarm/stress-run.js';
import type { AdversaryRun } from '../swarm/adversary-run.js';
import type { ChurnResult } from '../swarm/churn-run.js';
import { formatTable } from './table.js';

export interface AdversaryPhase {
  count: number;
  successRatio: number;
  /** Lookups that sent a request to at least one adversary. */
  touchedRatio: number;
  meanRpcs: number;
  meanDepth: number;
  meanLatencyMs: number;
}

export interface AdversaryReport {
  attack: AttackKind;
  fraction: number;
  placement: Placement;
  targets: number;
  adversaries: number;
  minted: number;
  disjointPaths: number;
  phases: Record<string, AdversaryPhase>;
  /** Gets of the target keys (key0 … key{T−1}) only. */
  targetGets: { count: number; successRatio: number };
  /** Puts whose value some honest node other than the putter holds at the end of the run. */
  putsLanding: number;
  /** Honest running nodes' table entries that are adversaries. */
  tableShare: number;
  model: { h: number; f: number; d: number; successRatio: number; note: string };
  attackAnswers: Record<string, { answered: number; silenced: number }>;
  /**
   * Per target key: adversaries with a valid ID closer to it than its k-th closest honest node
   * (≥ k: eclipsed in ID space), and how many targets that is.
   */
  nearTargets: { perTarget: number[]; min: number; median: number; max: number; k: number; eclipsed: number };
  /** Under --id-puzzle c: the attacker's budget and what it bought, and the honest price per ID. */
  puzzle?: {
    bits: number;
    budget: number;
    hashes: number;
    attackMs: number;
    validIds: number;
    /** Minters given a valid ID (the rest are refused by every honest table). */
    validMinters: number;
    honestHashesPerId: number;
    honestMsPerId: number;
  };
}

/** S/Kademlia's success of d disjoint paths of h hops among a fraction f of adversaries. */
export function disjointModel(f: number, h: number, d: number): number {
  return 1 - Math.pow(1 - Math.pow(1 - f, h), d);
}

export function buildAdversaryReport(r: StressResult): AdversaryReport | undefined {
  const a = r.adversary;
  if (!a) return undefined;
  const phases: Record<string, AdversaryPhase> = {};
  for (const p of r.phases) {
    if (!p.rows || p.kind === 'join' || p.kind === 'spawn') continue;
    const rows = p.rows;
    let ok = 0, touched = 0, rpcs = 0, depth = 0, ms = 0;
    for (let i = 0; i < p.count; i++) {
      ok += rows.ok[i]!;
      touched += rows.touched[i]!;
      rpcs += rows.rpcs[i]!;
      depth += rows.depth[i]!;
      ms += rows.duration[i]!;
    }
    const n = Math.max(1, p.count);
    phases[p.name] = { count: p.count, successRatio: ok / n, touchedRatio: touched / n, meanRpcs: rpcs / n, meanDepth: depth / n, meanLatencyMs: ms / n };
  }
  const get = r.phases.find((p) => p.name === 'get');
  let tCount = 0, tOk = 0;
  if (get?.rows && get.items) {
    for (let i = 0; i < get.count; i++) {
      if (get.items[i]! >= a.spec.targets) continue;
      tCount++;
      tOk += get.rows.ok[i]!;
    }
  }
  const d = Number((r.options.config as Record<string, unknown>).disjointPaths ?? 1) || 1;
  const h = phases.get?.meanDepth ?? NaN;
  const f = a.adversaries / r.options.nodes;
  const answers: AdversaryReport['attackAnswers'] = {};
  MESSAGE_TYPE_NAMES.forEach((name, i) => {
    if (a.answered[i]! > 0 || a.silenced[i]! > 0) answers[name] = { answered: a.answered[i]!, silenced: a.silenced[i]! };
  });
  return {
    attack: a.spec.attack,
    fraction: a.spec.fraction,
    placement: a.spec.placement,
    targets: a.spec.targets,
    adversaries: a.adversaries,
    minted: a.minted,
    disjointPaths: d,
    phases,
    targetGets: { count: tCount, successRatio: tCount ? tOk / tCount : NaN },
    putsLanding: phases.store?.successRatio ?? NaN,
    tableShare: a.tableContacts ? a.tableAdversaries / a.tableContacts : NaN,
    model: { h, f, d, successRatio: disjointModel(f, h, d), note: 'S/Kademlia: 1 − (1 − (1 − f)^h)^d, h = mean depth of the honest gets' },
    attackAnswers: answers,
    ...idFigures(a, Number((r.options.config as Record<string, unknown>).k ?? 20) || 20),
  };
}

/** The ID-space figures of an attack (stress and churn): adversaries near each target, and what the puzzle cost both sides. */
export function idFigures(a: Pick<AdversaryRun, 'nearTargets' | 'puzzle' | 'idCost'>, k: number): Pick<AdversaryReport, 'nearTargets' | 'puzzle'> {
  const pz = a.puzzle;
  const cost = a.idCost;
  return {
    nearTargets: nearSummary(a.nearTargets, k),
    ...(pz
      ? {
          puzzle: {
            bits: pz.bits,
            budget: pz.budget,
            hashes: pz.hashes,
            attackMs: pz.ms,
            validIds: pz.validIds,
            validMinters: pz.validMinters,
            honestHashesPerId: cost && cost.ids ? cost.hashes / cost.ids : NaN,
            honestMsPerId: cost && cost.ids ? cost.ms / cost.ids : NaN,
          },
        }
      : {}),
  };
}

function nearSummary(per: number[], k: number): AdversaryReport['nearTargets'] {
  const sorted = [...per].sort((x, y) => x - y);
  return {
    perTarget: per,
    min: sorted[0] ?? NaN,
    median: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    k,
    eclipsed: per.filter((x) => x >= k).length,
  };
}

/** The lines of idFigures (none when no ID was minted). */
export function formatIdFigures(f: Pick<AdversaryReport, 'nearTargets' | 'puzzle'>, minted: number): string[] {
  const out: string[] = [];
  const nt = f.nearTargets;
  if (minted && nt.perTarget.length)
    out.push(`Adversary IDs inside each target's k-closest region (closer than its ${nt.k}th honest node): min ${nt.min}, median ${nt.median}, max ${nt.max}; ${nt.eclipsed} of ${nt.perTarget.length} targets hold ≥ k`);
  const pz = f.puzzle;
  if (pz)
    out.push(
      `ID puzzle c = ${pz.bits}: attacker budget ${pz.budget.toExponential(2)} SHA-1s (${pz.hashes.toExponential(2)} spent, ${(pz.attackMs / 1000).toFixed(2)} s here) bought ${pz.validIds} valid IDs; ${pz.validMinters} of ${minted} minters hold one. ` +
        `Honest price per join: ${pz.honestHashesPerId.toFixed(0)} SHA-1s, ${pz.honestMsPerId.toFixed(3)} ms per ID`,
    );
  return out;
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : 'n/a');

export function formatAdversaryReport(a: AdversaryReport): string {
  const out: string[] = [];
  out.push(
    `Adversaries: ${a.adversaries} (${pct(a.fraction)}) running ${a.attack}, placement ${a.placement}${a.minted ? `, ${a.minted} IDs minted around ${a.targets} target keys` : ''}; disjoint paths d = ${a.disjointPaths}`,
  );
  const names = Object.keys(a.phases);
  out.push(
    formatTable(
      ['honest lookups', ...names],
      [
        ['success', ...names.map((n) => pct(a.phases[n]!.successRatio))],
        ['touched an adversary', ...names.map((n) => pct(a.phases[n]!.touchedRatio))],
        ['RPCs mean', ...names.map((n) => a.phases[n]!.meanRpcs.toFixed(1))],
        ['depth mean', ...names.map((n) => a.phases[n]!.meanDepth.toFixed(2))],
        ['latency mean ms', ...names.map((n) => a.phases[n]!.meanLatencyMs.toFixed(1))],
      ],
    ),
  );
  out.push(
    `Gets of the ${a.targets} target keys: ${pct(a.targetGets.successRatio)} of ${a.targetGets.count}; puts landing on an honest node: ${pct(a.putsLanding)}; ` +
      `honest tables' entries that are adversaries: ${pct(a.tableShare)}`,
  );
  out.push(`Model (S/Kademlia, f = ${a.model.f.toFixed(3)}, h = ${a.model.h.toFixed(2)}, d = ${a.model.d}): ${pct(a.model.successRatio)} of gets succeed; measured ${pct(a.phases.get?.successRatio ?? NaN)}`);
  out.push(...formatIdFigures(a, a.minted));
  const ans = Object.entries(a.attackAnswers);
  if (ans.length) out.push(`Attack: ${ans.map(([k, v]) => `${k} ${v.answered} answered${v.silenced ? `, ${v.silenced} swallowed` : ''}`).join('; ')}`);
  return out.join('\n');
}

/** The adversary block under churn: the stress report's figures (touched, target gets, puts landing, table share). */
export function formatChurnAdversary(a: NonNullable<ChurnResult['adversary']>, targets: number, k: number): string[] {
  return [
    `Honest lookups that touched an adversary: gets ${pct(a.getsTouchedRatio)}, finds ${pct(a.findsTouchedRatio)}; ` +
      `gets of the ${targets} target keys: ${pct(a.targetGets.successRatio)} of ${a.targetGets.count}`,
    `Initial puts held at the end by an honest up node other than the putter: ${pct(a.putsLanding)}; honest tables' entries that are adversaries: ${pct(a.tableShare)}`,
    ...formatIdFigures(idFigures(a, k), a.minted),
  ];
}
