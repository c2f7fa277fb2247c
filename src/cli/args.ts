/**
 * Argument parsing shared by the `affect-bt` sub-commands, so every command treats
 * usage the same way without repeating it: `node:util` parseArgs (strict), `-h/--help`
 * added to every command, and one shape for usage errors.
 *
 * - a parse error (unknown option, missing value, unexpected positional) prints
 *   `affect-bt <command>: <message>\n\n<help>\n` on stderr → exit code 2;
 * - `--help` / `-h` prints the help on stdout → exit code 0 (a parse error wins over
 *   `--help`, as parseArgs throws before anything is read);
 * - otherwise the caller gets the values and a `usage(message)` that prints the same
 *   usage-error shape and returns 2, for its own checks (`return a.usage('…')`).
 *
 * The exit code comes back as a plain number instead of the parse result, so a
 * command's first lines stay `const a = parseCommandArgs(…); if (typeof a === 'number')
 * return a;`. Output goes to injectable streams so the helper is testable without a
 * process.
 *
 * Values that every command checks the same way are declared in the settings and
 * checked here, before the command does any work (usage error, exit 2):
 * - `numbers`: type and range (`--episodes -3` → "--episodes must be ≥ 1, got -3");
 * - `brokerUrls`: a broker URL (`127.0.0.1:1883` → "did you mean mqtt://127.0.0.1:1883?");
 * - `outputs`: an output file or directory that can be written (checked before a
 *   long run, not after it).
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** parseArgs option definitions (the `options` field of its config). */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** The `--help` / `-h` flag every command gets. */
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

type WithHelp<O extends CommandOptions> = Omit<O, 'help'> & typeof HELP_OPTION;

/** Typed values parseArgs returns for these options (strict mode). */
export type CommandValues<O extends CommandOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: WithHelp<O>; strict: true; allowPositionals: true }>>['values'];

/** Range rule of a numeric option. */
export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound (e.g. 0 for "> 0"). */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
}

/** Rules for numeric options, by option name. */
export type NumberRules = Readonly<Record<string, NumberRule>>;

/**
 * Checks one numeric option value; returns the number, or the usage-error message.
 *
 * @example
 * ```ts
 * checkNumber('--episodes', '-3', { integer: true, min: 1 }); // '--episodes must be ≥ 1, got -3'
 * checkNumber('--episodes', '20', { integer: true, min: 1 }); // 20
 * ```
 */
export function checkNumber(flag: string, text: string, rule: NumberRule): number | string {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) return `${flag} must be ${rule.integer ? 'an integer' : 'a number'}, got '${text}'`;
  if (rule.integer && !Number.isInteger(n)) return `${flag} must be an integer, got ${text}`;
  if (rule.min !== undefined && n < rule.min) return `${flag} must be ≥ ${rule.min}, got ${text}`;
  if (rule.above !== undefined && n <= rule.above) return `${flag} must be > ${rule.above}, got ${text}`;
  if (rule.max !== undefined && n > rule.max) return `${flag} must be ≤ ${rule.max}, got ${text}`;
  return n;
}

const BROKER_PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:', 'ssl:'];

/**
 * Checks a broker URL; returns the problem (with a "did you mean") or undefined.
 *
 * @example
 * ```ts
 * checkBrokerUrl('--mqtt', '127.0.0.1:1883'); // "… got '127.0.0.1:1883' (did you mean mqtt://127.0.0.1:1883?)"
 * checkBrokerUrl('--mqtt', 'mqtt://127.0.0.1:1883'); // undefined
 * ```
 */
export function checkBrokerUrl(flag: string, text: string): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url !== undefined && BROKER_PROTOCOLS.includes(url.protocol) && url.hostname !== '') return undefined;
  const guess = /^[A-Za-z0-9.[\]:-]+$/.test(text) && !text.includes('//') ? ` (did you mean mqtt://${text}?)` : '';
  return `${flag} must be a broker URL such as mqtt://host:1883 (or mqtts://, ws://, wss://), got '${text}'${guess}`;
}

/**
 * Checks that an output file (or directory) can be written, before any work is done:
 * not an existing directory (file) / file (dir), and its nearest existing ancestor is a
 * writable directory. Returns the problem or undefined.
 *
 * @example
 * ```ts
 * checkOutputPath('--json', 'results', 'file'); // "--json: cannot write results: it is a directory" when results/ exists
 * ```
 */
