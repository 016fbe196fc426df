/**
 * Command lines of every command (stress, churn, load, serve, node, bench): one
 * table of flags per command gives both the parser and the --help lines, so a
 * default shown is the default used. Bad usage is a UsageError, which exits 2
 * (dispatch.ts); a run that ran and failed a threshold exits 1. Each value
 * parser returns the value or throws a message that names the flag, says what
 * it must be and quotes what it got.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HOUR, MINUTE, SECOND, checkConfigKeys, resolveConfig, type KadConfig } from '../core/config.js';
import { closestName } from '../core/names.js';
import { parseLatency, type LatencySpec } from '../sim/network-model.js';
import { checkLimits } from '../wire/limits.js';
import { checkAdminToken } from '../gateway/admin-auth.js';

/** The exit codes of every command (README "Exit codes"). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Bad usage: an unknown flag, a bad value, a config file that does not parse. Exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command as the user typed it, for "see … --help": `npm run stress --` inside npm run stress, else `kadswarm stress`. */
export function invokedAs(command: string): string {
  return process.env.npm_lifecycle_event === command ? `npm run ${command} --` : `kadswarm ${command}`;
}

/** An integer in min..max; empty text is not 0. */
export function intFlag(name: string, v: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  const x = v.trim() === '' ? NaN : Number(v);
  if (!Number.isInteger(x) || x < min || x > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? (min === Number.MIN_SAFE_INTEGER ? '' : ` >= ${min}`) : ` in ${min}..${max}`;
    throw new UsageError(`--${name} must be an integer${range}, got "${v}"`);
  }
  return x;
}

/** A finite number >= min. */
export function numberFlag(name: string, v: string, min = 0): number {
  const x = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(x) || x < min) throw new UsageError(`--${name} must be a number >= ${min}, got "${v}"`);
  return x;
}

/** A fraction in 0..1 (loss, success thresholds). */
export function ratioFlag(name: string, v: string): number {
  const x = v.trim() === '' ? NaN : Number(v);
  if (!(x >= 0 && x <= 1)) throw new UsageError(`--${name} must be between 0 and 1, got "${v}"`);
  return x;
}

