/** `npm run regrant -- …`: admin commands against the configured database. */
import { createUsers } from '../auth/index.ts';
import { ConfigError, environmentWithDotenv, loadConfig } from '../config/index.ts';
import { openDatabase } from '../db/index.ts';
import { CommandFailed, runCommand, USAGE, UsageError } from './commands.ts';

try {
  const config = loadConfig(environmentWithDotenv(process.env));
  const db = await openDatabase(config.databaseUrl, { poolSize: 2 });
  try {
    await runCommand(process.argv.slice(2), createUsers(db), (line) => console.log(line), db);
  } finally {
    await db.destroy();
  }
} catch (error) {
  if (error instanceof CommandFailed) {
    console.error(`regrant: ${error.message}`);
    process.exit(1);
  }
  if (error instanceof UsageError || error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`regrant: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  throw error;
}
