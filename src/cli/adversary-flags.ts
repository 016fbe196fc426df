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
} as const satisfies FlagSpecs;

export interface AdversaryValues {
  adversary?: string | undefined;
  attack?: string | undefined;
  placement?: string | undefined;
  targets?: string | undefined;
}

/** The spec the flags ask for, or undefined when there are no adversaries (and no attack flag). */
export function adversarySpec(v: AdversaryValues): AdversarySpec | undefined {
  if (v.adversary === undefined) {
    for (const name of ['attack', 'placement', 'targets'] as const) if (v[name] !== undefined) throw new UsageError(`--${name} needs --adversary F`);
    return undefined;
  }
  const x = v.adversary.trim() === '' ? NaN : Number(v.adversary);
  if (!(x >= 0 && x <= 0.5)) throw new UsageError(`--adversary must be a fraction between 0 and 0.5, got "${v.adversary}"`);
  return {
    fraction: x,
    attack: choiceFlag('attack', v.attack ?? 'misroute', ATTACKS),
    placement: choiceFlag('placement', v.placement ?? 'random', PLACEMENTS),
    targets: intFlag('targets', v.targets ?? '20', 1, 100_000),
  };
}
