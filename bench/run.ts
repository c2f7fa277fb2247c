/**
 * Benchmark dispatcher: `npm run bench -- <name>` runs `bench/<name>.ts`, which
 * prints human-readable numbers and ends with one JSON line `{"bench":"<name>",…}`.
 * Budgets live here, never in timed unit tests.
 */
const BENCHES = ['tick', 'load', 'mqtt', 'estimator', 'faces', 'sim', 'soak', 'vlm', 'flood', 'package'] as const;

const name = process.argv[2];
if (!name || !(BENCHES as readonly string[]).includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${BENCHES.join('|')}> [options]\n`);
  process.exit(2);
}
const mod = (await import(`./${name}.ts`)) as { main(argv: string[]): Promise<void> };
await mod.main(process.argv.slice(3));
