/**
 * Operator commands: `npm run cli -- <command>`. Each command lives beside its feature
 * and registers here; `--help` lists them all.
 */
import { Command } from 'commander';
import { loadConfig } from '../config';
import { ensureStoreBinary } from '../db';
import { createLogger } from '../shared/logger';

const program = new Command();
program
  .name('npm run cli --')
  .description('Tiếp sức số — operator commands')
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

program
  .command('store:build')
  .description('build the embedded store (FerretDB) now, instead of at the first start')
  .action(async () => {
    const config = loadConfig();
    const logger = createLogger(config);
    const binary = await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: (m) => logger.info(m) });
    console.log(binary);
  });

/** Commands of the contract that a later version delivers: listed, and honest about it. */
const planned: [string, string][] = [
  ['user:create', 'create an account: --username U --password P --role R --unit CODE [--name "Full Name"]'],
  ['org:import', 'load or update the organisation tree from a CSV file: org:import FILE'],
  ['seed:demo', 'load a small, realistic demo'],
  ['seed:scale', 'load synthetic national-scale data: --volunteers N'],
  ['content:check', 'validate every file under content/'],
  ['reports:reconcile', 'recompute every roll-up from the raw records and repair differences'],
];
for (const [name, description] of planned) {
  program
    .command(name)
    .description(`${description} (not available yet)`)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      console.error(`"${name}" is not available in this version yet.`);
      process.exitCode = 2;
    });
}

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
