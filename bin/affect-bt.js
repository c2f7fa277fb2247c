#!/usr/bin/env node
// The `affect-bt` command: runs the compiled CLI in dist/ with plain Node (TypeScript
// tooling is for development only). In a checkout, dist/ is built by `npm ci` (the
// prepare script) or `npm run build`; `npm run cli -- <command>` runs the sources.
try {
  await import('../dist/src/cli/bin.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/cli/bin.js')) {
    process.stderr.write('affect-bt: dist/ is missing; run `npm run build` in this checkout (or `npm run cli -- <command>` to run the sources)\n');
    process.exitCode = 1;
  } else throw err;
}
