/** The sources kind and keyword search over real UDP on 127.0.0.1: the library API, its cap error, and the REPL's A/F/P/K through a pipe. */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { UdpNode } from '../../src/net/udp-node.js';
import { killAll, runCli } from './repl-process.js';

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sha1 = (s: string): string => createHash('sha1').update(s, 'utf8').digest('hex');

describe('sources over UDP (library)', () => {
  const nodes: UdpNode[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
  });

  it('three publishers under one key: findSources returns the three values with their publishers’ IDs; the cap refuses with a message', async () => {
    for (let i = 0; i < 8; i++) nodes.push(await UdpNode.create({ listen: '127.0.0.1:0', seed: 300 + i, config: { maxSourcesPerKey: 3 } }));
    for (const n of nodes.slice(1)) expect((await n.join([nodes[0]!.addressText])).ok).toBe(true);
    for (let p = 1; p <= 3; p++) expect((await nodes[p]!.addSource('movie', `peer-${p}`)).stored).toBe(8);
    const r = await nodes[6]!.findSources('movie');
    expect(r.values.map((v) => `${hex(v.publisher)} ${dec(v.value)}`).sort()).toEqual([1, 2, 3].map((p) => `${hex(nodes[p]!.id)} peer-${p}`).sort());
    expect(r.contributors).toBe(8);
    await expect(nodes[4]!.addSource('movie', 'peer-4')).rejects.toThrow(
      'addSource: refused by 8 nodes: a key holds at most maxSourcesPerKey = 3 values and maxSourceBytesPerKey = 65536 bytes',
    );
    await expect(nodes[4]!.addSource('movie', 'x'.repeat(513))).rejects.toThrow('source value is 513 bytes; the limit is maxSourceValueBytes = 512');
    expect((await nodes[5]!.findSources('movie')).values).toHaveLength(3);
    const files = ['Holiday Photos 2024.zip', 'holiday video.mp4', 'Work photos.zip'];
    for (const f of files) await nodes[1]!.publishFile(f, sha1(f));
    const found = await nodes[7]!.search('photos holiday');
    expect(found.matches).toEqual([{ name: 'Holiday Photos 2024.zip', hash: sha1('Holiday Photos 2024.zip') }]);
  });
});

describe('the REPL: A, F, P, K through a pipe', () => {
  afterAll(killAll); // a failed step leaves no node process serving
  it('adds two sources from one node and a third from another, lists them, publishes files and searches them', async () => {
    const boot = runCli(['node', '-l', '127.0.0.1:0'], null);
    const addr = /Listening on (\S+)/.exec(await boot.waitFor(/^Listening on/))![1]!;
    const writer = runCli(['node', '-l', '127.0.0.1:0', '-r', addr], 'A song peer one\nA song peer two\nP Holiday Photos 2024.zip\nP holiday video.mp4\nQ\n');
    expect(await writer.waitFor(/^Added to song/)).toMatch(/^Added to song on 2 nodes \(depth \d+, \d+ RPCs?, [\d.]+ ms\)$/);
    const published = await writer.waitFor(/^Published "holiday video/);
    expect(published.startsWith(`Published "holiday video.mp4" as ${sha1('holiday video.mp4')} under 3 words (holiday, video, mp4), `)).toBe(true);
    expect(published).toMatch(/, \d+ RPCs$/);
    expect(await writer.done).toBe(0);
    const reader = runCli(['node', '-l', '127.0.0.1:0', '-r', addr], 'A song peer three\nF song\nK photos holiday\nK holiday\nK nowhere\nF\nhelp\nQ\n');
    await reader.waitFor(/^Usage: F <key>$/);
    expect(await reader.done).toBe(0);
    const at = (re: RegExp): number => reader.lines.findIndex((l) => re.test(l));
    const summary = at(/^3 values from/);
    // The writer has quit: the boot node and the reader itself hold what is left.
    expect(reader.lines[summary]).toMatch(/^3 values from 2 nodes \(depth \d+, \d+ RPCs?, [\d.]+ ms\)$/);
    expect(reader.lines.slice(summary - 3, summary).sort()).toEqual(['peer one', 'peer three', 'peer two']);
    const photos = at(/^1 match for "photos holiday"/);
    expect(reader.lines[photos - 1]).toBe(`Holiday Photos 2024.zip  ${sha1('Holiday Photos 2024.zip')}`);
    expect(reader.lines[photos]).toMatch(/^1 match for "photos holiday" \(looked up "holiday": 2 entries from 1 node, depth \d+, \d+ RPCs, [\d.]+ ms\)$/);
    const holiday = at(/^2 matches for "holiday"/);
    expect(reader.lines.slice(holiday - 2, holiday)).toEqual([`Holiday Photos 2024.zip  ${sha1('Holiday Photos 2024.zip')}`, `holiday video.mp4  ${sha1('holiday video.mp4')}`]);
    expect(reader.lines[at(/for "nowhere"/)]).toMatch(/^0 matches for "nowhere" \(looked up "nowhere": 0 entries from 0 nodes/);
    expect(reader.lines.some((l) => /^ {2}K <word>\.\.\. +search files/.test(l))).toBe(true);
    boot.kill();
    expect(await boot.done).toBe(0);
  }, 60_000);
});
