/**
 * `npm run bench`: every benchmark, each printed as a table with the command that made it.
 *
 *   npm run bench                      # PGlite only
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench   # PostgreSQL too
 *
 * Figures on a shared 2-core machine are noisy: read them as ratios within one run, and prefer the CPU-time
 * columns where they are given.
 */
import { generateDemoStreet } from '../src/demo/street.js';
import type { IndexEntry } from '../src/grids/locate.js';
import { runGridImportBench } from './grid-import.js';
import { presentImportBench, runImportBench } from './import.js';
import { runLocateBench } from './locate.js';
import { runPortraitBench } from './portrait.js';
import { runSweepBench } from './sweep.js';
import { runSheetsBench } from './sheets.js';
import { runIntakeBench } from './intake.js';
import { printTable, progress } from './util.js';

const command = process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL=… npm run bench' : 'npm run bench';

/** The demo street as index entries, the way the server's index holds it. */
function demoStreetEntries(): IndexEntry[] {
  const { collection } = generateDemoStreet();
  const ids = new Map(collection.features.map((feature, i) => [feature.properties.code, i + 1]));
  const depth = new Map<string, number>();
  return collection.features.map((feature) => {
    const parent = feature.properties.parentCode ?? null;
    const d = parent === null ? 0 : depth.get(parent)! + 1;
    depth.set(feature.properties.code, d);
    return {
      id: ids.get(feature.properties.code)!,
      code: feature.properties.code,
      name: feature.properties.name,
      level: feature.properties.level,
      parentId: parent === null ? null : ids.get(parent)!,
      depth: d,
      geometry: feature.geometry,
    };
  });
}

progress('locate');
printTable(
  'Locate (in-memory index, one core)',
  await runLocateBench([{ name: 'demo street', entries: demoStreetEntries() }]),
  command,
);

progress('GeoJSON import through the API');
printTable('GeoJSON import through POST /api/grids/import', await runGridImportBench(20_000), command);

progress('statistical division import');
printTable(
  'Statistical division import (whole country, one transaction)',
  presentImportBench(await runImportBench({ databaseUrl: process.env.BENCH_DATABASE_URL || undefined })),
  command,
);

progress('grid portrait');
printTable('Grid portrait (GET /api/grids/{code}/portrait), PGlite', await runPortraitBench(10), command);

progress('deadline sweep');
const sweep = await runSweepBench({
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
  total: 1_000_000,
  due: 1_000,
});
printTable('Deadline sweep: 1,000,000 pending jobs, 1,000 due (bench/sweep.ts)', sweep.rows, command);
progress('persons sheet import');
printTable('Persons sheet import (20,000 rows, one transaction)', await runSheetsBench(20_000), command);
progress('event intake');
printTable(
  'Event intake through POST /api/events (201 after commit, group commit)',
  await runIntakeBench({ reports: 20_000, clients: 128, mode: 'inject' }),
  command,
);
