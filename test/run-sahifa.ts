import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SAHIFA_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'sahifa.js');

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `sahifa` command in a child process and resolves with how it ended (never rejects on exit codes). */
export function runSahifa(args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SAHIFA_BIN, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
