#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so a fresh clone needs no build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The project's tsconfig by path: tsx would otherwise look in the current directory, and `sahifa` may be run from
// anywhere (its JSX settings live there).
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
try {
  await main(process.argv);
} catch (error) {
  // A person ran this: tell them what was wrong in one line, not with a stack trace.
  console.error(`sahifa: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
