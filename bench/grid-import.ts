/**
 * GeoJSON import of a synthetic city through the HTTP API (one request, validated as a whole, all or nothing),
 * then the same request again (nothing changes), then the export.
 *
 *   npx tsx bench/grid-import.ts [microGrids=20000]
 */
import { pathToFileURL } from 'node:url';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/core/config.js';
import { migrate, openDatabase } from '../src/core/db.js';
import { systemActor } from '../src/core/audit.js';
import type { GridFeature } from '../src/grids/service.js';
import { freshPostgres } from './import.js';
import { syntheticCity } from './synthetic-city.js';
import { formatDuration, formatNumber, printTable, progress, type Row } from './util.js';

export async function runGridImportBench(microGrids = 20_000): Promise<Row[]> {
  progress(`building a synthetic city of ${formatNumber(microGrids)} micro-grids`);
  const entries = syntheticCity(microGrids);
  const codeOf = new Map(entries.map((entry) => [entry.id, entry.code]));
  const features: GridFeature[] = entries.map((entry) => ({
    type: 'Feature',
    geometry: entry.geometry,
    properties: {
      code: entry.code,
      name: entry.name,
      level: entry.level,
      parentCode: entry.parentId === null ? null : codeOf.get(entry.parentId)!,
    },
  }));
  const payload = JSON.stringify({ type: 'FeatureCollection', features });
  const rows: Row[] = [];
  for (const engine of process.env.BENCH_DATABASE_URL
    ? (['pglite', 'postgres'] as const)
    : (['pglite'] as const)) {
    progress(`${engine}: opening a fresh database`);
    // PostgreSQL: a new database of its own, dropped afterwards — never the one the URL names
    const fresh = engine === 'postgres' ? await freshPostgres(process.env.BENCH_DATABASE_URL!) : undefined;
    const database = fresh ? fresh.database : await openDatabase({});
    await migrate(database);
    const { app, services } = await buildApp({ config: { ...loadConfig({}), logLevel: 'silent' }, database });
    await services.accounts.createUser(
      { username: 'bench', password: 'bench-password', roles: ['admin'], grids: [] },
      systemActor,
    );
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'bench', password: 'bench-password' },
    });
    const headers = {
      authorization: `Bearer ${login.json<{ token: string }>().token}`,
      'content-type': 'application/json',
    };
    for (const run of ['first import', 're-import (unchanged)']) {
      progress(
        `${engine}: ${run} of ${formatNumber(features.length)} features (${formatNumber(payload.length / 1e6, 1)} MB)`,
      );
      const started = performance.now();
      const response = await app.inject({ method: 'POST', url: '/api/grids/import', headers, payload });
      const ms = performance.now() - started;
      if (response.statusCode !== 200)
        throw new Error(`import failed: ${response.statusCode} ${response.body.slice(0, 500)}`);
      rows.push({
        engine,
        step: run,
        features: features.length,
        time: formatDuration(ms),
        'features/s': Math.round(features.length / (ms / 1000)),
        result: response.body,
      });
    }
    progress(`${engine}: export`);
    const started = performance.now();
    const exported = await app.inject({ url: '/api/grids/export?format=geojson', headers });
    const ms = performance.now() - started;
    rows.push({
      engine,
      step: 'export',
      features: features.length,
      time: formatDuration(ms),
      'features/s': Math.round(features.length / (ms / 1000)),
      result: `${formatNumber(exported.body.length / 1e6, 1)} MB`,
    });
    await app.close();
    if (fresh) await fresh.drop();
    else await database.close();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await runGridImportBench(Number(process.argv[2] ?? 20_000));
  printTable('GeoJSON import through POST /api/grids/import', rows);
}
