/**
 * The colluders' answer to "who is close to T?": the adversaries closest to T by XOR, never an
 * honest node (misroute, eclipse and sybil-flood all answer with it). Every shard builds the same
 * index over the plan's member list, so an answer does not depend on where the adversary lives.
 */
import { ID_WORDS, idToWords } from '../core/id.js';
import { IdOracle } from './oracle.js';

export class Colluders {
  private readonly oracle: IdOracle;

  constructor(
    words: Uint32Array,
    private readonly list: Int32Array,
  ) {
    const own = new Uint32Array(list.length * ID_WORDS);
    for (let j = 0; j < list.length; j++) own.set(words.subarray(list[j]! * ID_WORDS, list[j]! * ID_WORDS + ID_WORDS), j * ID_WORDS);
    this.oracle = new IdOracle(own, list.length);
  }

  /** Up to `count` adversaries closest to `target` (20 bytes), closest first, `self` left out. */
  closest(target: Uint8Array, count: number, self: number): Uint32Array {
    const list = this.list;
    const found = this.oracle.closest(idToWords(target), 0, count + 1);
    const out = new Uint32Array(Math.min(count, found.length));
    let n = 0;
    for (const j of found) {
      const node = list[j]!;
      if (node !== self && n < out.length) out[n++] = node;
    }
    return n === out.length ? out : out.subarray(0, n);
  }
}
