// Runs in a worker thread (through ts-worker.mjs): loads node modules by path into a
// fresh registry, loads a tree with them, ticks it once and reports back — what a
// simulator worker does with the paths it is given.
import { parentPort, workerData } from 'node:worker_threads';
import { createNodeRegistry } from '../../src/builtins.ts';
import { Blackboard } from '../../src/core/blackboard.ts';
import { VirtualClock } from '../../src/core/clock.ts';
import { InMemoryController } from '../../src/core/in-memory-controller.ts';
import { buildTree, loadNodeModules, loadTreeFile } from '../../src/tree/index.ts';

const { nodes, tree } = workerData as { nodes: string[]; tree: string };
const registry = createNodeRegistry();
await loadNodeModules(nodes, registry);
const doc = await loadTreeFile(tree, { registry });
const clock = new VirtualClock(0);
const runner = buildTree(doc, { blackboard: new Blackboard({ clock }), controller: new InMemoryController({ clock }), clock });
parentPort!.postMessage({ status: runner.tick(), origin: doc.registry.originOf('Beep'), text: runner.renderText() });
