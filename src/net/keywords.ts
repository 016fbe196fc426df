/**
 * Keyword search over the sources kind, as eMule's Kad does it: publishing a file stores the
 * entry (content hash, name) under SHA-1 of each word of its name; a search fetches the sources
 * of one word (the longest: long words are the rare ones) and keeps the entries whose name has
 * every other word too. Nothing here is protocol: it runs on any `SourcesApi` (a UdpNode, or a
 * node of the simulator through `simSources`).
 *
 * Words: the name lower-cased and split on anything that is not a letter or a digit (Unicode
 * aware); words of 2..32 characters that are not on the stop-list, duplicates removed, at most
 * 16 (the first ones) — so a long name costs at most 16 stores.
 */
import { keyFromString } from '../core/key.js';
import type { AddSourceResult, FindSourcesResult } from '../core/events.js';

export const MIN_WORD_CHARS = 2;
export const MAX_WORD_CHARS = 32;
export const MAX_WORDS_PER_NAME = 16;

/** Words too common to find anything by (English articles, prepositions, file-name filler). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be by for from in into is it of on or the to with www com net org'.split(' '),
);

/** The words a name is published under (and a query is split into), in order of first appearance. */
export function keywordsOf(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    const chars = [...raw].length;
    if (chars < MIN_WORD_CHARS || chars > MAX_WORD_CHARS || STOP_WORDS.has(raw) || out.includes(raw)) continue;
    out.push(raw);
    if (out.length === MAX_WORDS_PER_NAME) break;
  }
  return out;
}

/** The DHT key a word's entries live under. */
export function keywordKey(word: string): Uint8Array {
  return keyFromString(word);
}

export interface FileEntry {
  name: string;
  /** 40 hex digits (SHA-1 of the content, or of the name in the REPL). */
  hash: string;
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** A source value: the 20-byte hash, then the name in UTF-8. */
export function encodeFileEntry(name: string, hash: string): Uint8Array {
  if (!/^[0-9a-f]{40}$/i.test(hash)) throw new RangeError(`a file hash is 40 hex digits, got "${hash}"`);
  const nameBytes = utf8.encode(name);
  const out = new Uint8Array(20 + nameBytes.length);
  out.set(Buffer.from(hash, 'hex'), 0);
  out.set(nameBytes, 20);
  return out;
}

/** The entry a source value holds, or null for a value that is not one (anyone may publish anything). */
export function decodeFileEntry(value: Uint8Array): FileEntry | null {
  if (value.length < 21) return null;
  try {
    return { hash: Buffer.from(value.subarray(0, 20)).toString('hex'), name: utf8Strict.decode(value.subarray(20)) };
  } catch {
    return null;
  }
}

/** The query word to fetch: the longest (ties: the first in alphabetical order, so every node picks the same). */
export function searchWord(words: string[]): string | undefined {
  return [...words].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0))[0];
}

/** True when the name has every query word among its own words. */
export function nameMatches(name: string, queryWords: string[]): boolean {
  const own = new Set(keywordsOf(name));
  return queryWords.every((w) => own.has(w));
}

/** What keyword search needs of a node; results may be promises (UDP) or plain values (the simulator). */
export interface SourcesApi {
  addSource(key: Uint8Array, value: Uint8Array): Promise<AddSourceResult> | AddSourceResult;
  findSources(key: Uint8Array): Promise<FindSourcesResult> | FindSourcesResult;
}

export interface PublishResult {
  /** The words the file was stored under. */
  words: string[];
  /** Per word, the nodes that kept the entry. */
  stored: number[];
  rpcs: number;
}

/** Stores the file's entry under each word of its name, one word after the other. */
export async function publishFile(api: SourcesApi, name: string, hash: string): Promise<PublishResult> {
  const words = keywordsOf(name);
  if (words.length === 0) throw new RangeError(`"${name}" has no word to index (words are ${MIN_WORD_CHARS}..${MAX_WORD_CHARS} letters or digits, not a stop word)`);
  const value = encodeFileEntry(name, hash);
  const stored: number[] = [];
  let rpcs = 0;
  for (const w of words) {
    const r = await api.addSource(keywordKey(w), value);
    stored.push(r.stored);
    rpcs += r.rpcs;
  }
  return { words, stored, rpcs };
}

export interface SearchResult {
  /** Matching files, one per (name, hash), sorted by name then hash. */
  matches: FileEntry[];
  /** The word whose entries were fetched. */
  word: string;
  /** Entries under that word, before filtering. */
  fetched: number;
  contributors: number;
  depth: number;
  rpcs: number;
  duration: number;
}

/** Fetches the entries of the query's longest word and keeps the files whose names have every query word. */
export async function search(api: SourcesApi, query: string | string[]): Promise<SearchResult> {
  const words = keywordsOf(Array.isArray(query) ? query.join(' ') : query);
  const word = searchWord(words);
  if (word === undefined) throw new RangeError('a search needs at least one word (2..32 letters or digits, not a stop word)');
  const r = await api.findSources(keywordKey(word));
  const seen = new Map<string, FileEntry>();
  for (const v of r.values) {
    const e = decodeFileEntry(v.value);
    if (e && nameMatches(e.name, words)) seen.set(`${e.hash} ${e.name}`, e);
  }
  const matches = [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  return { matches, word, fetched: r.values.length, contributors: r.contributors, depth: r.depth, rpcs: r.rpcs, duration: r.duration };
}
