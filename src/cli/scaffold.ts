/**
 * The files `affect-bt init` writes: a small cell project that depends on affect-bt and
 * extends it — a tree (with editor schema hint and a `nodes:` header), a cell config,
 * one custom node in TypeScript (`defineNode`) with its vitest test, and a package.json
 * whose `npm test` type-checks, runs the test and validates the tree. Dev tool versions
 * are affect-bt's own (the versions it is tested with).
 */

/** Versions the scaffold pins. */
export interface ScaffoldVersions {
  affectBt: string;
  typescript: string;
  vitest: string;
  tsx: string;
  typesNode: string;
}

const NODE = `/**
 * IsPartAvailable (condition, task): SUCCESS while the part feeder holds at least
 * minCount parts. The count is a blackboard entry that the cell's own code writes
 * (here the tree seeds it with SetBlackboard); a missing or stale count is unknown,
 * and unknown is FAILURE, so the robot never reaches for a part that may not be there.
 */
import { Behaviour, defineNode, type BlackboardAccess, type LeafContext, type PortValues, type Status } from 'affect-bt';

const PORTS = {
  stock: { type: 'key', default: '{parts/stock}', valueType: 'number', description: 'number of parts in the feeder' },
  minCount: { type: 'integer', default: 1, min: 1, max: 1000, description: 'parts needed for the next handover' },
} as const;

class PartCheck extends Behaviour {
  private readonly io: BlackboardAccess;
  constructor(private readonly ctx: LeafContext<PortValues<typeof PORTS>>) {
    super();
    this.io = ctx.access({ reads: [ctx.ports.stock] });
  }
  update(): Status {
    const count = this.io.get<number>(this.ctx.ports.stock);
    this.feedback = count === undefined ? 'part count unknown' : \`\${count} parts, need \${this.ctx.ports.minCount}\`;
    return count !== undefined && count >= this.ctx.ports.minCount ? 'SUCCESS' : 'FAILURE';
  }
}

export const IsPartAvailable = defineNode({
  kind: 'IsPartAvailable',
  category: 'condition',
  role: 'task',
  description: 'SUCCESS while the part feeder holds at least minCount parts; FAILURE when fewer or unknown.',
  ports: PORTS,
  example: 'IsPartAvailable: { minCount: 1 }',
  create: (ctx) => new PartCheck(ctx),
});
`;

const NODE_TEST = `// IsPartAvailable: enough parts → SUCCESS; too few or unknown → FAILURE; the cell tree
// that uses it loads (with its nodes: header) and ticks.
import { describe, expect, it } from 'vitest';
import { Blackboard, InMemoryController, VirtualClock, buildTree, createNodeRegistry, loadTreeFile, loadTreeText } from 'affect-bt';
import nodes from './index.ts';

function harness(yaml: string) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const blackboard = new Blackboard({ clock });
  const controller = new InMemoryController({ clock });
  const registry = createNodeRegistry().use(nodes, './nodes/index.ts');
  const runner = buildTree(loadTreeText(yaml, 'test.yaml', { registry }), { blackboard, controller, clock });
  return { clock, blackboard, controller, runner };
}

describe('IsPartAvailable', () => {
  it('succeeds while the feeder holds at least minCount parts', () => {
    const h = harness('trees:\\n  M:\\n    IsPartAvailable: { minCount: 2 }\\n');
    h.blackboard.set('parts/stock', 2, { source: 'test' });
    expect(h.runner.tick()).toBe('SUCCESS');
    h.blackboard.set('parts/stock', 1, { source: 'test' });
    expect(h.runner.tick()).toBe('FAILURE');
  });

  it('fails while the count is unknown or stale', () => {
    const h = harness('trees:\\n  M:\\n    IsPartAvailable: {}\\n');
    expect(h.runner.tick()).toBe('FAILURE');
    h.blackboard.set('parts/stock', 5, { source: 'test', maxAgeMs: 1000 });
    expect(h.runner.tick()).toBe('SUCCESS');
    h.clock.advance(1001);
    expect(h.runner.tick()).toBe('FAILURE');
  });

  it('is checked by the loader like a built-in node', () => {
    expect(() => harness('trees:\\n  M:\\n    IsPartAvailable: { minCount: 0 }\\n')).toThrow(/port 'minCount' is 0, outside \\[1, 1000\\]/);
  });

  it('runs in the cell tree, which loads it through its nodes: header', async () => {
    const doc = await loadTreeFile('trees/cell.yaml');
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const controller = new InMemoryController({ clock, script: [{ afterMs: 1000, outcome: 'success' }] });
    const blackboard = new Blackboard({ clock });
    const runner = buildTree(doc, { blackboard, controller, clock });
    expect(runner.tick()).toBe('RUNNING');
    expect(controller.handovers).toHaveLength(1);
    clock.advance(1000);
    expect(runner.tick()).toBe('SUCCESS');
  });
});
`;

