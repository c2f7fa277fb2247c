// Worker-thread entry for tests: registers the tsx loader in this thread, then imports
// the TypeScript module named by workerData.entry (Node 20 workers do not inherit it).
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
