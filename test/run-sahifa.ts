import { type ChildProcess, execFile, spawn } from 'node:child_process';
import net from 'node:net';
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

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the child to take). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningSahifa {
  child: ChildProcess;
  baseUrl: string;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Starts `sahifa <args>` (e.g. serve) on a free port and resolves once /readyz answers 200, or, for a process
 * that serves nothing (`worker`), once its output matches `readyWhen`.
 */
export async function startSahifa(args: string[], env: NodeJS.ProcessEnv, readyWithinMs = 60_000, readyWhen?: RegExp): Promise<RunningSahifa> {
  const port = await freePort();
  const child = spawn(process.execPath, [SAHIFA_BIN, ...args], { env: { ...process.env, ...env, PORT: String(port) } });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sahifa ${args.join(' ')} exited with ${child.exitCode}:\n${output}`);
    const ready = readyWhen ? readyWhen.test(output) : await fetch(`${baseUrl}/readyz`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sahifa ${args.join(' ')} not ready after ${readyWithinMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, baseUrl, output: () => output, exited };
}
