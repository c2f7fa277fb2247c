/**
 * `npm run build:monitor [-- --outdir DIR]`: bundles the monitor page (src/monitor/web:
 * Preact, d3-hierarchy, uPlot) with esbuild into index.html, app.js and app.css, for the
 * package build. The default DIR is where the compiled monitor server looks for it
 * (`page/` beside the compiled `src/monitor/assets.js`, i.e. dist/src/monitor/page).
 * A checkout never needs this: running from sources bundles the page on start.
 */
import { parseArgs } from 'node:util';
import { writePage } from '../src/monitor/assets.ts';

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist/src/monitor/page' } } });
const files = await writePage(values.outdir!);
process.stderr.write(`monitor page: ${files.join(', ')}\n`);
