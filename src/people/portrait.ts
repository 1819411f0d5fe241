/**
 * 网格画像 the numbers of a grid portrait (G6), rolled up over the grid's subtree. Counts are not personal
 * data: every grid reader sees them, special groups included. Each figure is one SQL aggregate over the
 * subtree's grid ids (the text_pattern_ops index on grids.path finds them), joined through the grid_id
 * indexes of persons, households, organisations and positions.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';
import { forcesPortrait } from '../forces/portrait.js';
import { coBuildingPortrait, partyPortrait } from '../party/portrait.js';
import type { PortraitValue } from './schema.js';

/** Age bands of the portrait: children, working age, the elderly (60+ is China's statutory elderly age). */
export const AGE_GROUPS = ['0-17', '18-59', '60-79', '80+', 'unknown'] as const;

export async function computePortrait(
  executor: Executor,
  grid: { id: number; code: string; name: string; level: string; path: string },
  at: string,
): Promise<PortraitValue> {
  const subtree = sql`(select id from grids where path like ${`${grid.path}%`})`;
  const [people, households, groups, organisations, positionCounts, vacancy, party, forces, coBuilding] =
    await Promise.all([
      executor.execute(sql`
      select count(*)::int as population,
        count(*) filter (where gender = 'male')::int as male,
        count(*) filter (where gender = 'female')::int as female,
        count(*) filter (where birth_date is null)::int as "ageUnknown",
        count(*) filter (where birth_date > ${at}::date - interval '18 years')::int as "age0",
        count(*) filter (where birth_date <= ${at}::date - interval '18 years'
          and birth_date > ${at}::date - interval '60 years')::int as "age18",
        count(*) filter (where birth_date <= ${at}::date - interval '60 years'
          and birth_date > ${at}::date - interval '80 years')::int as "age60",
        count(*) filter (where birth_date <= ${at}::date - interval '80 years')::int as "age80"
      from persons p
      where p.grid_id in ${subtree}`),
      executor.execute(sql`select count(*)::int as n from households where grid_id in ${subtree}`),
      executor.execute(sql`
      select s.key, s.name_zh as "nameZh", s.name_en as "nameEn", count(p.id)::int as count
      from special_groups s
      left join special_group_members m on m.group_key = s.key
        and (m.since is null or m.since <= ${at}::date) and (m.until is null or m.until > ${at}::date)
      left join persons p on p.id = m.person_id and p.grid_id in ${subtree}
      group by s.key, s.name_zh, s.name_en, s.rank order by s.rank, s.key`),
      executor.execute(sql`
      select kind, count(*)::int as count from organisations where grid_id in ${subtree}
      group by kind order by kind`),
      executor.execute(sql`
      select kind, count(*)::int as count from positions
      where grid_id in ${subtree} and valid_from <= ${at}::date and (valid_to is null or valid_to > ${at}::date)
      group by kind order by kind`),
      executor.execute(sql`
      select g.code from grids g
      where g.id in ${subtree} and g.level = 'microGrid' and g.retired_at is null
        and not exists (select 1 from positions p where p.grid_id = g.id and p.kind = 'grid_leader'
          and p.valid_from <= ${at}::date and (p.valid_to is null or p.valid_to > ${at}::date))
      order by g.code`),
      partyPortrait(executor, subtree, at),
      forcesPortrait(executor, subtree, at),
      coBuildingPortrait(executor, subtree),
    ]);
  const statuses = rowsOf<{ status: string; count: number }>(
    await executor.execute(sql`
      select political_status as status, count(*)::int as count from persons
      where grid_id in ${subtree} group by political_status order by political_status`),
  );
  const microGrids = rowsOf<{ n: number }>(
    await executor.execute(sql`select count(*)::int as n from grids
      where id in ${subtree} and level = 'microGrid' and retired_at is null`),
  )[0]!.n;

  const person = rowsOf<{
    population: number;
    male: number;
    female: number;
    ageUnknown: number;
    age0: number;
    age18: number;
    age60: number;
    age80: number;
  }>(people)[0] ?? {
    population: 0,
    male: 0,
    female: 0,
    ageUnknown: 0,
    age0: 0,
    age18: 0,
    age60: 0,
    age80: 0,
  };
  const organisationRows = rowsOf<{ kind: string; count: number }>(organisations);
  const vacant = rowsOf<{ code: string }>(vacancy).map((row) => row.code);
  return {
    grid: { code: grid.code, name: grid.name, level: grid.level },
    at,
    population: person.population,
    households: rowsOf<{ n: number }>(households)[0]!.n,
    gender: {
      male: person.male,
      female: person.female,
      unknown: person.population - person.male - person.female,
    },
    ageGroups: [
      { group: '0-17', count: person.age0 },
      { group: '18-59', count: person.age18 },
      { group: '60-79', count: person.age60 },
      { group: '80+', count: person.age80 },
      { group: 'unknown', count: person.ageUnknown },
    ],
    politicalStatus: statuses,
    specialGroups: rowsOf<{ key: string; nameZh: string; nameEn: string; count: number }>(groups).map(
      (row) => ({
        key: row.key,
        name: { zh: row.nameZh, en: row.nameEn },
        count: row.count,
      }),
    ),
    organisations: {
      total: organisationRows.reduce((sum, row) => sum + row.count, 0),
      byKind: organisationRows,
    },
    positions: {
      byKind: rowsOf<{ kind: string; count: number }>(positionCounts),
      microGrids,
      microGridsWithoutLeader: vacant.length,
      vacantMicroGrids: vacant.slice(0, 100),
    },
    party,
    forces,
    coBuilding,
  };
}
