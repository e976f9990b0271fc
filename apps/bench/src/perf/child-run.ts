import { spawn } from 'node:child_process';

/**
 * Runs `script --child <JSON payload>` in a fresh Node process (same flags as this one, so a
 * timing is not disturbed by what this process has already compiled or allocated) and resolves
 * with the JSON of the last stdout line that starts with `@@`. Rejects, naming `label`, when the
 * child fails or prints no such line.
 *
 * @example `const r = await runInChildProcess<StepTimingResult>(fileURLToPath(import.meta.url), spec, 'kfac 784-1000')`
 */
export function runInChildProcess<T>(script: string, payload: unknown, label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, '--child', JSON.stringify(payload)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('@@')).at(-1);
      if (code !== 0 || !line) reject(new Error(`child ${label} exited with ${code}`));
      else resolve(JSON.parse(line.slice(2)) as T);
    });
  });
}
