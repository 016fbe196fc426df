/**
 * The node's random stream, as the first part of the node's one state object (see outbox.ts):
 * the four sfc32 words are fields of the node itself, not a Random object it points to, which
 * saves a swarm node 32 bytes (the Random's 56-byte object and the 8-byte field that held it,
 * less 32 bytes of words). `rng` is then the node itself, and every draw continues exactly the
 * stream of the Random the node was given (its state is copied, so the same seed gives the
 * same draws as before).
 *
 * A host may give a node a Random of another kind (node:crypto's CryptoRandom on UDP, a
 * stand-in in tests): its state cannot be copied, so the node keeps that object and draws from
 * it. Such nodes are rare (one per UDP process), so they are found in a side table rather than
 * through a field every swarm node would pay for.
 */
import { Random } from './random.js';

/** The Randoms of other kinds, by the node that draws from them. */
const OTHER_KIND = new WeakMap<NodeRandom, Random>();
/** How many nodes ever kept one: while none did, `rng` needs no look-up. */
let otherKinds = 0;

export class NodeRandom extends Random {
  /** `rng`: the stream to continue (null: a fresh stream, seed 0, as `new Random(0)`). */
  constructor(rng: Random | null) {
    super(0);
    if (rng !== null && !this.continueStream(rng)) {
      OTHER_KIND.set(this, rng);
      otherKinds++;
    }
  }

  /** The node's stream: the node itself, or the Random of another kind it was given. */
  get rng(): Random {
    return otherKinds === 0 ? this : (OTHER_KIND.get(this) ?? this);
  }
}
