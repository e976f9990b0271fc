import { Command, CommanderError } from 'commander';
import { registerApprox } from './commands/approx.js';
import { registerReport } from './commands/report.js';
import { registerTrain } from './commands/train.js';
import { registerFimError } from './commands/fim-error.js';
import { registerGrid } from './commands/grid.js';
import { registerReproduce } from './commands/reproduce.js';

const program = new Command('fisherkit')
  .description('Natural-gradient benchmarks: KFAC and the KPSVD family of Fisher approximations (Koroko et al., 2023)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s.trim().split('\n')[0] + '\n') });

registerApprox(program);
registerReport(program);
registerTrain(program);
registerFimError(program);
registerGrid(program);
registerReproduce(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    throw err;
  }
}