/** A duration: a number with unit ms, s, m or h (no unit: milliseconds), e.g. 90s, 30m, 6h. */
export function durationFlag(name: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new UsageError(`--${name} must be a duration: a number >= 0 with unit ms, s, m or h (no unit: ms), like 90s, 30m or 6h; got "${v}"`);
  const unit = { ms: 1, s: SECOND, m: MINUTE, h: HOUR }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/** A one-way latency model (src/sim/network-model.ts), with the accepted forms in the message. */
export function latencyFlag(name: string, v: string): LatencySpec {
  try {
    return parseLatency(v);
  } catch (err) {
    throw new UsageError(
      `--${name} must be 0, a fixed latency (20ms, 0.5s), a uniform range (20-200ms) or pareto:MIN-MAX[:SHAPE] (pareto:20-2000ms); got "${v}" (${(err as Error).message})`,
    );
  }
}

/** A bearer token for the gateway's admin routes: the gateway's own rule (admin-auth.ts), as bad usage. */
export function adminTokenFlag(name: string, v: string): string {
  const bad = checkAdminToken(v);
  if (bad) throw new UsageError(`--${name}: ${bad}`);
  return v;
}

/** One of a fixed set of words. */
export function choiceFlag<T extends string>(name: string, v: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(v)) {
    const list = choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(', ')}`;
    throw new UsageError(`--${name} must be ${list}, got "${v}"`);
  }
  return v as T;
}

/**
 * --bits B of stress, churn and serve: the core's bitsPerStep (paper §4.2, accelerated lookups).
 * Each routing step then fixes B bits of the target instead of one, so a lookup takes about
 * log_{2^B} n steps, for tables about (2^B − 1)/B times as many buckets. 5 is the bound: past it
 * a node keeps 2^B − 1 buckets per level and the tables outgrow the memory the swarm is sized for.
 */
export const BITS_FLAG = {
  type: 'string',
  arg: 'B',
  help: 'bits per routing step, 1..5 (accelerated lookups, paper §4.2: depth ≈ log_{2^B} n, larger tables); 1 = plain Kademlia (default 1)',
} as const satisfies FlagSpec;

/** The KadConfig part of --bits: nothing when the flag is absent (the config file or the default decides). */
export function bitsFlag(v: string | undefined): { bitsPerStep?: number } {
  return v === undefined ? {} : { bitsPerStep: intFlag('bits', v, 1, 5) };
}

/** One flag: what parseArgs needs, plus its line in --help. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** The value's placeholder in --help (N, T, FILE). */
  arg?: string;
  /** The --help line; " (default …)" is added from `default`. No help: a flag for tests, not listed. */
  help?: string;
}
export type FlagSpecs = Record<string, FlagSpec>;

type Value<F extends FlagSpec> = F['type'] extends 'boolean' ? boolean : F['multiple'] extends true ? string[] : string;
export type FlagValues<S extends FlagSpecs> = { [K in keyof S]: S[K] extends { default: string | boolean } ? Value<S[K]> : Value<S[K]> | undefined };

export interface ParsedFlags<S extends FlagSpecs> {
  values: FlagValues<S>;
  /** The "kad" part of --config: KadConfig settings (keys checked; values are checked by resolveConfig). */
  kad: Partial<KadConfig>;
}

/** The flags a user is told about: those with a help line (a table with none at all: every flag). */
function listed(specs: FlagSpecs): string[] {
  const names = Object.keys(specs);
  const withHelp = names.filter((n) => specs[n]!.help !== undefined);
  return withHelp.length ? withHelp : names;
}

/** The --help lines of a flag table, aligned. */
/**
 * The help text of a command with a flag table: usage line, the npm alias, the flags, examples,
 * exit codes — one layout for every such command.
 */
export function commandUsage(name: string, specs: FlagSpecs, examples: string[], exitCodes: string): string {
  return [
    `Usage: kadswarm ${name} [options]`,
    `   or: npm run ${name} -- [options]   (in a checkout: builds first)`,
    flagHelp(specs),
    '',
    'Examples:',
    ...examples.map((e) => `  ${e}`),
    '',
    `Exit codes: ${exitCodes}`,
  ].join('\n');
}

export function flagHelp(specs: FlagSpecs): string {
  const rows = Object.entries(specs)
    .filter(([, s]) => s.help !== undefined)
    .map(([name, s]) => {
      const head = `${s.short ? `-${s.short}, ` : ''}--${name}${s.arg ? ` ${s.arg}` : ''}`;
      const dflt = s.default !== undefined && s.default !== false ? ` (default ${String(s.default)})` : '';
      return [head, s.help! + dflt] as const;
    });
  const width = Math.max(...rows.map(([h]) => h.length));
  return rows.map(([h, text]) => `  ${h.padEnd(width)}  ${text}`).join('\n');
}

/**
 * Parses argv against the command's flag table. With a `config` flag in the
 * table, `--config FILE` reads a JSON object whose keys are flag names (values
 * as on the command line, numbers allowed) plus "kad", the KadConfig settings;
 * flags on the command line override the file, defaults fill the rest.
 */
export function parseFlags<const S extends FlagSpecs>(command: string, argv: string[], specs: S): ParsedFlags<S> {
  const help = `see ${invokedAs(command)} --help`;
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, s] of Object.entries(specs)) options[name] = { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) };
  // `--nodes -5` would be parseArgs' "argument is ambiguous": a negative number after a flag that
  // takes a value is that value, so the value parser can say what is wrong with it.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (/^--[^=]+$/.test(a) && specs[a.slice(2)]?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      args.push(`${a}=${next}`);
      i++;
    } else args.push(a);
  }
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, unknown>;
  } catch (err) {
    const e = err as Error & { code?: string };
    const flag = /'(-[^' ]+)/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
      const near = closestName(flag.replace(/^-+/, ''), listed(specs));
      throw new UsageError(`unknown flag ${flag}${near ? ` (did you mean --${near}?)` : ''}; ${help}`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag && /argument missing/.test(e.message)) {
      throw new UsageError(`${flag} needs a value; ${help}`);
    }
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError(`unexpected argument ${/'([^']*)'/.exec(e.message)?.[1] ?? ''}: every value follows its flag (--name value); ${help}`);
    }
    throw new UsageError(`${e.message}; ${help}`);
  }
  let kad: Partial<KadConfig> = {};
  if ('config' in specs && typeof values.config === 'string') {
    const file = readConfigFile(values.config, specs);
    kad = file.kad;
    for (const [name, v] of Object.entries(file.flags)) if (values[name] === undefined) values[name] = v;
  }
  for (const [name, s] of Object.entries(specs)) if (values[name] === undefined && s.default !== undefined) values[name] = s.default;
  return { values: values as FlagValues<S>, kad };
}

