// The README's YAML example and its command table must stay true: the example tree
// loads, and every command the README names is registered in the CLI.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTreeText } from '../src/tree/index.ts';
import { COMMANDS } from '../src/cli/main.ts';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

describe('README', () => {
  it('its YAML tree example loads without diagnostics', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const doc = loadTreeText(block![1]!, 'README.md');
    expect(doc).toBeDefined();
  });

  it('names only commands the CLI has', () => {
    const named = [...readme.matchAll(/`affect-bt ([a-z][a-z-]*)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(5);
    for (const name of named) expect(Object.keys(COMMANDS)).toContain(name);
  });

  it('its TypeScript samples and the docs\' import the package, not ./src/ (test/package.test.ts type-checks them)', () => {
    const docs = readdirSync(fileURLToPath(new URL('../docs', import.meta.url))).map((f) => readFileSync(fileURLToPath(new URL(`../docs/${f}`, import.meta.url)), 'utf8'));
    const samples = [readme, ...docs].flatMap((text) => [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!));
    expect(samples.length).toBeGreaterThanOrEqual(6);
    for (const code of samples) {
      expect(code).not.toMatch(/from '\.{1,2}\//);
      expect(code).toMatch(/from 'affect-bt(\/[a-z]+)?'/);
    }
  });

  it('shows the test command CI runs', () => {
    expect(readme).toContain('npm test');
    expect(readFileSync(fileURLToPath(new URL('../.ci/run', import.meta.url)), 'utf8')).toMatch(/^npm test$/m);
  });
});
