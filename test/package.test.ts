// affect-bt as a user installs it: `npm pack` (building dist/ fresh), the tarball
// installed into a new project from the local npm cache, then — with plain Node and no
// TypeScript loader — the root and every subpath imported, the root shown light, a
// strict consumer type-checked (moduleResolution nodenext and bundler, no extra
// include), the installed `affect-bt` run with a custom node module (by --nodes and by a
// tree's nodes: entry), the estimator's optional peers missing then installed, and the
// `affect-bt init` scaffold passing its own `npm test`. Built once, shared by all tests.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, devSpec, npmInstall, packRepo, peerSpecs, run, type Packed } from './support/package.ts';
import { cellTreeWithBeep } from './support/plugin-fixtures.ts';
import { REPO_ROOT } from './support/processes.ts';

const HEAVY = ['onnxruntime-node', 'sharp', 'mqtt', 'aedes', '@google/genai'];
const FACE = resolve(REPO_ROOT, '../shared/data/faces/scenes/happy.jpg');

let work: string;
let packed: Packed;
let consumer: string;
const bin = () => join(consumer, 'node_modules/.bin/affect-bt');
const cmd = (args: string[], env: Record<string, string> = {}) => run(bin(), args, consumer, env);

const PLUGIN = `// A cell's own node, written against the installed package.
import { Behaviour, defineNode } from 'affect-bt';

class Beep extends Behaviour {
  update() {
    this.feedback = 'beep';
    return 'SUCCESS';
  }
}

export const BeepNode = defineNode({
  kind: 'Beep',
  category: 'condition',
  role: 'task',
  description: 'beeps, then succeeds',
  ports: { times: { type: 'integer', default: 1, min: 1, max: 5, description: 'how often' } },
  create: () => new Beep(),
});

export default { nodes: [BeepNode] };
`;

/** The TypeScript samples of the docs that import the package (README.md, docs/*.md). */
function docSamples(): { file: string; code: string }[] {
  const out: { file: string; code: string }[] = [];
  for (const file of ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).map((f) => `docs/${f}`)]) {
    for (const m of readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)) {
      if (/from 'affect-bt/.test(m[1]!)) out.push({ file, code: m[1]! });
    }
  }
  return out;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'affect-bt-package-'));
  packed = await packRepo(work);
  consumer = join(work, 'consumer');
  await consumerProject(consumer, packed, [devSpec('@types/node')]);
  writeFileSync(join(consumer, 'nodes.mjs'), PLUGIN);
  writeFileSync(join(consumer, 'tree.yaml'), cellTreeWithBeep(''));
  writeFileSync(join(consumer, 'header.yaml'), cellTreeWithBeep('nodes: [./nodes.mjs]\n'));
  for (const f of ['record-imports.mjs', 'record-imports-hooks.mjs', 'import-report.mjs']) copyFileSync(join(REPO_ROOT, 'test/support', f), join(consumer, f));
}, 900_000);

describe('the packed tarball', () => {
  it('ships the build, the models, example trees and scenarios, docs — no sources or tests', () => {
    for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/index.js.map', 'dist/src/tree/engine-types.d.ts', 'dist/src/cli/bin.js', 'dist/src/monitor/page/index.html', 'dist/src/monitor/page/app.js', 'bin/affect-bt.js', 'models/face_expression.onnx', 'models/tiny_face_detector.onnx', 'models/calibration.json', 'models/face_expression.md', 'trees/handover_affect.yaml', 'trees/tree.schema.json', 'sim/scenarios/impatient_novice.yaml', 'cells/example.yaml', 'docs/trees.md', 'README.md', 'LICENSE', 'package.json']) {
      expect(packed.files, f).toContain(f);
    }
    expect(packed.files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packed.files.filter((f) => /\.test\.|^test\/|^src\/|^bench\/|^scripts\//.test(f))).toEqual([]);
  });
});

describe('installed without the estimator peers (a planner-only project)', () => {
  it('installs without onnxruntime-node or sharp, and the root import loads none of the heavy packages', async () => {
    expect(existsSync(join(consumer, 'node_modules/affect-bt/dist/src/index.js'))).toBe(true);
    expect(existsSync(join(consumer, 'node_modules/onnxruntime-node'))).toBe(false);
    expect(existsSync(join(consumer, 'node_modules/sharp'))).toBe(false);
    const r = await run(process.execPath, ['--import', './record-imports.mjs', 'import-report.mjs', 'affect-bt'], consumer);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out.trim()) as { packages: string[]; exports: number };
    expect(report.exports).toBeGreaterThan(50);
    expect(report.packages).toContain('behaviortree');
    for (const heavy of HEAVY) expect(report.packages).not.toContain(heavy);
  });

  it('the estimator says what to install, from the library and from the CLI', async () => {
    const lib = await run(process.execPath, ['--input-type=module', '-e', "const e = await import('affect-bt/estimator'); await e.createFramePipeline().catch((err) => { console.log(err.name + ': ' + err.message); });"], consumer);
    const install = `ONNXRUNTIME_NODE_INSTALL=skip npm install ${peerSpecs().join(' ')}`;
    expect(lib.out.trim()).toBe(`MissingPeerError: onnxruntime-node is not installed; affect-bt's estimator needs it: ${install}`);
    const c = await cmd(['estimate', FACE]);
    expect(c.code).toBe(1);
    expect(c.err.trim()).toBe(`affect-bt estimate: cannot load models: onnxruntime-node is not installed; affect-bt's estimator needs it: ${install}`);
  });

  it('the installed affect-bt runs compiled code: --version, and validate, tick, sim, schema with a custom node by --nodes and by nodes:', async () => {
    const version = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
    const [v, noNodes, byFlag, byHeader, tick, simHeader, simFlag, schema] = await Promise.all([
      cmd(['--version']),
      cmd(['validate', 'tree.yaml']),
      cmd(['validate', '--nodes', './nodes.mjs', 'tree.yaml']),
      cmd(['validate', 'header.yaml']),
      cmd(['tick', '--tree', 'tree.yaml', '--nodes', './nodes.mjs', '--ticks', '5']),
      cmd(['sim', '--tree', 'header.yaml', '--scenario', 'calm_expert', '--episodes', '3', '--quiet', '--json', 'out/sim.json']),
      cmd(['sim', '--tree', 'tree.yaml', '--nodes', './nodes.mjs', '--episodes', '3', '--quiet']),
      cmd(['schema', '--nodes', './nodes.mjs']),
    ]);
    expect(v.out).toBe(`${version}\n`);
    expect(noNodes.code).toBe(1);
    expect(noNodes.err).toContain("tree.yaml:7:11: unknown node type 'Beep'");
    expect([byFlag.code, byHeader.code], byFlag.err + byHeader.err).toEqual([0, 0]);
    expect(tick.code, tick.err).toBe(0);
    expect(tick.out).toContain('Beep [SUCCESS] beep');
    expect(simHeader.code, simHeader.err).toBe(0);
    expect(JSON.parse(readFileSync(join(consumer, 'out/sim.json'), 'utf8')).scenarios[0].trees[0].tree).toBe('header');
    expect(simFlag.code, simFlag.err).toBe(0);
    expect(simFlag.out).toContain('impatient_novice');
    expect(JSON.parse(schema.out).definitions.Beep.properties.times).toMatchObject({ type: 'integer', minimum: 1, maximum: 5 });
  });

  it('a TypeScript node module without tsx in the project is one line saying what to do', async () => {
    writeFileSync(join(consumer, 'nodes.ts'), PLUGIN);
    const r = await cmd(['validate', '--nodes', './nodes.ts', 'tree.yaml']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`affect-bt validate: ./nodes.ts: Node ${process.version} cannot import TypeScript by itself; install tsx in your project (npm install --save-dev tsx) or compile the module to JavaScript\n`);
  });
});

