/** The REPL's signed put (IS) and get (GS), and the refusal an unsigned overwrite gets (I twice). */
import { afterAll, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/node-command.js';
import { UdpNode } from '../../src/net/udp-node.js';

const nodes: UdpNode[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
});

async function run(node: UdpNode, line: string): Promise<string[]> {
  const lines: string[] = [];
  await runCommand(node, line, (l) => lines.push(l));
  return lines;
}

it('IS signs with the node\'s key pair and a growing seq; GS reads it back by name and public key; a second I is refused by name', async () => {
  const a = await UdpNode.create({ listen: '127.0.0.1:0', seed: 11 });
  const b = await UdpNode.create({ listen: '127.0.0.1:0', seed: 12 });
  nodes.push(a, b);
  await b.join([a.addressText]);

  const [first] = await run(b, 'IS profile hello there');
  const m = /^Stored signed profile \(seq (\d+), key ([0-9a-f]{40})\) on 2 nodes \(depth \d+/.exec(first!);
  expect(m, first).not.toBeNull();
  const [second] = await run(b, 'IS profile goodbye');
  const seq2 = Number(/seq (\d+)/.exec(second!)![1]);
  expect(seq2).toBeGreaterThan(Number(m![1]));
  expect(second).toContain(`key ${m![2]}`); // same name, same key pair: same key

  const pk = Buffer.from(b.signingKeys.publicKey).toString('hex');
  expect((await run(a, `GS profile ${pk}`))[0]).toMatch(new RegExp(`^goodbye \\(seq ${seq2}, depth \\d+`));
  expect((await run(a, 'GS profile'))[0]).toMatch(/^Not found/); // a's own key pair has no "profile"
  expect((await run(a, 'GS profile nothex'))[0]).toBe('Usage: GS <name> [public key as 64 hex digits]');

  expect((await run(b, 'I plain one'))[0]).toMatch(/^Stored plain on 2 nodes/);
  expect((await run(a, 'I plain two'))[0]).toMatch(/^Error: put: refused by 2 node\(s\), stored on none: 2 × conflict \(the node holds a different value/);
});