/** Reads a --config file: its flag values (as parseArgs would give them) and its "kad" settings. */
function readConfigFile(path: string, specs: FlagSpecs): { flags: Record<string, string | boolean | string[]>; kad: Partial<KadConfig> } {
  const where = `--config ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${where}: cannot read it (${(err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError(`${where}: must be a JSON object, like {"nodes": 1000, "kad": {"k": 20}}`);
  const keys = ['kad', ...listed(specs).filter((n) => n !== 'config' && n !== 'help')];
  const flags: Record<string, string | boolean | string[]> = {};
  let kad: Partial<KadConfig> = {};
  for (const [key, v] of Object.entries(doc)) {
    if (key === 'kad') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError(`${where}: "kad" must be an object of KadConfig settings, like {"k": 20, "bitsPerStep": 2}`);
      try {
        checkConfigKeys(v);
      } catch (err) {
        throw new UsageError(`${where}: ${(err as Error).message}`);
      }
      kad = v as Partial<KadConfig>;
      continue;
    }
    const spec = keys.includes(key) ? specs[key]! : undefined;
    if (!spec) {
      const near = closestName(key, keys);
      throw new UsageError(`${where}: unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}; the keys are ${keys.join(', ')} (flag names, and "kad" for the protocol settings)`);
    }
    const asText = (x: unknown): string => {
      if (typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x))) return String(x);
      throw new UsageError(`${where}: "${key}" must be a string or a number, got ${JSON.stringify(x)}`);
    };
    if (spec.type === 'boolean') {
      if (typeof v !== 'boolean') throw new UsageError(`${where}: "${key}" must be true or false, got ${JSON.stringify(v)}`);
      flags[key] = v;
    } else flags[key] = spec.multiple ? (Array.isArray(v) ? v : [v]).map(asText) : asText(v);
  }
  return { flags, kad };
}

/**
 * resolveConfig for the command line: a setting that cannot work is bad usage (exit 2), refused
 * before anything starts, including a k or maxValueBytes whose messages would not fit in a
 * datagram (the swarm's own check, made here too so it is not a failed run after the spawn).
 */
export function resolveKad(partial: Partial<KadConfig>, addressKind: 'index' | 'udp' = 'index'): KadConfig {
  try {
    const c = resolveConfig(partial);
    checkLimits({ k: c.k, maxValueBytes: c.maxValueBytes, addressKind });
    return c;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^(?!config: )/, 'config: '));
  }
}

/**
 * --workload, --files and --sources (stress and churn): the file workload's spec, or null for the
 * default workload; --files and --sources mean nothing without --workload files.
 */
export function filesWorkloadFlags(values: { workload?: string; files?: string; sources?: string }, nodes: number): { files: number; sources: number } | null {
  const workload = choiceFlag('workload', values.workload ?? 'default', ['default', 'files'] as const);
  if (workload !== 'files') {
    for (const f of ['files', 'sources'] as const) if (values[f] !== undefined) throw new UsageError(`--${f} needs --workload files`);
    return null;
  }
  const files = values.files !== undefined ? intFlag('files', values.files, 1) : Math.max(1, Math.floor(nodes / 10));
  const sources = intFlag('sources', values.sources ?? '3', 1, 255);
  if (sources > nodes) throw new UsageError(`--sources ${sources} needs at least ${sources} nodes (each file's publishers are distinct nodes), got --nodes ${nodes}`);
  return { files, sources };
}
