/**
 * The attack flags of issue 13, shared by stress and churn: `--adversary F --attack KIND
 * --placement random|targeted --targets T`, and `--sweep-adversary` (stress). The defence flags
 * are helper S's (defence-flags.ts).
 */
import { ATTACKS, PLACEMENTS, type AdversarySpec } from '../sim/adversary.js';
import { UsageError, choiceFlag, intFlag, type FlagSpecs } from './flags.js';

export const ADVERSARY_FLAGS = {
  adversary: { type: 'string', arg: 'F', help: 'fraction of nodes that are adversaries, 0..0.5 (default 0); operations start only at honest nodes' },
  attack: { type: 'string', arg: 'KIND', help: 'what adversaries do: drop, misroute, eclipse, poison or sybil-flood (default misroute)' },
  placement: { type: 'string', arg: 'random|targeted', help: 'adversaries with random IDs, or IDs minted around the target keys (eclipse always mints; default random)' },
  targets: { type: 'string', arg: 'T', help: 'target keys of eclipse, poison and targeted placement: the workload\'s first T keys (default 20)' },
  'adversary-budget': {
    type: 'string',
    arg: 'H',
    help: 'with --id-puzzle c: SHA-1 evaluations the ID minter may spend (e.g. 1e6, 2^22; default m·2^(c+1), what its m nodes\' honest IDs cost); it keeps the valid IDs nearest the targets',
  },
} as const satisfies FlagSpecs;

export interface AdversaryValues {
  adversary?: string | undefined;
  attack?: string | undefined;
  placement?: string | undefined;
  targets?: string | undefined;
  'adversary-budget'?: string | undefined;
}

/** The spec the flags ask for, or undefined when there are no adversaries (and no attack flag). */
export function adversarySpec(v: AdversaryValues): AdversarySpec | undefined {
  if (v.adversary === undefined) {
    for (const name of ['attack', 'placement', 'targets', 'adversary-budget'] as const) if (v[name] !== undefined) throw new UsageError(`--${name} needs --adversary F`);
    return undefined;
  }
  const x = v.adversary.trim() === '' ? NaN : Number(v.adversary);
  if (!(x >= 0 && x <= 0.5)) throw new UsageError(`--adversary must be a fraction between 0 and 0.5, got "${v.adversary}"`);
  return {
    fraction: x,
    attack: choiceFlag('attack', v.attack ?? 'misroute', ATTACKS),
    placement: choiceFlag('placement', v.placement ?? 'random', PLACEMENTS),
    targets: intFlag('targets', v.targets ?? '20', 1, 100_000),
    ...(v['adversary-budget'] !== undefined ? { budget: budgetFlag(v['adversary-budget']) } : {}),
  };
}

/** --adversary-budget H: a count of SHA-1 evaluations, as an integer, 1e6 or 2^22 (at most 2^40). */
export function budgetFlag(v: string): number {
  const t = v.trim();
  const pow = /^2\^(\d+)$/.exec(t);
  const x = pow ? 2 ** Number(pow[1]) : /^\d+(\.\d+)?(e\d+)?$/i.test(t) ? Number(t) : NaN;
  if (!(Number.isFinite(x) && x >= 2 && x <= 2 ** 40)) throw new UsageError(`--adversary-budget must be a count of SHA-1 evaluations from 2 to 2^40 (e.g. 1e6 or 2^22), got "${v}"`);
  return Math.floor(x);
}
