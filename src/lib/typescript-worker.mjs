// Starts a worker thread on a TypeScript module (workerData.module, a file URL). Plain JavaScript because a worker
// thread begins without the TypeScript loader of the main thread (Node 20 does not pass it on): this registers
// tsx, the same loader bin/sahifa.js uses, then loads the module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