const TREE = `# yaml-language-server: $schema=../tree.schema.json
# The cell's tree. \`npm run schema\` writes tree.schema.json (built-in nodes + yours) so
# YAML editors complete and check it; \`npm run validate\` checks it from the command line.
nodes: [../nodes/index.ts]        # this cell's own nodes, relative to this file
main: Cell
trees:
  Cell:
    Sequence:
      children:
        - SetBlackboard: { key: '{parts/stock}', value: 5 }   # stands in for the part feeder's count
        - ReactiveSequence:
            name: handover
            children:
              - ControllerAvailable
              - IsPartAvailable: { minCount: 1 }
              - AffectBranch:
                  child:
                    Sequence:
                      children:
                        - ForceSuccess: { child: { PerceiveAffect: { humanId: h1 } } }
                        - ForceSuccess: { child: DetectFrustration }
                        - SlowHandover: { speedScale: 0.6, approachWaitMs: 1500 }
                        - Apologise: { minIntervalMs: 20000 }
              - Retry:
                  numAttempts: 3
                  child:
                    Handover: { objectId: part-7, target: right_hand, timeoutMs: 8000 }
`;

const CELL = `# Cell configuration for \`affect-bt run --config cell.yaml\` (see affect-bt's docs/deploy.md).
# Secrets never go here: broker credentials come from the environment variables
# AFFECT_BT_MQTT_USERNAME / AFFECT_BT_MQTT_PASSWORD.
tree: trees/cell.yaml
robot:
  manufacturer: acme
  serialNumber: cell-01
broker:
  url: mqtt://127.0.0.1:1883
`;

const README = (name: string) => `# ${name}

A robot cell built on [affect-bt](https://www.npmjs.com/package/affect-bt).

\`\`\`sh
npm install
npm test            # type-check, node tests, validate the tree
npm run schema      # tree.schema.json: completion and checks in YAML editors
npm run sim         # the tree in affect-bt's headless handover simulator
npm run check       # validate cell.yaml and the tree without connecting
\`\`\`

- \`trees/cell.yaml\` — the tree; its \`nodes:\` header loads this project's nodes.
- \`nodes/\` — the cell's own nodes (\`defineNode\`), one file each, with tests; \`nodes/index.ts\`
  lists them (\`export default { nodes: [...] }\`).
- \`cell.yaml\` — the cell configuration for \`affect-bt run\`.

On the cell, \`npx affect-bt run --config cell.yaml\` idles until the cell orders a handover;
\`npx affect-bt send order --config cell.yaml --order-id o-1 --param objectId=part-7 --wait\`
sends one by hand (an orderer's credentials; see affect-bt's docs/deploy.md, Orders).

Installing the estimator too (\`affect-bt/estimator\`, \`affect-bt estimate\`)? It needs two
optional native packages: \`ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node sharp\`.
`;

/**
 * The scaffold's files, path → content.
 *
 * @example
 * ```ts
 * Object.keys(scaffoldFiles('my-cell', versions)); // ['package.json', 'tsconfig.json', …]
 * ```
 */
export function scaffoldFiles(name: string, v: ScaffoldVersions): Record<string, string> {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      test: 'tsc --noEmit && vitest run && affect-bt validate trees/cell.yaml',
      validate: 'affect-bt validate trees/cell.yaml',
      schema: 'affect-bt schema --nodes ./nodes/index.ts --out tree.schema.json',
      sim: 'affect-bt sim --tree trees/cell.yaml --episodes 50',
      check: 'affect-bt run --config cell.yaml --check',
    },
    dependencies: { 'affect-bt': `^${v.affectBt}` },
    devDependencies: { '@types/node': v.typesNode, tsx: v.tsx, typescript: v.typescript, vitest: v.vitest },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['nodes'],
  };
  return {
    'package.json': JSON.stringify(pkg, null, 2) + '\n',
    'tsconfig.json': JSON.stringify(tsconfig, null, 2) + '\n',
    '.gitignore': 'node_modules/\ntree.schema.json\n',
    'README.md': README(name),
    'cell.yaml': CELL,
    'trees/cell.yaml': TREE,
    'nodes/IsPartAvailable.ts': NODE,
    'nodes/IsPartAvailable.test.ts': NODE_TEST,
    'nodes/index.ts': `// The cell's own nodes, loaded by trees/cell.yaml (nodes:) and by \`affect-bt … --nodes\`.\nimport type { NodePlugin } from 'affect-bt';\nimport { IsPartAvailable } from './IsPartAvailable.ts';\n\nexport default { nodes: [IsPartAvailable] } satisfies NodePlugin;\n`,
  };
}
