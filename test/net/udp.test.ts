/** Real UDP on 127.0.0.1: nodes join, store and read back; the REPL is driven through piped input. */
import { afterAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { UdpNode } from '../../src/net/udp-node.js';
import { Random } from '../../src/core/random.js';
import { killAll, runCli } from './repl-process.js';


describe('20 nodes over real UDP', () => {
  const nodes: UdpNode[] = [];
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
  });

  it('join, store and read back from other nodes; absent keys are not found', async () => {
    for (let i = 0; i < 20; i++) nodes.push(await UdpNode.create({ listen: '127.0.0.1:0', seed: 100 + i }));
    const boot = nodes[0]!.addressText;
    for (const n of nodes.slice(1)) {
      const j = await n.join([boot]);
      expect(j.ok).toBe(true);
    }
    for (let i = 0; i < 10; i++) {
      const r = await nodes[(i * 3) % 20]!.put(`key${i}`, `value${i}`);
      expect(r.stored).toBe(20); // 19 others plus the storing node itself
      expect(r.acked).toBe(19); // the others only: what makes the put a success
    }
    for (let i = 0; i < 10; i++) {
      const r = await nodes[(i * 7 + 1) % 20]!.get(`key${i}`);
      expect(r.found).toBe(true);
      expect(new TextDecoder().decode(r.value)).toBe(`value${i}`);
    }
    const absent = await nodes[5]!.get('no-such-key');
    expect(absent.found).toBe(false);
    const target = new Random(1).bytes(20);
    const f = await nodes[3]!.findNode(target);
    expect(f.closest.length).toBe(19);
    expect(f.closest.every((c) => /^127\.0\.0\.1:\d+$/.test(c.address))).toBe(true);
  });

  it('drops malformed datagrams, counts them by reason, and keeps serving', async () => {
    const victim = nodes[1]!;
    const sock = dgram.createSocket('udp4');
    const rng = new Random(9);
    const port = victim.address.kind === 'ipv4' ? victim.address.port : 0;
    const send = (b: Buffer) => new Promise<void>((resolve) => sock.send(b, port, '127.0.0.1', () => resolve()));
    // Paced in small batches so the kernel's receive buffer does not drop them before the node sees them.
    for (let i = 0; i < 2000; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => send(Buffer.from(rng.bytes(1 + rng.int(1500))))));
      await new Promise((r) => setTimeout(r, 2));
    }
    await send(Buffer.alloc(60, 0xff)); // the 60-byte datagram that kills another JS DHT
    await new Promise((r) => setTimeout(r, 200));
    sock.close();
    const dropped = [...victim.drops.values()].reduce((a, b) => a + b, 0);
    expect(dropped).toBeGreaterThanOrEqual(1900);
    expect([...victim.drops.keys()].some((r) => r === 'malformed' || r === 'too-large' || r === 'truncated')).toBe(true);
    const r = await nodes[2]!.get('key3');
    expect(new TextDecoder().decode(r.value)).toBe('value3');
    expect((await victim.get('key4')).found).toBe(true);
  });
});

describe('the REPL over piped standard input', () => {
  afterAll(killAll); // a failed step leaves no node process serving
  it('a bad flag: the process exits with its message, and a wait for a line it never prints says so at once', async () => {
    const bad = runCli(['node', '--bogus-flag'], null);
    const err = await bad.waitFor(/^Listening on/).then(() => null, (e: Error) => e.message);
    expect(err).toMatch(/^kadswarm node --bogus-flag exited with 2 (before printing a line matching|; no line matches) \/\^Listening on\//);
    expect(err).toContain('node: unknown flag --bogus-flag; see kadswarm node --help'); // its stderr, quoted
    expect(await bad.done).toBe(2);
  });

  it('stores and gets end to end between two processes, and keeps serving after end of input', async () => {
    const boot = runCli(['node', '-l', '127.0.0.1:0'], null);
    const listening = await boot.waitFor(/^Listening on/);
    const addr = /Listening on (\S+)/.exec(listening)![1]!;
    // A second node stores through piped input, then stays up after its input ends.
    const writer = runCli(['node', '-l', '127.0.0.1:0', '-r', addr], 'I key1 value one\nG key1\nbogus\n');
    expect(await writer.waitFor(/^Joined through/)).toMatch(/contacts/);
    expect(await writer.waitFor(/^Stored key1/)).toMatch(/^Stored key1 on 2 nodes \(depth \d+, \d+ RPCs?, [\d.]+ ms\)$/);
    expect(await writer.waitFor(/^value one/)).toMatch(/^value one \(depth \d+/);
    expect(await writer.waitFor(/^Unknown command/)).toBe('Unknown command "bogus"; type help for the list');
    await writer.waitFor(/^Standard input closed/);
    // A third node reads the value back from the others, then quits with Q.
    const reader = runCli(['node', '-l', '127.0.0.1:0', '-r', addr, '--address-book', '4096', '--max-requests-per-source', '300'], 'G key1\nG key2\nS\nQ\n');
    expect(await reader.waitFor(/^value one|^Not found/)).toMatch(/^value one \(depth \d+, \d+ RPCs?, [\d.]+ ms\)$/);
    expect(await reader.waitFor(/^Not found/)).toMatch(/^Not found \(depth/);
    // S: the address book and the datagram counts, which add up.
    expect(await reader.waitFor(/^Address book:/)).toMatch(/^Address book: \d+ of 4096 peers; 0 reclaimed, 0 refused$/);
    const counts = /^Datagrams: (\d+) received = (\d+) handled \+ (\d+) dropped \((.*)\)$/.exec(await reader.waitFor(/^Datagrams:/))!;
    expect(Number(counts[1])).toBeGreaterThan(0);
    expect(Number(counts[1])).toBe(Number(counts[2]) + Number(counts[3]));
    expect(await reader.waitFor(/^Inside handled datagrams:/)).toMatch(/^Inside handled datagrams: \d+ contacts dropped; other refusals: /);
    // S shows the rate limits it was given and what they did: every request so far was answered.
    expect(await reader.waitFor(/^Rate limits/)).toMatch(/^Rate limits: 8192\/s in all, 300\/s per source; \d+ requests admitted, 0 over a source's limit, 0 over the node's; \d+ of 8192 sources tracked$/);
    expect(await reader.done).toBe(0);
    expect(reader.lines.at(-1)).toBe('Bye');
    writer.kill();
    boot.kill();
    expect(await writer.done).toBe(0);
    expect(await boot.done).toBe(0);
    expect(writer.lines.at(-1)).toBe('Bye');
  });
});
