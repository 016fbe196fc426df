/**
 * Issue 13's figures for churn runs (the stress report's, under churn): each shard's virtual-time
 * driver (virtual-run.ts) counts, for the honest gets and finds it starts, those that sent a
 * request to an adversary (every lookup is traced when adversaries are on, as in stress), the
 * gets of the target keys, and at the end of the run the honest tables' adversary share and
 * which initial puts some honest up node other than their putter still holds. churn-run.ts sums
 * the shards (mergeChurnAdversary) and the churn report prints them.
 */
import type { KadNode, LookupStep } from '../core/index.js';
import type { AdversaryActor } from '../sim/adversary.js';
import type { Cluster } from '../sim/cluster.js';
import { honestHolders, honestTableShare, touchedAdversary } from './adversary-wiring.js';
import { presentKey } from './workload.js';

/** One shard's counts (plain data: it rides home in VirtualShardResult). */
export interface ChurnAdversaryShard {
  gets: number;
  getsTouched: number;
  finds: number;
  findsTouched: number;
  targetGets: number;
  targetOk: number;
  tableContacts: number;
  tableAdversaries: number;
  /** Per initial put (key j): honest up nodes here, other than its putter, holding a replica at the end. */
  holders: Uint32Array;
}

export class ChurnAdversaryCounts {
  private readonly c: Omit<ChurnAdversaryShard, 'tableContacts' | 'tableAdversaries' | 'holders'> = { gets: 0, getsTouched: 0, finds: 0, findsTouched: 0, targetGets: 0, targetOk: 0 };
  /** The putter of each initial put (every shard draws the same): a put lands on someone else. */
  readonly putters: Int32Array;
  private readonly targets: number;

  constructor(
    private readonly adv: AdversaryActor,
    keys: number,
  ) {
    this.putters = new Int32Array(keys).fill(-1);
    this.targets = adv.plan.targetKeys.length / 20;
  }

  /** Call before starting a lookup at `node`: its steps tell whether it asked an adversary. */
  trace(node: KadNode): void {
    node.traceNextLookup();
  }

  /** A get of key `key` that ended while its node was up, `ok` 0 or 1. */
  get(key: number, ok: number, steps: readonly LookupStep[] | null | undefined): void {
    this.c.gets++;
    if (steps && touchedAdversary(this.adv, steps)) this.c.getsTouched++;
    if (key < this.targets) {
      this.c.targetGets++;
      this.c.targetOk += ok;
    }
  }

  find(steps: readonly LookupStep[] | null | undefined): void {
    this.c.finds++;
    if (steps && touchedAdversary(this.adv, steps)) this.c.findsTouched++;
  }

  /** At the end of the run: this shard's counts, its honest tables' share and holders of the initial puts. */
  finish(cluster: Cluster): ChurnAdversaryShard {
    const share = honestTableShare(cluster);
    const keys = Array.from(this.putters, (_, j) => presentKey(j, cluster.config.contentAddressed));
    return { ...this.c, tableContacts: share.contacts, tableAdversaries: share.adversaries, holders: honestHolders(cluster, keys, this.putters) };
  }
}

/** The churn report's adversary block: the shards summed. */
export interface ChurnAdversaryFigures {
  /** Honest gets / finds that sent a request to an adversary. */
  getsTouchedRatio: number;
  findsTouchedRatio: number;
  /** Gets of the target keys (key0 … key{T−1}) and their success. */
  targetGets: { count: number; successRatio: number };
  /** Initial puts held at the end by ≥ 1 honest up node other than their putter. */
  putsLanding: number;
  /** Honest up nodes' table entries that are adversaries, at the end. */
  tableShare: number;
}

export function mergeChurnAdversary(parts: ReadonlyArray<ChurnAdversaryShard | undefined>): ChurnAdversaryFigures | undefined {
  const present = parts.filter((p): p is ChurnAdversaryShard => p !== undefined);
  if (present.length === 0) return undefined;
  const sum = (f: (p: ChurnAdversaryShard) => number): number => present.reduce((a, p) => a + f(p), 0);
  const keys = present[0]!.holders.length;
  let landed = 0;
  for (let j = 0; j < keys; j++) if (present.some((p) => p.holders[j]! > 0)) landed++;
  const ratio = (a: number, b: number): number => (b > 0 ? a / b : NaN);
  return {
    getsTouchedRatio: ratio(sum((p) => p.getsTouched), sum((p) => p.gets)),
    findsTouchedRatio: ratio(sum((p) => p.findsTouched), sum((p) => p.finds)),
    targetGets: { count: sum((p) => p.targetGets), successRatio: ratio(sum((p) => p.targetOk), sum((p) => p.targetGets)) },
    putsLanding: ratio(landed, keys),
    tableShare: ratio(sum((p) => p.tableAdversaries), sum((p) => p.tableContacts)),
  };
}
