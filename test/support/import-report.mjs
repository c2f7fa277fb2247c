// Child-process script: imports the module given as argv[2] (a specifier or file URL)
// with record-imports.mjs preloaded, then prints one JSON line: import time, RSS
// growth, and every package directory it loaded (ESM resolutions + CommonJS cache).
import { createRequire } from 'node:module';

const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
const mod = await import(process.argv[2]);
const ms = performance.now() - t0;
const rss = process.memoryUsage().rss - rss0;
await new Promise((r) => setTimeout(r, 100)); // let the loader thread's messages arrive
const files = [...(globalThis.__resolvedUrls ?? []), ...Object.keys(createRequire(import.meta.url).cache).map((p) => `file://${p}`)];
const packages = [...new Set(files.map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter(Boolean))].sort();
process.stdout.write(JSON.stringify({ ms: Math.round(ms), rssMiB: Math.round((rss / 1048576) * 10) / 10, exports: Object.keys(mod).length, packages }) + '\n');
