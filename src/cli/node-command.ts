/**
 * `kadswarm node -l host:port [-r host:port ...]`: a real node on UDP with a
 * line-oriented REPL. Works with piped standard input; at its end the node
 * keeps serving until SIGINT or SIGTERM.
 */
import { createInterface } from 'node:readline';
import { UdpNode } from '../net/udp-node.js';
import type { RateLimitOptions } from '../net/rate-limit.js';
import { signedKey } from '../net/ed25519.js';
import { formatCost } from './format.js';
import { runSourceCommand } from './node-sources.js';
import { UsageError, flagHelp, intFlag, parseFlags, resolveKad, type FlagSpecs } from './flags.js';

const HELP = `Commands:
  I <key> <value>   store value under key (the value is the rest of the line); first value wins
  IS <name> <value> store a signed value: key = SHA-1(this node's public key + name), seq grows
                    with each IS, and only this node's key pair can replace it
  G <key>           get the value of key
  A <key> <value>   add value to the sources set under key (many values per key; the rest of the line)
  F <key>           find every source value under key: one per line, then count, nodes, cost
  P <name>          publish a file for keyword search (the rest of the line; hash = SHA-1 of the name)
  K <word>...       search files whose names have every word: "name  hash" per match, then a summary
  GS <name> [pk]    get the signed value named name of public key pk (hex; default this node's)
  S                 show this node's state: ID, contacts per bucket, records held, address book, datagram counts
  Q                 quit
  help              this list`;

