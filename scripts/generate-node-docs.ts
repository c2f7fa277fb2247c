/**
 * Regenerates what the built-in node registry generates: the node reference in
 * docs/trees.md and the JSON Schema trees/tree.schema.json (which the shipped trees
 * reference for editor support). Drift tests fail until this is re-run after a node
 * or port changes: `npx tsx scripts/generate-node-docs.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createNodeRegistry } from '../src/builtins.ts';
import { spliceReference } from '../src/tree/docs.ts';
import { treeSchema } from '../src/tree/schema.ts';

const registry = createNodeRegistry();
const md = 'docs/trees.md';
writeFileSync(md, spliceReference(readFileSync(md, 'utf8'), registry));
writeFileSync('trees/tree.schema.json', JSON.stringify(treeSchema(registry), null, 2) + '\n');
process.stdout.write(`updated ${md} and trees/tree.schema.json\n`);
