import { FisherkitError } from '@fisherkit/core';

/** A user-facing CLI failure: printed as one line on stderr, exit code 2, never a stack trace. */
export class CliError extends Error {}

/**
 * Runs a command body and turns user errors (CliError, fisherkit's typed errors) into one stderr line
 * and exit code 2. Unexpected errors keep their stack (they are bugs) and exit 1.
 */
export async function runCommand(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof CliError || err instanceof FisherkitError) {
      process.stderr.write(`fisherkit: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
