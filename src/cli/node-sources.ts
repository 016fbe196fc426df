/**
 * The REPL's commands for the sources kind and keyword search (kadswarm node): A, F, P, K.
 * Each prints its results, then one summary line with the count and the cost.
 */
import { createHash } from 'node:crypto';
import type { UdpNode } from '../net/udp-node.js';
import { formatCost } from './format.js';

const utf8 = new TextDecoder();
const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** The rest of `line` after its first `skip` words (spaces inside kept). */
function restOf(line: string, skip: number): string {
  return line.replace(new RegExp(`^(\\S+\\s+){${skip}}`), '');
}

/** Runs A, F, P or K (any case); `line` is the whole trimmed line, for the values that are "the rest of the line". */
export async function runSourceCommand(node: UdpNode, cmd: string, args: string[], line: string, out: (line: string) => void): Promise<void> {
  switch (cmd.toUpperCase()) {
    case 'A': {
      if (args.length < 2) {
        out('Usage: A <key> <value>');
        return;
      }
      const r = await node.addSource(args[0]!, restOf(line, 2));
      out(`Added to ${args[0]} on ${plural(r.stored, 'node')} (${formatCost(r)})`);
      return;
    }
    case 'F': {
      if (args.length !== 1) {
        out('Usage: F <key>');
        return;
      }
      const r = await node.findSources(args[0]!);
      for (const v of r.values) out(utf8.decode(v.value));
      out(`${plural(r.values.length, 'value')} from ${plural(r.contributors, 'node')} (${formatCost(r)})`);
      return;
    }
    case 'P': {
      const name = restOf(line, 1);
      if (args.length === 0) {
        out('Usage: P <file name>');
        return;
      }
      const hash = createHash('sha1').update(name, 'utf8').digest('hex');
      const r = await node.publishFile(name, hash);
      out(`Published "${name}" as ${hash} under ${plural(r.words.length, 'word')} (${r.words.join(', ')}), ${plural(r.rpcs, 'RPC')}`);
      return;
    }
    case 'K': {
      if (args.length === 0) {
        out('Usage: K <word>...');
        return;
      }
      const r = await node.search(args);
      for (const m of r.matches) out(`${m.name}  ${m.hash}`);
      const looked = `looked up "${r.word}": ${plural(r.fetched, 'entry', 'entries')} from ${plural(r.contributors, 'node')}`;
      out(`${plural(r.matches.length, 'match', 'matches')} for "${args.join(' ')}" (${looked}, ${formatCost(r)})`);
      return;
    }
  }
}
