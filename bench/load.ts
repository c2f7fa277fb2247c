/**
 * Load benchmark: how long loading a YAML tree takes (read + validate: `loadTreeText`,
 * warm, median) for generated trees of 10, 100 and 1,000 nodes (bench/gen-tree.ts),
 * how long building it takes, and — for reference — how long the `yaml` package alone
 * needs to parse the same text (what loading cost before the fast reader).
 * Budget: a 1,000-node tree loads in < 10 ms warm.
 *
 * Usage: npm run bench -- load [--runs N]
 */
import { parseArgs } from 'node:util';
import { parseDocument, LineCounter } from 'yaml';
import { Blackboard } from '../src/core/blackboard.ts';
import { VirtualClock } from '../src/core/clock.ts';
import { InMemoryController } from '../src/core/in-memory-controller.ts';
import '../src/builtins.ts';
import { buildTree, loadTreeText } from '../src/tree/index.ts';
import { generateTree } from './gen-tree.ts';

function medianMs(runs: number, f: () => unknown): number {
  for (let i = 0; i < Math.min(runs, 20); i++) f();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    f();
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
}

/**
 * Runs the load benchmark and prints the JSON line.
 *
 * @example
 * ```ts
 * await main(['--runs', '50']);
 * ```
 */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '60' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 5) throw new Error(`bench load: --runs must be an integer ≥ 5, got ${values.runs}`);
  const sizes = [10, 100, 1000];
  const load: number[] = [];
  const build: number[] = [];
  const yamlOnly: number[] = [];
  process.stdout.write(`median of ${runs} warm runs\nnodes   load ms   build ms   (yaml package parse alone, ms)\n`);
  for (const n of sizes) {
    const text = generateTree(n);
    const file = `generated-${n}.yaml`;
    const l = medianMs(runs, () => loadTreeText(text, file));
    const doc = loadTreeText(text, file);
    const b = medianMs(runs, () => {
      const clock = new VirtualClock(0);
      return buildTree(doc, { blackboard: new Blackboard({ clock }), controller: new InMemoryController({ clock }), clock });
    });
    const y = medianMs(runs, () => parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: true, strict: true }));
    load.push(+l.toFixed(3));
    build.push(+b.toFixed(3));
    yamlOnly.push(+y.toFixed(3));
    process.stdout.write(`${String(n).padStart(5)} ${l.toFixed(2).padStart(9)} ${b.toFixed(2).padStart(10)}   (${y.toFixed(2)})\n`);
  }
  process.stdout.write(`1,000-node tree: ${load[2]!.toFixed(2)} ms (budget < 10 ms warm)\n`);
  process.stdout.write(JSON.stringify({ bench: 'load', sizes, load_ms: load, build_ms: build, yaml_package_parse_ms: yamlOnly }) + '\n');
}