export function checkOutputPath(flag: string, path: string, kind: 'file' | 'dir'): string | undefined {
  const abs = resolve(path);
  const why = (reason: string) => `${flag}: cannot write ${path}: ${reason}`;
  if (existsSync(abs)) {
    const isDir = statSync(abs).isDirectory();
    if (kind === 'file' && isDir) return why('it is a directory');
    if (kind === 'dir' && !isDir) return why('it is a file, not a directory');
    try {
      accessSync(abs, constants.W_OK);
    } catch {
      return why('permission denied');
    }
    return undefined;
  }
  let dir = dirname(abs);
  while (!existsSync(dir)) dir = dirname(dir);
  if (!statSync(dir).isDirectory()) return why(`${dir} is a file, not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return why(`${dir} is not writable`);
  }
  return undefined;
}

/**
 * parseArgs reads `--episodes -3` as a missing value followed by an unknown flag; a
 * negative number after an option that takes a value is that option's value (no
 * affect-bt flag looks like a number), so it is joined as `--episodes=-3` and the range
 * check can say what is wrong with it.
 */
function joinNegativeValues(argv: readonly string[], options: CommandOptions): string[] {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (takesValue.has(a) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(a.startsWith('--') ? `${a}=${next}` : `${a}${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** What a command gets back when the arguments parsed and `--help` was not given. */
export interface CommandArgs<O extends CommandOptions, N extends NumberRules = {}> {
  /** Option values, typed from the option definitions (`help` included). */
  values: CommandValues<O>;
  /** The checked numeric options (`settings.numbers`); undefined when absent without a default. */
  numbers: { readonly [K in keyof N]: number | undefined };
  /** Positional arguments (always empty unless `positionals: true`). */
  positionals: string[];
  /** Prints `affect-bt <command>: <message>`, a blank line and the help on stderr; returns 2. */
  usage(message: string): number;
}

/** Optional behaviour of {@link parseCommandArgs}. */
export interface CommandArgsSettings<N extends NumberRules = {}> {
  /** Numeric options (string-typed in `options`) and their ranges; checked, then returned in `numbers`. */
  numbers?: N;
  /** Options holding a broker URL: `url`, or `url-or-embedded` (also accepts `embedded`). */
  brokerUrls?: Readonly<Record<string, 'url' | 'url-or-embedded'>>;
  /** Output paths to check before the command runs: option name → file or directory. */
  outputs?: Readonly<Record<string, 'file' | 'dir'>>;
  /** Accept positional arguments (default false: they are a usage error). */
  positionals?: boolean;
  /** Printed on stdout for `--help` instead of `help` (e.g. help plus optional flags). */
  fullHelp?: string;
  /** Extra text appended to a usage-error message, e.g. a pointer for a common mistake. */
  hint?: (message: string) => string;
  /** Where help goes (default process.stdout). */
  stdout?: { write(text: string): unknown };
  /** Where usage errors go (default process.stderr). */
  stderr?: { write(text: string): unknown };
}

/**
 * Parses a command's arguments; returns the exit code (2 usage error, 0 after
 * `--help`) when the command should stop, else the values and a `usage` helper.
 *
 * @example
 * ```ts
 * const HELP = 'usage: affect-bt render FILE [--format text|mermaid|dot]';
 * const a = parseCommandArgs('render', HELP, argv, { format: { type: 'string', default: 'text' } }, { positionals: true });
 * if (typeof a === 'number') return a; // 2 after "affect-bt render: Unknown option '--x'", 0 after --help
 * if (a.positionals.length !== 1) return a.usage('give exactly one FILE'); // prints, returns 2
 * const format = a.values.format; // string
 *
 * const s = parseCommandArgs('sim', HELP, argv, { episodes: { type: 'string', default: '200' } }, { numbers: { episodes: { integer: true, min: 1 } } });
 * if (typeof s === 'number') return s; // 2 after "affect-bt sim: --episodes must be ≥ 1, got -3"
 * s.numbers.episodes; // number
 * ```
 */
export function parseCommandArgs<const O extends CommandOptions, const N extends NumberRules = {}>(
  command: string,
  help: string,
  argv: string[],
  options: O,
  settings: CommandArgsSettings<N> = {},
): CommandArgs<O, N> | number {
  const stderr = settings.stderr ?? process.stderr;
  const usage = (message: string): number => {
    stderr.write(`affect-bt ${command}: ${message}${settings.hint ? settings.hint(message) : ''}\n\n${help}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, options), options: { ...options, ...HELP_OPTION }, strict: true, allowPositionals: settings.positionals === true });
  } catch (err) {
    return usage((err as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    (settings.stdout ?? process.stdout).write((settings.fullHelp ?? help) + '\n');
    return 0;
  }
  const raw = parsed.values as Record<string, unknown>;
  const numbers: Record<string, number | undefined> = {};
  for (const [name, rule] of Object.entries(settings.numbers ?? {})) {
    const text = raw[name];
    if (text === undefined) continue;
    const n = checkNumber(`--${name}`, String(text), rule);
    if (typeof n === 'string') return usage(n);
    numbers[name] = n;
  }
  for (const [name, kind] of Object.entries(settings.brokerUrls ?? {})) {
    const text = raw[name];
    if (text === undefined || (kind === 'url-or-embedded' && text === 'embedded')) continue;
    const problem = checkBrokerUrl(`--${name}`, String(text));
    if (problem) return usage(problem);
  }
  for (const [name, kind] of Object.entries(settings.outputs ?? {})) {
    const text = raw[name];
    if (text === undefined) continue;
    const problem = checkOutputPath(`--${name}`, String(text), kind);
    if (problem) return usage(problem);
  }
  return { values: parsed.values as CommandValues<O>, numbers: numbers as CommandArgs<O, N>['numbers'], positionals: parsed.positionals, usage };
}
