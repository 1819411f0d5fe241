import path from 'node:path';
import type { Config } from './config.js';
import { migrate, openDatabase, type Database } from './db.js';

/**
 * The database the configuration names — PostgreSQL when DATABASE_URL is set, else PGlite files under
 * DATA_DIR/pglite — migrated to the current schema. The server and every CLI command open it this way.
 */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    pgliteDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'pglite'),
  });
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
