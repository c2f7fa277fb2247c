// Preload (`node --import <this file>`) that records every module URL the ESM loader
// resolves into globalThis.__resolvedUrls, so a child process can report which
// packages an import pulled in (see test/light-root.test.ts, test/package.test.ts).
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
globalThis.__resolvedUrls = [];
port1.on('message', (url) => globalThis.__resolvedUrls.push(url));
port1.unref();
register('./record-imports-hooks.mjs', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
