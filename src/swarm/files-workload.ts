/**
 * The file-sharing workload (`--workload files`), derived from the seed alone so every shard and
 * the supervisor build the same one whatever the worker count: a vocabulary of made-up words, N
 * file names of 2–5 distinct words drawn with Zipf-distributed word popularity (hash = SHA-1 of the
 * name), S distinct publishers per file, one source lookup per file and one keyword search (1–2
 * words of a random file's name) per file, each from a random node, and the truth of every search
 * computed by brute force over the file list.
 */
import { Random, deriveSeed } from '../core/random.js';
import { keyFromString } from '../core/key.js';
import { idToHex } from '../core/id.js';
import { keywordsOf, STOP_WORDS } from '../net/keywords.js';
import { Zipf } from './workload.js';

export interface FilesSpec {
  files: number;
  /** Publishers per file. */
  sources: number;
}

/** The file workload under churn (virtual-files.ts). */
export interface ChurnFilesParams extends FilesSpec {
  /** Source lookups per second of virtual time, and as many keyword searches. */
  rate: number;
  /** ms between two publishes at the start of the measured part. */
  publishSpacingMs: number;
}

/**
 * Word popularity: Zipf with this exponent over a vocabulary of WORDS_PER_FILE × files words. Mild
 * on purpose: every publisher adds its own entry under each word (one per publisher and value), so
 * the hottest word holds sources × (files that have it) entries and must stay within the default
 * maxSourcesPerKey (256) at 1,000 files and 3 sources, or recall would measure the cap.
 */
export const WORD_ZIPF = 0.7;
export const WORDS_PER_FILE = 8;

export interface FileWorkload {
  spec: FilesSpec;
  names: string[];
  /** SHA-1 of each name: the file's content hash, and the key its sources live under. */
  hashes: Uint8Array[];
  hex: string[];
  /** Each name's keyword set (what it is indexed under). */
  words: Array<Set<string>>;
  /** files × sources publishing nodes, distinct within a file. */
  publishers: Int32Array;
  /** "hash name" → file index, to tell a real entry from a made-up one. */
  index: Map<string, number>;
  /** Source lookup i asks for file i, from node lookupAskers[i]. */
  lookupAskers: Int32Array;
  /** Search q: its words, the asking node, and how many files match it (brute force). */
  queries: string[][];
  searchAskers: Int32Array;
  truth: Int32Array;
}

let cached: { key: string; w: FileWorkload } | null = null;

/** The workload of (seed, nodes, spec); the last one is kept, since every phase of a run asks again. */
export function fileWorkload(seed: number, nodes: number, spec: FilesSpec): FileWorkload {
  const key = `${seed}:${nodes}:${spec.files}:${spec.sources}`;
  if (cached?.key === key) return cached.w;
  const w = buildWorkload(seed, nodes, spec);
  cached = { key, w };
  return w;
}

function buildWorkload(seed: number, nodes: number, spec: FilesSpec): FileWorkload {
  if (spec.sources > nodes) throw new RangeError(`--sources ${spec.sources} needs at least as many nodes, got ${nodes}`);
  const rng = new Random(deriveSeed(seed, 0xf11e5), 5);
  const vocabulary = makeVocabulary(Math.max(64, WORDS_PER_FILE * spec.files), rng);
  const zipf = new Zipf(vocabulary.length, WORD_ZIPF);
  const names: string[] = [];
  const taken = new Set<string>();
  while (names.length < spec.files) {
    const count = 2 + rng.int(4);
    const picked: string[] = [];
    while (picked.length < count) {
      const word = vocabulary[zipf.rank(rng)]!;
      if (!picked.includes(word)) picked.push(word);
    }
    const name = picked.join(' ');
    if (taken.has(name)) continue; // one name, one file: the hash is the name's
    taken.add(name);
    names.push(name);
  }
  const hashes = names.map((n) => keyFromString(n));
  const hex = hashes.map((h) => idToHex(h));
  const words = names.map((n) => new Set(keywordsOf(n)));
  const publishers = new Int32Array(spec.files * spec.sources);
  for (let f = 0; f < spec.files; f++) {
    const chosen = new Set<number>();
    while (chosen.size < spec.sources) chosen.add(rng.int(nodes));
    publishers.set([...chosen], f * spec.sources);
  }
  const index = new Map(names.map((n, f) => [`${hex[f]} ${n}`, f]));
  const lookupAskers = Int32Array.from({ length: spec.files }, () => rng.int(nodes));
  const queries: string[][] = [];
  const searchAskers = new Int32Array(spec.files);
  for (let q = 0; q < spec.files; q++) {
    const own = [...words[rng.int(spec.files)]!];
    const want = Math.min(own.length, 1 + rng.int(2));
    const query: string[] = [];
    while (query.length < want) {
      const word = own[rng.int(own.length)]!;
      if (!query.includes(word)) query.push(word);
    }
    queries.push(query);
    searchAskers[q] = rng.int(nodes);
  }
  // The truth, by brute force: every file whose words include all of the query's.
  const truth = Int32Array.from(queries, (query) => words.reduce((a, set) => a + (query.every((x) => set.has(x)) ? 1 : 0), 0));
  return { spec, names, hashes, hex, words, publishers, index, lookupAskers, queries, searchAskers, truth };
}

const CONSONANTS = 'bcdfghjklmnprstvz';
const VOWELS = 'aeiou';

/** `n` distinct pronounceable words of 2–4 syllables (4–8 letters), none a stop word. */
function makeVocabulary(n: number, rng: Random): string[] {
  const out = new Set<string>();
  while (out.size < n) {
    let w = '';
    const syllables = 2 + rng.int(3);
    for (let s = 0; s < syllables; s++) w += CONSONANTS[rng.int(CONSONANTS.length)]! + VOWELS[rng.int(VOWELS.length)]!;
    if (!STOP_WORDS.has(w)) out.add(w);
  }
  return [...out];
}
