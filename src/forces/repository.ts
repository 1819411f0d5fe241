import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';

export interface CategoryRow {
  key: string;
  preset: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string | null;
  dispatchGroup: string | null;
  rank: number;
  retired: boolean;
}

export interface ForceMemberRow {
  id: number;
  categoryKey: string;
  gridId: number;
  gridCode: string;
  gridName: string;
  gridPath: string;
  personId: number | null;
  userId: number | null;
  personName: string | null;
  userName: string | null;
  phoneCipher: string | null;
  duty: string | null;
  since: string;
  until: string | null;
}

export interface SunkStaffRow {
  id: number;
  kind: string;
  duty: string | null;
  gridCode: string;
  personName: string | null;
  userName: string | null;
  phoneCipher: string | null;
}

const categoryColumns = sql`key, preset, name_zh as "nameZh", name_en as "nameEn",
  description_zh as "descriptionZh", dispatch_group as "dispatchGroup", rank, retired_at is not null as retired`;

function during(at: string | undefined, from: SQL, to: SQL): SQL {
  return at === undefined
    ? sql`true`
    : sql`${from} <= ${at}::date and (${to} is null or ${to} > ${at}::date)`;
}

/** Ids of the grids above the grid of this path ("/1/7/42/" → [1, 7]). */
function ancestorIds(path: string): number[] {
  return path.split('/').filter(Boolean).slice(0, -1).map(Number);
}

export const forceRepository = {
  async categories(executor: Executor, filter: { preset?: string; all: boolean }): Promise<CategoryRow[]> {
    const parts: SQL[] = [];
    if (filter.preset !== undefined) parts.push(sql`preset = ${filter.preset}`);
    if (!filter.all) parts.push(sql`retired_at is null`);
    const where = parts.length > 0 ? sql.join(parts, sql` and `) : sql`true`;
    return rowsOf<CategoryRow>(
      await executor.execute(
        sql`select ${categoryColumns} from force_categories where ${where} order by preset, rank, key`,
      ),
    );
  },

  async category(executor: Executor, key: string): Promise<CategoryRow | undefined> {
    return rowsOf<CategoryRow>(
      await executor.execute(sql`select ${categoryColumns} from force_categories where key = ${key}`),
    )[0];
  },

  async presets(executor: Executor): Promise<string[]> {
    return rowsOf<{ preset: string }>(
      await executor.execute(
        sql`select distinct preset from force_categories where retired_at is null order by preset`,
      ),
    ).map((row) => row.preset);
  },

  async members(
    executor: Executor,
    filter: { rootPath?: string; ids?: number[]; at?: string; categories?: string[] },
  ): Promise<ForceMemberRow[]> {
    const parts: SQL[] = [during(filter.at, sql`m.since`, sql`m.until`)];
    if (filter.rootPath !== undefined) parts.push(sql`g.path like ${`${filter.rootPath}%`}`);
    if (filter.ids !== undefined) parts.push(sql`m.id = any(${sql.param(filter.ids)}::int[])`);
    if (filter.categories !== undefined)
      parts.push(sql`m.category_key = any(${sql.param(filter.categories)}::text[])`);
    return rowsOf<ForceMemberRow>(
      await executor.execute(sql`
        select m.id, m.category_key as "categoryKey", m.grid_id as "gridId", g.code as "gridCode",
          g.name as "gridName", g.path as "gridPath", m.person_id as "personId", m.user_id as "userId",
          p.name as "personName", u.display_name as "userName", p.phone_cipher as "phoneCipher", m.duty,
          m.since::text as since, m.until::text as until
        from force_members m
        join grids g on g.id = m.grid_id
        left join persons p on p.id = m.person_id
        left join users u on u.id = m.user_id
        where ${sql.join(parts, sql` and `)}
        order by g.path, m.category_key, m.since, m.id`),
    );
  },

  /** Sunk staff appointed in the subtree, and those the street (or any grid above) assigns to it. */
  async sunkStaff(executor: Executor, rootPath: string, at: string): Promise<SunkStaffRow[]> {
    return rowsOf<SunkStaffRow>(
      await executor.execute(sql`
        select s.id, s.kind, s.duty, g.code as "gridCode", p.name as "personName", u.display_name as "userName",
          p.phone_cipher as "phoneCipher"
        from positions s
        join grids g on g.id = s.grid_id
        left join persons p on p.id = s.person_id
        left join users u on u.id = s.user_id
        where (g.path like ${`${rootPath}%`} or g.id = any(${sql.param(ancestorIds(rootPath))}::int[]))
          and s.kind in ('department_staff', 'law_enforcement', 'city_operations')
          and ${during(at, sql`s.valid_from`, sql`s.valid_to`)}
        order by g.path, s.kind, s.id`),
    );
  },

  async exists(executor: Executor, table: 'persons' | 'users', id: number): Promise<boolean> {
    return (
      rowsOf(await executor.execute(sql`select 1 from ${sql.identifier(table)} where id = ${id}`)).length > 0
    );
  },
};
