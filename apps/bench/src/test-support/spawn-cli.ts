import { spawn, type ChildProcess } from 'node:child_process';

/** The CLI entry point used by the end-to-end tests. */
export const CLI_BIN = new URL('../../bin/fisherkit.mjs', import.meta.url).pathname;

/** Exit code and output of one CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawns `node apps/bench/bin/fisherkit.mjs <args>` and resolves with its exit code and output;
 * `onStart` receives the child (e.g. to send it a signal).
 * @example `const { code } = await runCli(['train', '--problem', 'curves-synthetic', …])`
 */
export function runCli(args: string[], onStart?: (child: ChildProcess) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    onStart?.(child);
  });
}

/** stderr without tfjs' "install the node backend" banner. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !/^=+$|TensorFlow\.js in Node|tfjs-node/.test(l));
}
