/**
 * The folders are the layers (README "How it is built"): core ← wire ← host ← net ← sim ← swarm ←
 * report ← gateway ← cli. Every import in src/ points down or sideways, and no files import each
 * other in a circle. A failure names the files.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCircles, layerOf, readGraph, upwardImports, type Graph } from './import-graph.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

describe('layers of src/', () => {
  const graph = readGraph(SRC);

  it('reads the imports of every file', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('net/udp-node.ts')).toContain('core/config.ts');
  });

  it('has no upward import', () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it('has no import circle', () => {
    expect(importCircles(graph)).toEqual([]);
  });
});

describe('the checker', () => {
  const g = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges));

  it('names an upward import with both files', () => {
    const problems = upwardImports(g({ 'core/a.ts': ['swarm/b.ts'], 'swarm/b.ts': ['core/a.ts'] }));
    expect(problems).toEqual(['core/a.ts (core) imports swarm/b.ts (swarm), a layer above it']);
  });

  it('names the files of a circle, also one within a layer', () => {
    const circles = importCircles(g({ 'sim/a.ts': ['sim/b.ts'], 'sim/b.ts': ['sim/c.ts'], 'sim/c.ts': ['sim/a.ts'], 'sim/d.ts': ['sim/a.ts'] }));
    expect(circles).toEqual(['sim/a.ts → sim/b.ts → sim/c.ts → sim/a.ts']);
  });

  it('puts index.ts above every layer and flags unknown folders', () => {
    expect(layerOf('index.ts')).toBeGreaterThan(layerOf('cli/main.ts'));
    expect(upwardImports(g({ 'misc/x.ts': [] }))).toEqual(['misc/x.ts is in no known layer (core, wire, host, net, sim, swarm, report, gateway, cli)']);
  });
});