/** The flags of kadswarm node: the parser and the --help lines (flags.ts). */
const NODE_FLAGS = {
  listen: { type: 'string', short: 'l', arg: 'HOST:PORT', help: 'address to listen on (port 0 picks a free port)' },
  remote: { type: 'string', short: 'r', multiple: true, arg: 'HOST:PORT', help: 'a node to join through (repeatable)' },
  k: { type: 'string', arg: 'K', help: 'bucket size and replication factor (default 20)' },
  alpha: { type: 'string', arg: 'A', help: 'lookup parallelism (default 3)' },
  seed: { type: 'string', arg: 'S', help: 'seed of the node ID and RPC ids, for reproducible tests: predictable, so leave it out on a real network (default: node:crypto)' },
  'max-requests': { type: 'string', arg: 'R', help: 'requests per second this node answers from all sources together (default 8192)' },
  'max-requests-per-source': { type: 'string', arg: 'R', help: 'requests per second it answers from one source: an IP, on loopback IP and port (default 1024)' },
  'no-rate-limit': { type: 'boolean', help: 'answer every request (no token buckets; over-limit requests are otherwise dropped as rate-limited)' },
  'address-book': { type: 'string', arg: 'N', help: 'peers the address book holds at most; unreferenced ones are reclaimed, least recently used first (default 65536)' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const satisfies FlagSpecs;

export const NODE_USAGE = `Usage: kadswarm node -l <host:port> [-r <host:port>]... [--k 20] [--alpha 3] [--seed N] [--address-book N] [--max-requests R] [--max-requests-per-source R | --no-rate-limit]
${flagHelp(NODE_FLAGS)}

Examples:
  kadswarm node -l 127.0.0.1:4000
  kadswarm node -l 127.0.0.1:4001 -r 127.0.0.1:4000
  printf 'I greeting hello\\nG greeting\\n' | kadswarm node -l 127.0.0.1:0 -r 127.0.0.1:4000
  printf 'P Holiday Photos 2024.zip\\nK photos holiday\\n' | kadswarm node -l 127.0.0.1:0 -r 127.0.0.1:4000

Exit codes: 0 end of input or Q, 1 the node could not start or join, 2 bad usage.`;

export async function nodeCommand(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { values } = parseFlags('node', argv, NODE_FLAGS);
  if (values.help) {
    out(NODE_USAGE);
    return 0;
  }
  if (!values.listen) throw new UsageError(`missing -l <host:port>\n${NODE_USAGE}`);
  const config: Record<string, number> = {};
  if (values.k) config.k = intFlag('k', values.k, 1);
  if (values.alpha) config.alpha = intFlag('alpha', values.alpha, 1);
  resolveKad(config, 'udp');
  const rate: Partial<RateLimitOptions> = {};
  if (values['max-requests']) rate.globalPerSecond = intFlag('max-requests', values['max-requests'], 1);
  if (values['max-requests-per-source']) rate.perSourcePerSecond = intFlag('max-requests-per-source', values['max-requests-per-source'], 1);
  if (values['no-rate-limit'] && Object.keys(rate).length) throw new UsageError('--no-rate-limit cannot go with --max-requests or --max-requests-per-source');
  const node = await UdpNode.create({
    listen: values.listen,
    config,
    rateLimit: values['no-rate-limit'] ? false : rate,
    ...(values.seed ? { seed: intFlag('seed', values.seed) } : {}),
    ...(values['address-book'] ? { addressBookCapacity: intFlag('address-book', values['address-book'], 2, 2 ** 24) } : {}),
  });
  out(`Listening on ${node.addressText} as ${Buffer.from(node.id).toString('hex')}`);
  if (values.remote?.length) {
    try {
      const j = await node.join(values.remote);
      out(`Joined through ${values.remote.join(', ')}: ${j.contacts} contacts, ${j.rpcs} RPCs, ${j.duration.toFixed(1)} ms`);
    } catch (err) {
      out(`Join failed: ${(err as Error).message}`);
    }
  }

  let quitting = false;
  const quit = async (): Promise<void> => {
    if (quitting) return;
    quitting = true;
    await node.close();
    out('Bye');
  };

  const rl = createInterface({ input: process.stdin, terminal: false });
  let chain = Promise.resolve();
  const finished = new Promise<void>((resolve) => {
    const stop = (): void => {
      rl.close();
      chain = chain.then(quit).then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    rl.on('line', (line) => {
      chain = chain.then(async () => {
        if (quitting) return;
        if (await runCommand(node, line, out)) {
          rl.close();
          await quit();
          resolve();
        }
      });
    });
    rl.on('close', () => {
      chain = chain.then(() => {
        if (!quitting) out('Standard input closed; serving until SIGINT or SIGTERM');
      });
    });
  });
  await finished;
  return 0;
}

/** Runs one REPL line; returns true when the node should quit. */
export async function runCommand(node: UdpNode, line: string, out: (line: string) => void): Promise<boolean> {
  const trimmed = line.trim();
  if (trimmed === '') return false;
  const [cmd = '', ...rest] = trimmed.split(/\s+/);
  try {
    switch (cmd) {
      case 'I':
      case 'i': {
        const key = rest[0];
        const value = trimmed.replace(/^\S+\s+\S+\s?/, '');
        if (!key || rest.length < 2) {
          out('Usage: I <key> <value>');
          return false;
        }
        const r = await node.put(key, value);
        // A copy on this node alone is not in the DHT: say so instead of "Stored".
        if (r.acked === 0) out(`Not stored: no other node acknowledged ${key}${r.stored > 0 ? ' (only this node holds it)' : ''} (${formatCost(r)})`);
        else out(`Stored ${key} on ${r.stored} node${r.stored === 1 ? '' : 's'} (${formatCost(r)})`);
        return false;
      }
      case 'IS':
      case 'is': {
        const name = rest[0];
        const value = trimmed.replace(/^\S+\s+\S+\s?/, '');
        if (!name || rest.length < 2) {
          out('Usage: IS <name> <value>');
          return false;
        }
        const r = await node.putSigned(node.signingKeys, name, value);
        out(`Stored signed ${name} (seq ${r.seq}, key ${r.keyHex}) on ${r.stored} node${r.stored === 1 ? '' : 's'} (${formatCost(r)})`);
        return false;
      }
      case 'GS':
      case 'gs': {
        if (rest.length < 1 || rest.length > 2 || (rest[1] !== undefined && !/^[0-9a-f]{64}$/i.test(rest[1]))) {
          out('Usage: GS <name> [public key as 64 hex digits]');
          return false;
        }
        const pk = rest[1] ? Uint8Array.from(Buffer.from(rest[1], 'hex')) : node.signingKeys.publicKey;
        const r = await node.get(signedKey(pk, new TextEncoder().encode(rest[0]!)));
        if (!r.found) out(`Not found (${formatCost(r)})`);
        else if (!r.signed) out(`Not a signed value: ignored (${formatCost(r)})`);
        else out(`${new TextDecoder().decode(r.value)} (seq ${r.version}, ${formatCost(r)})`);
        return false;
      }
      case 'G':
      case 'g': {
        if (rest.length !== 1) {
          out('Usage: G <key>');
          return false;
        }
        const r = await node.get(rest[0]!);
        out(r.found ? `${new TextDecoder().decode(r.value)} (${formatCost(r)})` : `Not found (${formatCost(r)})`);
        return false;
      }
      case 'S':
      case 's': {
        const s = node.state();
        out(`ID ${s.id} at ${s.address}`);
        out(`${s.contacts} contacts in ${s.buckets.length} buckets; ${s.records} records held`);
        s.buckets.forEach((b, i) => {
          if (b.contacts > 0 || b.replacements > 0) out(`  bucket ${i} (depth ${b.depth}): ${b.contacts} contacts, ${b.stale} stale, ${b.replacements} waiting`);
        });
        const book = s.addressBook;
        out(`Address book: ${book.size} of ${book.capacity} peers; ${book.reclaimed} reclaimed, ${book.refused} refused`);
        const list = (counts: Record<string, number>): string => Object.entries(counts).map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
        const dropped = Object.values(s.drops).reduce((a, b) => a + b, 0);
        // received = handled + dropped, exactly: each datagram has one outcome.
        out(`Datagrams: ${s.received} received = ${s.handled} handled + ${dropped} dropped (${list(s.drops)})`);
        out(`Inside handled datagrams: ${s.droppedContacts} contacts dropped; other refusals: ${list(s.innerDrops)}`);
        const l = node.limiter;
        if (l) out(`Rate limits: ${l.options.globalPerSecond}/s in all, ${l.options.perSourcePerSecond}/s per source; ${l.admitted} requests admitted, ${l.limitedBySource} over a source's limit, ${l.limitedByNode} over the node's; ${l.tracked} of ${l.capacity} sources tracked`);
        else out('Rate limits: off');
        return false;
      }
      case 'Q':
      case 'q':
        return true;
      case 'A':
      case 'a':
      case 'F':
      case 'f':
      case 'P':
      case 'p':
      case 'K':
      case 'k':
        await runSourceCommand(node, cmd, rest, trimmed, out);
        return false;
      case 'help':
      case 'h':
      case '?':
        out(HELP);
        return false;
      default:
        out(`Unknown command "${cmd}"; type help for the list`);
        return false;
    }
  } catch (err) {
    out(`Error: ${(err as Error).message}`);
    return false;
  }
}

