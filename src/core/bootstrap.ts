import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { migrate, openDatabase, type Database } from './db.js';

/**
 * PGlite's files may be opened by one process at a time: a second opener (a CLI command while the server runs)
 * would corrupt them. A lock file holding the owner's pid keeps the second one out; a lock left by a process
 * that no longer runs is taken over.
 */
function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'gezhi.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new Error(
          `数据目录 ${dir} 正被进程 ${owner} 使用（嵌入式数据库同一时间只能由一个进程打开）；请先停止它。\n` +
            `The data folder ${dir} is in use by process ${owner} (an embedded database is opened by one process at a time); stop it first.\n` +
            `(若确认没有进程在用，可删除 ${file} / if no such process uses it, delete ${file})`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The database the configuration names — PostgreSQL when DATABASE_URL is set, else PGlite files under
 * DATA_DIR/pglite — migrated to the current schema. The server and every CLI command open it this way.
 */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  const unlock = config.databaseUrl ? () => undefined : lockDataDir(config.dataDir);
  let database: Database;
  try {
    database = await openDatabase({
      databaseUrl: config.databaseUrl,
      pgliteDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'pglite'),
    });
  } catch (error) {
    unlock();
    throw error;
  }
  const close = database.close.bind(database);
  database.close = async () => {
    try {
      await close();
    } finally {
      unlock();
    }
  };
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
