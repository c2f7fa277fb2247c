/**
 * CLI dispatcher for `affect-bt`. Each sub-command lives in its own module under
 * `src/cli/commands/` and is imported lazily (one literal `import()` per command, so
 * the build rewrites it), so `affect-bt validate` never pays for loading onnxruntime or
 * the MQTT client, and `affect-bt --version` loads nothing but this file.
 *
 * Exit codes (all commands): 0 success, 1 the job failed (invalid tree, failed
 * frames…), 2 usage error.
 *
 * @example
 * ```ts
 * import { main } from './src/cli/main.ts';
 * process.exitCode = await main(['validate', 'trees/handover_affect.yaml']);
 * ```
 */
import { packageVersion } from '../core/package-files.ts';


/** A sub-command module: `run` receives the arguments after the command name. */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}

interface CommandEntry {
  summary: string;
  /** Loads the command's module (`src/cli/commands/<name>.ts`). */
  load(): Promise<CommandModule>;
}

/**
 * Registry of sub-commands: name → one-line summary and module loader.
 *
 * @example
 * ```ts
 * const code = await (await COMMANDS['validate']!.load()).run(['trees/handover_affect.yaml']);
 * ```
 */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  validate: { summary: 'validate YAML tree files (prints file:line:col errors)', load: () => import('./commands/validate.ts') },
  tick: { summary: 'load a tree and tick it against the in-memory controller (demo)', load: () => import('./commands/tick.ts') },
  render: { summary: 'render a tree as text, Mermaid or DOT', load: () => import('./commands/render.ts') },
  schema: { summary: 'write the JSON Schema of tree files (for YAML editors), with your nodes', load: () => import('./commands/schema.ts') },
  init: { summary: 'create a cell project: tree, cell config, a custom node and its test', load: () => import('./commands/init.ts') },
  broker: { summary: 'run the embedded MQTT broker (aedes) standalone', load: () => import('./commands/broker.ts') },
  'controller-sim': { summary: 'reference cobot controller speaking the MQTT contract', load: () => import('./commands/controller-sim.ts') },
  estimate: { summary: 'run the on-robot affect estimator on images (or publish over MQTT)', load: () => import('./commands/estimate.ts') },
  'eval-faces': { summary: 'measure the expression model on a labelled face set', load: () => import('./commands/eval-faces.ts') },
  sim: { summary: 'headless handover simulator: compare trees on scenarios', load: () => import('./commands/sim.ts') },
  run: { summary: 'run the planner on a cell (MQTT-connected cobot controller)', load: () => import('./commands/run.ts') },
  monitor: { summary: 'live browser monitor of a cell, or replay of an MCAP recording', load: () => import('./commands/monitor.ts') },
  send: { summary: 'publish an order, a cancel or an affect estimate to a cell (fresh header)', load: () => import('./commands/send.ts') },
};

/**
 * Text printed by `affect-bt --help`.
 *
 * @example
 * ```ts
 * usage().split('\n')[0]; // 'usage: affect-bt <command> [options]'
 * ```
 */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: affect-bt <command> [options]',
    '       affect-bt --version',
    '',
    'commands:',
    ...lines,
    '',
    "run 'affect-bt <command> --help' for a command's options",
  ].join('\n');
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
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    process.stderr.write(`affect-bt: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  return (await entry.load()).run(rest);
}
