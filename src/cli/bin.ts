#!/usr/bin/env node
/**
 * The `affect-bt` process: runs the dispatcher on the command line and sets the exit
 * code. Installed, `bin/affect-bt.js` runs the compiled copy (`dist/src/cli/bin.js`);
 * in a checkout, `npm run cli -- …` (and the tests, through test/support/processes.ts)
 * run this file from the sources with tsx.
 */
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
