/**
 * CLI dispatcher for `affect-bt`. Each sub-command lives in its own module under
 * `src/cli/commands/` and is imported lazily, so `affect-bt validate` never pays for
 * loading onnxruntime or the MQTT client.
 *
 * Exit codes (all commands): 0 success, 1 the job failed (invalid tree, failed
 * frames…), 2 usage error.
 *
 * @example
 * ```ts
 * import { main } from 'affect-bt/src/cli/main.ts';
 * process.exitCode = await main(['validate', 'trees/handover_affect.yaml']);
 * ```
 */

/** A sub-command module: `run` receives the arguments after the command name. */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}

interface CommandEntry {
  summary: string;
  /** File name (without `.ts`) under `src/cli/commands/`. */
  module: string;
}

/** Registry of sub-commands: name → one-line summary and module. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  validate: { summary: 'validate YAML tree files (prints file:line:col errors)', module: 'validate' },
  tick: { summary: 'load a tree and tick it against the in-memory controller (demo)', module: 'tick' },
  render: { summary: 'render a tree as text, Mermaid or DOT', module: 'render' },
  broker: { summary: 'run the embedded MQTT broker (aedes) standalone', module: 'broker' },
  'controller-sim': { summary: 'reference cobot controller speaking the MQTT contract', module: 'controller-sim' },
  estimate: { summary: 'run the on-robot affect estimator on images (or publish over MQTT)', module: 'estimate' },
  'eval-faces': { summary: 'measure the expression model on a labelled face set', module: 'eval-faces' },
  sim: { summary: 'headless handover simulator: compare trees on scenarios', module: 'sim' },
  run: { summary: 'run the planner on a cell (MQTT-connected cobot controller)', module: 'run' },
  monitor: { summary: 'live browser monitor of a cell, or replay of an MCAP recording', module: 'monitor' },
};

/** Text printed by `affect-bt --help`. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['usage: affect-bt <command> [options]', '', 'commands:', ...lines, '', "run 'affect-bt <command> --help' for a command's options"].join('\n');
}

/**
 * Runs one sub-command and returns its exit code.
 *
 * @example
 * ```ts
 * const code = await main(['--help']); // prints usage, returns 0
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`affect-bt: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  const mod = (await import(`./commands/${entry.module}.ts`)) as CommandModule;
  return mod.run(rest);
}
