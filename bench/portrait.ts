/**
 * Grid portrait (G6) through GET /api/grids/{code}/portrait: the demo street as seeded on first start
 * (~21,000 residents), then the same street grown to 200,000 residents by SQL (a synthetic street: persons,
 * households and special-group rows spread over the residential micro-grids; party members in the micro-grids'
 * branches and force members, for the party and forces figures).
 *
 *   npx tsx bench/portrait.ts [runs=20]
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/portrait.ts     # PostgreSQL as well
 */
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/core/config.js';
import { migrate, openDatabase, rowsOf, type Database } from '../src/core/db.js';
import { seedDemo } from '../src/demo/seed.js';
import { freshPostgres } from './import.js';
import { formatDuration, formatNumber, printTable, progress, type Row } from './util.js';

const PASSWORD = 'bench-password-1';
const TARGET = 200_000;

async function grow(database: Database, target: number): Promise<void> {
  const { db } = database;
  const [{ n }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from persons`)) as [
    { n: number },
  ];
  const extra = target - n;
  if (extra <= 0) return;
  // households of 2.5 people on average, in the residential micro-grids (those with buildings), round-robin
  await db.execute(sql`
    with g as (select array_agg(distinct grid_id order by grid_id) as ids from buildings)
    insert into households (number, grid_id)
    select 'S' || i, g.ids[1 + i % array_length(g.ids, 1)]
    from generate_series(1, ${Math.ceil(extra / 2.5)}) as i, g`);
  await db.execute(sql`
    with h as (select array_agg(id order by id) as ids from households where number like 'S%')
    insert into persons (name, gender, birth_date, political_status, grid_id, household_id)
    select '合成' || i, case when i % 2 = 0 then 'female' else 'male' end,
      date '1940-01-01' + (i * 7919 % 30000), case when i % 13 = 0 then 'cpc_member' else 'masses' end,
      hh.grid_id, hh.id
    from generate_series(1, ${extra}) as i, h
    join lateral (select id, grid_id from households where id = h.ids[1 + i % array_length(h.ids, 1)]) hh on true`);
  await db.execute(sql`
    insert into special_group_members (person_id, group_key)
    select id, case when id % 3 = 0 then 'disabled' else 'elderly_alone' end
    from persons where name like '合成%' and id % 37 = 0`);
  // the synthetic party members join the branch of their micro-grid (as the demo's own do), and every fifth one
  // serves in its forces: the portrait's party and forces figures then count over the grown street too
  await db.execute(sql`
    insert into party_members (organisation_id, person_id, role, since)
    select o.id, p.id, 'member', date '2020-01-01'
    from persons p
    join lateral (select id from party_organisations where grid_id = p.grid_id
      and kind in ('grid_branch', 'special_branch') order by id limit 1) o on true
    where p.name like '合成%' and p.political_status = 'cpc_member'`);
  await db.execute(sql`
    insert into force_members (category_key, grid_id, person_id, since)
    select 'other_forces', grid_id, id, date '2021-01-01'
    from persons where name like '合成%' and political_status = 'cpc_member' and id % 5 = 0`);
  await db.execute(sql`analyze`);
}

async function timePortraits(
  app: Awaited<ReturnType<typeof buildApp>>['app'],
  headers: Record<string, string>,
  database: Database,
  runs: number,
  label: string,
  engine: string,
): Promise<Row[]> {
  const rows: Row[] = [];
  const levels = ['street', 'area', 'community', 'microGrid'];
  for (const level of levels) {
    const [grid] = rowsOf<{ code: string }>(
      await database.db.execute(sql`select g.code from grids g where g.level = ${level}
        order by (select count(*) from grids c where c.path like g.path || '%') desc, g.code limit 1`),
    );
    const times: number[] = [];
    let population = 0;
    for (let i = 0; i < runs + 1; i += 1) {
      const started = performance.now();
      const response = await app.inject({ url: `/api/grids/${grid!.code}/portrait`, headers });
      const elapsed = performance.now() - started;
      if (response.statusCode !== 200) throw new Error(response.body);
      population = response.json<{ population: number }>().population;
      if (i > 0) times.push(elapsed); // the first run warms caches and plans
    }
    times.sort((a, b) => a - b);
    rows.push({
      engine,
      street: label,
      level,
      grid: grid!.code,
      residents: formatNumber(population),
      median: formatDuration(times[Math.floor(times.length / 2)]!),
      slowest: formatDuration(times.at(-1)!),
    });
  }
  return rows;
}

export async function runPortraitBench(runs = 20): Promise<Row[]> {
  const rows: Row[] = [];
  for (const engine of process.env.BENCH_DATABASE_URL
    ? (['pglite', 'postgres'] as const)
    : (['pglite'] as const)) {
    progress(`${engine}: fresh database and the demo street`);
    const fresh = engine === 'postgres' ? await freshPostgres(process.env.BENCH_DATABASE_URL!) : undefined;
    const database = fresh ? fresh.database : await openDatabase({});
    try {
      await migrate(database);
      const config = {
        ...loadConfig({}),
        logLevel: 'silent',
        dataKey: Buffer.alloc(32, 1).toString('base64'),
      };
      const { app, services } = await buildApp({ config, database });
      await seedDemo(services, { password: PASSWORD });
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'centre', password: PASSWORD },
      });
      const headers = { authorization: `Bearer ${login.json<{ token: string }>().token}` };
      progress(`${engine}: portraits of the demo street`);
      rows.push(...(await timePortraits(app, headers, database, runs, 'demo', engine)));
      progress(`${engine}: growing the street to ${formatNumber(TARGET)} residents`);
      await grow(database, TARGET);
      progress(`${engine}: portraits of the synthetic street`);
      rows.push(...(await timePortraits(app, headers, database, runs, 'synthetic 200k', engine)));
      await app.close();
    } finally {
      // drop() closes the PostgreSQL database before dropping it
      if (fresh) await fresh.drop();
      else await database.close();
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runs = Number(process.argv[2] ?? 20);
  printTable('Grid portrait through GET /api/grids/{code}/portrait', await runPortraitBench(runs));
}
