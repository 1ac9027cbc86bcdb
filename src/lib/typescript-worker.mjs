// Starts a worker thread on a TypeScript module (workerData.module, a file URL). Plain JavaScript because a worker
// thread begins without the TypeScript loader of the main thread (Node 20 does not pass it on): this registers
// tsx as bin/sahifa.js does, then loads the module.
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
await import(workerData.module);
