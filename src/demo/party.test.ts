import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { seedDemoParty } from './party.js';
import { seedDemo } from './seed.js';

const PASSWORD = 'demo-pass-123';

describe('the demo street party organisation and forces', () => {
  let t: TestApp;
  const one = async <T>(query: ReturnType<typeof sql>): Promise<T> =>
    rowsOf<T>(await t.database.db.execute(query))[0]!;

  beforeAll(async () => {
    t = await buildTestApp();
    await seedDemo(t.services, { password: PASSWORD });
  });
  afterAll(async () => t.close());

  it('gives each governance unit a committee and each micro-grid a branch inside it, once', async () => {
    const kinds = rowsOf<{ kind: string; n: number }>(
      await t.database.db.execute(
        sql`select kind, count(*)::int as n from party_organisations group by kind`,
      ),
    );
    const byKind = Object.fromEntries(kinds.map((row) => [row.kind, row.n]));
    expect(byKind.community_committee).toBe(9);
    expect((byKind.grid_branch ?? 0) + (byKind.special_branch ?? 0)).toBe(201);
    expect(byKind.building_group).toBeGreaterThan(50);
    expect(byKind.member_household).toBeGreaterThan(0);
    // every organisation's grid lies inside its parent's, and its path extends the parent's
    const broken = await one<{ n: number }>(sql`select count(*)::int as n
      from party_organisations o join party_organisations p on p.id = o.parent_id
      join grids g on g.id = o.grid_id join grids pg on pg.id = p.grid_id
      where g.path not like pg.path || '%' or o.path <> p.path || o.id || '/' or o.depth <> p.depth + 1`);
    expect(broken.n).toBe(0);
    const roots = await one<{ n: number }>(
      sql`select count(*)::int as n from party_organisations where parent_id is null and path <> '/' || id || '/'`,
    );
    expect(roots.n).toBe(0);

    const before = await one<{ n: number }>(sql`select count(*)::int as n from party_members`);
    expect(await seedDemoParty(t.services)).toEqual({ created: false });
    expect(await one<{ n: number }>(sql`select count(*)::int as n from party_members`)).toEqual(before);
  });

  it('makes every resident party member a member of exactly one organisation', async () => {
    const counts = await one<{ cpc: number; members: number; distinct: number }>(sql`select
      (select count(*)::int from persons where political_status in ('cpc_member', 'cpc_probationary')) as cpc,
      (select count(*)::int from party_members) as members,
      (select count(distinct person_id)::int from party_members) as distinct`);
    expect(counts.members).toBe(counts.cpc);
    expect(counts.distinct).toBe(counts.cpc);
  });

  it('puts forces on every grid level, ~20 co-building units with strengths and contacts, in-service members', async () => {
    const levels = rowsOf<{ level: string }>(
      await t.database.db.execute(
        sql`select distinct g.level from force_members f join grids g on g.id = f.grid_id`,
      ),
    ).map((row) => row.level);
    expect(levels.sort()).toEqual(['area', 'community', 'microGrid', 'street']);
    const units = await one<{ units: number; bare: number; uncontacted: number }>(sql`select
      (select count(*)::int from co_building_units) as units,
      (select count(*)::int from co_building_units u where not exists
        (select 1 from co_building_strengths s where s.unit_id = u.id)) as bare,
      (select count(*)::int from co_building_units u where not exists
        (select 1 from co_building_contacts c where c.unit_id = u.id)) as uncontacted`);
    expect(units).toEqual({ units: 20, bare: 0, uncontacted: 0 });
    const registered = await one<{ n: number; records: number }>(sql`select
      (select count(*)::int from in_service_registrations) as n, (select count(*)::int from service_records) as records`);
    expect(registered.n).toBe(40);
    expect(registered.records).toBeGreaterThanOrEqual(40);

    // the street's portrait shows them, and the area leader has forces to dispatch
    const headers = await login(t.app, 'centre', PASSWORD);
    const street = rowsOf<{ code: string }>(
      await t.database.db.execute(sql`select code from grids where level = 'street'`),
    )[0]!.code;
    const portrait = (await t.app.inject({ url: `/api/grids/${street}/portrait`, headers })).json<{
      party: { members: number };
      forces: { preset: string; categoriesWithoutMembers: string[] };
      coBuilding: { units: number };
    }>();
    expect(portrait.party.members).toBeGreaterThan(1000);
    expect(portrait.forces).toMatchObject({ preset: '1+4+X', categoriesWithoutMembers: [] });
    expect(portrait.coBuilding.units).toBe(20);
    const area = await login(t.app, 'area1', PASSWORD);
    const [micro] = rowsOf<{ code: string }>(
      await t.database.db.execute(sql`select g.code from grids g join grids a on g.path like a.path || '%'
        where a.code = '310113003801' and g.level = 'microGrid' order by g.code limit 1`),
    );
    const dispatchable = (
      await t.app.inject({ url: `/api/grids/${micro!.code}/forces/dispatchable`, headers: area })
    ).json<{
      area: { code: string };
      sunkStaff: unknown[];
      total: number;
    }>();
    expect(dispatchable.area.code).toBe('310113003801');
    expect(dispatchable.sunkStaff.length).toBeGreaterThan(0);
  });
});