describe('installed with the estimator peers', () => {
  beforeAll(async () => {
    await npmInstall(consumer, peerSpecs(), { ONNXRUNTIME_NODE_INSTALL: 'skip' });
  }, 600_000);

  it('imports the root and every subpath from plain Node ESM', async () => {
    const script = `
      const checks = { 'affect-bt': 'loadTreeFile', 'affect-bt/mqtt': 'startEmbeddedBroker', 'affect-bt/estimator': 'createFramePipeline', 'affect-bt/vlm': 'Escalator', 'affect-bt/sim': 'runComparison', 'affect-bt/deploy': 'loadCellConfig', 'affect-bt/monitor': 'readRecording' };
      const out = {};
      for (const [spec, name] of Object.entries(checks)) out[spec] = typeof (await import(spec))[name];
      console.log(JSON.stringify(out));`;
    const r = await run(process.execPath, ['--input-type=module', '-e', script], consumer);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ 'affect-bt': 'function', 'affect-bt/mqtt': 'function', 'affect-bt/estimator': 'function', 'affect-bt/vlm': 'function', 'affect-bt/sim': 'function', 'affect-bt/deploy': 'function', 'affect-bt/monitor': 'function' });
  });

  it('the estimator runs from the installed package (its models ship with it)', async () => {
    const r = await cmd(['estimate', FACE, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out.trim().split('\n')[0]!).label).toBe('happy');
  });

  it.each([
    ['nodenext', 'nodenext'],
    ['esnext', 'bundler'],
  ])('a strict consumer and the docs samples type-check with module %s / moduleResolution %s, zero errors', async (module, moduleResolution) => {
    const dir = join(consumer, `tsc-${moduleResolution}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'consumer.ts'), readFileSync(join(REPO_ROOT, 'test/fixtures/consumer.ts'), 'utf8'));
    const samples = docSamples();
    expect(samples.length).toBeGreaterThanOrEqual(6);
    samples.forEach((s, i) => writeFileSync(join(dir, `sample-${i}.ts`), `// ${s.file}\n${s.code}\nexport {};\n`));
    // strict, and no skipLibCheck: affect-bt's declarations are checked too. "dom" is for
    // the typings of @google/genai and mqtt's timers, which name browser types.
    const compilerOptions = { strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noImplicitOverride: true, module, moduleResolution, target: 'es2022', lib: ['es2023', 'dom'], types: ['node'], noEmit: true, skipLibCheck: false };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions }, null, 2));
    const r = await run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], consumer);
    expect(r.out + r.err).toBe('');
    expect(r.code).toBe(0);
  }, 300_000);
});

describe('affect-bt init', () => {
  it('writes a cell project whose own npm test passes', async () => {
    const init = await cmd(['init', 'my-cell']);
    expect(init.code, init.err).toBe(0);
    expect(init.out).toContain('created my-cell: package.json, tsconfig.json');
    const cell = join(consumer, 'my-cell');
    await npmInstall(cell, [packed.tarball]);
    const test = await run('npm', ['test'], cell);
    expect(test.code, (test.out + test.err).slice(-4000)).toBe(0);
    expect(test.out.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests\s+4 passed \(4\)/);
    expect(test.out).toContain('ok: 1 file valid');
    const again = await cmd(['init', 'my-cell']);
    expect(again.code).toBe(2);
    expect(again.err).toContain('my-cell exists and is not an empty directory');
  }, 900_000);
});
