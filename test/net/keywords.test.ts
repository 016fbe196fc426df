/**
 * Keyword search over the sources kind: the word splitter, the entry format, and on a 1,000-node
 * simulated network with 500 published files, every search returns exactly the files a brute
 * force over all names finds.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { decodeFileEntry, encodeFileEntry, keywordsOf, nameMatches, searchWord } from '../../src/net/keywords.js';
import { SimNetwork } from '../../src/sim/sim-network.js';

const sha1 = (s: string): string => createHash('sha1').update(s, 'utf8').digest('hex');

describe('keywords', () => {
  it('splits on non-letters/digits, lower-cases, drops stop words, short and long words and repeats', () => {
    expect(keywordsOf('The_Art of Computer-Programming (Vol.1) x ART.pdf')).toEqual(['art', 'computer', 'programming', 'vol', 'pdf']);
    expect(keywordsOf('Über Straße 2024')).toEqual(['über', 'straße', '2024']);
    expect(keywordsOf('a'.repeat(33) + ' ok')).toEqual(['ok']);
    expect(keywordsOf(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '))).toHaveLength(16);
    expect(keywordsOf('the of a')).toEqual([]);
  });

  it('a file entry is the hash then the name, and a value that is not one decodes to null', () => {
    const e = encodeFileEntry('song.mp3', sha1('x'));
    expect(decodeFileEntry(e)).toEqual({ name: 'song.mp3', hash: sha1('x') });
    expect(decodeFileEntry(new Uint8Array(20))).toBeNull();
    expect(decodeFileEntry(Uint8Array.from([...new Uint8Array(20), 0xff]))).toBeNull(); // not UTF-8
    expect(() => encodeFileEntry('x', 'abc')).toThrow('a file hash is 40 hex digits, got "abc"');
  });

  it('searches by the longest word and matches names that have every query word', () => {
    expect(searchWord(['big', 'dogs', 'cats'])).toBe('cats');
    expect(nameMatches('Big dogs and cats.avi', ['dogs', 'big'])).toBe(true);
    expect(nameMatches('Big dogs.avi', ['dogs', 'cats'])).toBe(false);
  });
});

describe('keyword search on 1,000 nodes with 500 files', () => {
  it('returns exactly the brute-force set of matching files for every query', async () => {
    const sim = new SimNetwork({ seed: 11 });
    for (let i = 0; i < 1000; i++) sim.addNode();
    expect(sim.joinAll(0, 1, 1000, 100).every((j) => j.ok)).toBe(true);
    const r = new Random(5);
    // 40 words; the low ones are drawn far more often (a skewed vocabulary, like real names).
    const vocab = Array.from({ length: 40 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`);
    const pickWord = (): string => vocab[Math.floor(vocab.length * r.next() ** 2)]!;
    // Names repeat (few words, skewed); each file has its own hash, so equal names are distinct files.
    const files = Array.from({ length: 500 }, (_, i) => {
      const name = Array.from({ length: 1 + r.int(4) }, pickWord).join(' ');
      return { name, hash: sha1(`${name} #${i}`) };
    });
    for (const f of files) await sim.publishFile(r.int(1000), f.name, f.hash);
    const queries = [...Array.from({ length: 25 }, () => [pickWord()]), ...Array.from({ length: 25 }, () => [pickWord(), pickWord()]), [vocab[0]!, vocab[1]!, vocab[2]!], ['nothing-here']];
    let nonEmpty = 0;
    for (const q of queries) {
      const got = await sim.search(r.int(1000), q);
      const truth = files.filter((f) => nameMatches(f.name, keywordsOf(q.join(' ')))).map((f) => `${f.name} ${f.hash}`).sort();
      expect(got.matches.map((m) => `${m.name} ${m.hash}`).sort(), `query ${q.join(' ')}`).toEqual(truth);
      if (truth.length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(40);
    expect(sim.drops.get('sources-per-key-full') ?? 0).toBe(0); // no word reached maxSourcesPerKey: the truth is all there is
  }, 240_000);
});
