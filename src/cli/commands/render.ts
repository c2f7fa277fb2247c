/**
 * `affect-bt render FILE [--format text|mermaid|dot] [--tree NAME]`: prints a tree's
 * structure (subtrees expanded, node paths as built) as indented text, a Mermaid
 * flowchart or Graphviz DOT. The tree is built against the in-memory controller and
 * not ticked, so every status is IDLE.
 */
import { parseCommandArgs } from '../args.ts';
import { Blackboard } from '../../core/blackboard.ts';
import { VirtualClock } from '../../core/clock.ts';
import { InMemoryController } from '../../core/in-memory-controller.ts';
import { buildTree, loadTreeFile, TreeLoadError } from '../../tree/index.ts';

const HELP = `usage: affect-bt render FILE [--format text|mermaid|dot] [--tree NAME]

Prints the tree (subtrees expanded) as text (default), Mermaid or Graphviz DOT.
Exit codes: 0 ok, 1 invalid tree, 2 usage error.`;

/**
 * Runs the command.
 *
 * @example
 * ```ts
 * await run(['trees/handover_affect.yaml', '--format', 'mermaid']);
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('render', HELP, argv, { format: { type: 'string', short: 'f', default: 'text' }, tree: { type: 'string' } }, { positionals: true });
  if (typeof parsed === 'number') return parsed;
  const format = parsed.values.format;
  if (parsed.positionals.length !== 1 || !['text', 'mermaid', 'dot'].includes(format)) {
    return parsed.usage(`give exactly one FILE and --format text|mermaid|dot (got ${parsed.positionals.length} files, format '${format}')`);
  }
  try {
    const doc = await loadTreeFile(parsed.positionals[0]!);
    if (parsed.values.tree !== undefined && !doc.trees.has(parsed.values.tree)) {
      process.stderr.write(`affect-bt render: no tree '${parsed.values.tree}' in ${doc.file} (trees: ${[...doc.trees.keys()].join(', ')})\n`);
      return 2;
    }
    const clock = new VirtualClock(0);
    const runner = buildTree(doc, {
      blackboard: new Blackboard({ clock }),
      controller: new InMemoryController({ clock }),
      clock,
      treeName: parsed.values.tree,
    });
    const out = format === 'mermaid' ? runner.toMermaid() : format === 'dot' ? runner.toDot() : runner.renderText();
    process.stdout.write(out + '\n');
    return 0;
  } catch (err) {
    if (err instanceof TreeLoadError) {
      process.stderr.write(err.message + '\n');
      return 1;
    }
    throw err;
  }
}
