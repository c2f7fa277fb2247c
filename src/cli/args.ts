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
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** parseArgs option definitions (the `options` field of its config). */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** The `--help` / `-h` flag every command gets. */
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

type WithHelp<O extends CommandOptions> = Omit<O, 'help'> & typeof HELP_OPTION;

/** Typed values parseArgs returns for these options (strict mode). */
export type CommandValues<O extends CommandOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: WithHelp<O>; strict: true; allowPositionals: true }>>['values'];

/** What a command gets back when the arguments parsed and `--help` was not given. */
export interface CommandArgs<O extends CommandOptions> {
  /** Option values, typed from the option definitions (`help` included). */
  values: CommandValues<O>;
  /** Positional arguments (always empty unless `positionals: true`). */
  positionals: string[];
  /** Prints `affect-bt <command>: <message>`, a blank line and the help on stderr; returns 2. */
  usage(message: string): number;
}

/** Optional behaviour of {@link parseCommandArgs}. */
export interface CommandArgsSettings {
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
 * ```
 */
export function parseCommandArgs<const O extends CommandOptions>(command: string, help: string, argv: string[], options: O, settings: CommandArgsSettings = {}): CommandArgs<O> | number {
  const stderr = settings.stderr ?? process.stderr;
  const usage = (message: string): number => {
    stderr.write(`affect-bt ${command}: ${message}${settings.hint ? settings.hint(message) : ''}\n\n${help}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, ...HELP_OPTION }, strict: true, allowPositionals: settings.positionals === true });
  } catch (err) {
    return usage((err as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    (settings.stdout ?? process.stdout).write((settings.fullHelp ?? help) + '\n');
    return 0;
  }
  return { values: parsed.values as CommandValues<O>, positionals: parsed.positionals, usage };
}
