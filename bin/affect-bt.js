#!/usr/bin/env node
// Entry point of the `affect-bt` command: registers the TypeScript loader (tsx) and
// hands over to the CLI dispatcher, so the command always runs the current sources.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
