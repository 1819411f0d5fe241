import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';
import type { KeyAreaGeometry } from './tables.js';

export interface DepartmentRow {
  id: number;
  name: string;
  nameEn: string | null;
  gridId: number;
  gridCode: string;
  gridPath: string;
  address: string | null;
  rank: number;
}

export interface DepartmentUserRow {
  organisationId: number;
  id: number;
  username: string;
  displayName: string;
}

export interface DutyRow {
  id: number;
  kind: 'department' | 'grid';
  gridId: number | null;
  gridCode: string | null;
  gridName: string | null;
  gridPath: string | null;
  categoryCode: string | null;
  categoryNameZh: string | null;
  categoryNameEn: string | null;
  organisationId: number | null;
  departmentName: string | null;
  departmentNameEn: string | null;
  role: 'lead' | 'cooperate';
  handlingLevel: string | null;
  name: string;
  basis: string | null;
  note: string | null;
  validFrom: string;
  validTo: string | null;
}

export interface DutyValues {
  kind: 'department' | 'grid';
  gridId: number | null;
  categoryCode: string | null;
  organisationId: number | null;
  role: 'lead' | 'cooperate';
  handlingLevel: string | null;
  name: string;
  basis: string | null;
  note: string | null;
  validFrom: string;
  validTo: string | null;
}

export interface KeyAreaRow {
  id: number;
  name: string;
  kind: string;
  gridId: number;
  gridCode: string;
  gridName: string;
  gridPath: string;
  geometry: KeyAreaGeometry | null;
  organisationId: number | null;
  departmentName: string | null;
  personId: number | null;
  personName: string | null;
  notes: string | null;
}

export interface KeyAreaValues {
  name: string;
  kind: string;
  gridId: number;
  geometry: KeyAreaGeometry | null;
  organisationId: number | null;
  personId: number | null;
  notes: string | null;
}

const selectDepartment = sql`
  select o.id, o.name, d.name_en as "nameEn", o.grid_id as "gridId", g.code as "gridCode", g.path as "gridPath",
         o.address, coalesce(d.rank, 100) as rank
  from organisations o
  join grids g on g.id = o.grid_id
  left join department_details d on d.organisation_id = o.id
  where o.kind = 'department'`;

/** Columns of a matter with what a reader needs to understand it; dates as text (date columns, no time zone). */
const selectDuty = sql`
  select m.id, m.kind, m.grid_id as "gridId", g.code as "gridCode", g.name as "gridName", g.path as "gridPath",
         m.category_code as "categoryCode", c.name_zh as "categoryNameZh", c.name_en as "categoryNameEn",
         m.organisation_id as "organisationId", o.name as "departmentName", d.name_en as "departmentNameEn",
         m.role, m.handling_level as "handlingLevel", m.name, m.basis, m.note,
         m.valid_from::text as "validFrom", m.valid_to::text as "validTo"
  from duty_matters m
  left join grids g on g.id = m.grid_id
  left join organisations o on o.id = m.organisation_id
  left join department_details d on d.organisation_id = m.organisation_id
  left join event_categories c on c.code = m.category_code`;

const selectKeyArea = sql`
  select k.id, k.name, k.kind, k.grid_id as "gridId", g.code as "gridCode", g.name as "gridName",
         g.path as "gridPath", k.geometry, k.organisation_id as "organisationId", o.name as "departmentName",
         k.person_id as "personId", p.name as "personName", k.notes
  from key_areas k
  join grids g on g.id = k.grid_id
  left join organisations o on o.id = k.organisation_id
  left join persons p on p.id = k.person_id`;

/** "Valid on this date": from inclusive, to exclusive. */
function validOn(at: string): SQL {
  return sql`m.valid_from <= ${at}::date and (m.valid_to is null or m.valid_to > ${at}::date)`;
}

export const dutyRepository = {
  // ── departments ───────────────────────────────────────────────────────────────────────────────────────────

  async departments(executor: Executor, visible: SQL, ids?: number[]): Promise<DepartmentRow[]> {
    const only = ids ? sql` and o.id = any(${sql.param(ids)}::int[])` : sql``;
    return rowsOf<DepartmentRow>(
      await executor.execute(sql`${selectDepartment} and ${visible}${only} order by rank, o.name, o.id`),
    );
  },

  async departmentUsers(executor: Executor, organisationIds: number[]): Promise<DepartmentUserRow[]> {
    if (organisationIds.length === 0) return [];
    return rowsOf<DepartmentUserRow>(
      await executor.execute(sql`
        select du.organisation_id as "organisationId", u.id, u.username, u.display_name as "displayName"
        from department_users du join users u on u.id = du.user_id
        where du.organisation_id = any(${sql.param(organisationIds)}::int[]) and not u.disabled
        order by u.username`),
    );
  },

  async departmentOfUser(executor: Executor, userId: number): Promise<DepartmentRow | undefined> {
    const [row] = rowsOf<DepartmentRow>(
      await executor.execute(sql`${selectDepartment}
        and o.id = (select organisation_id from department_users where user_id = ${userId})`),
    );
    return row;
  },

  /** Any organisation by id, with its kind, to tell "no such department" from "not a department". */
  async organisation(
    executor: Executor,
    id: number,
  ): Promise<{ id: number; name: string; kind: string; gridId: number; gridPath: string } | undefined> {
    const [row] = rowsOf<{ id: number; name: string; kind: string; gridId: number; gridPath: string }>(
      await executor.execute(sql`
        select o.id, o.name, o.kind, o.grid_id as "gridId", g.path as "gridPath"
        from organisations o join grids g on g.id = o.grid_id
        where o.id = ${id}`),
    );
    return row;
  },

  async insertDepartment(
    executor: Executor,
    values: { name: string; nameEn: string | null; gridId: number; address: string | null; rank: number },
    at: Date,
  ): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await executor.execute(sql`
        insert into organisations (name, kind, grid_id, address, created_at, updated_at)
        values (${values.name}, 'department', ${values.gridId}, ${values.address}, ${at}, ${at})
        returning id`),
    );
    await executor.execute(sql`
      insert into department_details (organisation_id, name_en, rank)
      values (${row!.id}, ${values.nameEn}, ${values.rank})`);
    return row!.id;
  },

  async users(
    executor: Executor,
    ids: number[],
  ): Promise<{ id: number; username: string; roles: string[]; organisationId: number | null }[]> {
    if (ids.length === 0) return [];
    return rowsOf(
      await executor.execute(sql`
        select u.id, u.username, u.roles, du.organisation_id as "organisationId"
        from users u left join department_users du on du.user_id = u.id
        where u.id = any(${sql.param(ids)}::int[])`),
    );
  },

  /** Make exactly these users the department's; a user linked elsewhere moves here (one department each). */
  async setDepartmentUsers(executor: Executor, organisationId: number, userIds: number[]): Promise<void> {
    await executor.execute(sql`
      delete from department_users
      where organisation_id = ${organisationId} and not (user_id = any(${sql.param(userIds)}::int[]))`);
    if (userIds.length === 0) return;
    await executor.execute(sql`
      insert into department_users (user_id, organisation_id)
      select unnest(${sql.param(userIds)}::int[]), ${organisationId}
      on conflict (user_id) do update set organisation_id = excluded.organisation_id`);
  },

  // ── responsibility lists ─────────────────────────────────────────────────────────────────────────────────

  async listDuties(
    executor: Executor,
    filter: {
      visible: SQL;
      rootPath?: string;
      organisationId?: number;
      category?: string;
      kind?: string;
      at?: string;
    },
    page: { offset: number; limit: number },
  ): Promise<{ rows: DutyRow[]; total: number }> {
    const conditions: SQL[] = [filter.visible];
    if (filter.rootPath !== undefined) conditions.push(sql`g.path like ${`${filter.rootPath}%`}`);
    if (filter.organisationId !== undefined)
      conditions.push(sql`m.organisation_id = ${filter.organisationId}`);
    if (filter.category !== undefined) {
      // a major class lists itself and its minors; a minor class lists itself and its major (which covers it)
      const code = filter.category;
      conditions.push(
        code.length === 2
          ? sql`m.category_code like ${`${code}%`}`
          : sql`m.category_code in (${code}, ${code.slice(0, 2)})`,
      );
    }
    if (filter.kind !== undefined) conditions.push(sql`m.kind = ${filter.kind}`);
    if (filter.at !== undefined) conditions.push(validOn(filter.at));
    const where = sql.join(conditions, sql` and `);
    const rows = rowsOf<DutyRow & { total: number }>(
      await executor.execute(sql`
        select x.*, count(*) over ()::int as total from (${selectDuty} where ${where}) x
        order by x."categoryCode" nulls first, x."gridPath" nulls first, x.role, x.id
        limit ${page.limit} offset ${page.offset}`),
    );
    return { rows: rows.map(({ total: _total, ...row }) => row), total: rows[0]?.total ?? 0 };
  },

  async dutyById(executor: Executor, id: number): Promise<DutyRow | undefined> {
    const [row] = rowsOf<DutyRow>(await executor.execute(sql`${selectDuty} where m.id = ${id}`));
    return row;
  },

  async lockDuty(executor: Executor, id: number): Promise<void> {
    await executor.execute(sql`select id from duty_matters where id = ${id} for update`);
  },

  /** Matters of a grid and of its ancestors and of everywhere, valid on a date (the grid's effective list). */
  async effectiveDuties(executor: Executor, gridPath: string, at: string): Promise<DutyRow[]> {
    return rowsOf<DutyRow>(
      await executor.execute(sql`${selectDuty}
        where (m.grid_id is null or ${gridPath} like g.path || '%') and ${validOn(at)}
        order by m.category_code nulls first, length(g.path) nulls first, m.role, m.id`),
    );
  },

  /** Matters that may apply to a category in one of these grids, valid on a date: what routing reads. */
  async routingMatters(
    executor: Executor,
    filter: { gridIds: number[]; categoryCodes: string[]; at: string },
  ): Promise<DutyRow[]> {
    return rowsOf<DutyRow>(
      await executor.execute(sql`${selectDuty}
        where (m.grid_id is null or m.grid_id = any(${sql.param(filter.gridIds)}::int[]))
          and (m.category_code is null or m.category_code = any(${sql.param(filter.categoryCodes)}::text[]))
          and ${validOn(filter.at)}
        order by m.id`),
    );
  },

  /** Every matter valid on a date, whatever its grid and category: the routing table intake keeps in memory. */
  async routingTable(executor: Executor, at: string): Promise<DutyRow[]> {
    return rowsOf<DutyRow>(await executor.execute(sql`${selectDuty} where ${validOn(at)} order by m.id`));
  },

  async insertDuty(executor: Executor, values: DutyValues, at: Date): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await executor.execute(sql`
        insert into duty_matters (kind, grid_id, category_code, organisation_id, role, handling_level, name, basis,
          note, valid_from, valid_to, created_at, updated_at)
        values (${values.kind}, ${values.gridId}, ${values.categoryCode}, ${values.organisationId}, ${values.role},
          ${values.handlingLevel}, ${values.name}, ${values.basis}, ${values.note}, ${values.validFrom},
          ${values.validTo}, ${at}, ${at})
        returning id`),
    );
    return row!.id;
  },

  async updateDuty(executor: Executor, id: number, values: DutyValues, at: Date): Promise<void> {
    await executor.execute(sql`
      update duty_matters set grid_id = ${values.gridId}, category_code = ${values.categoryCode},
        organisation_id = ${values.organisationId}, role = ${values.role}, handling_level = ${values.handlingLevel},
        name = ${values.name}, basis = ${values.basis}, note = ${values.note}, valid_from = ${values.validFrom},
        valid_to = ${values.validTo}, updated_at = ${at}
      where id = ${id}`);
  },

  // ── look-ups for validation ─────────────────────────────────────────────────────────────────────────────

  async categories(
    executor: Executor,
    codes: string[],
  ): Promise<{ code: string; nameZh: string; nameEn: string; level: number }[]> {
    if (codes.length === 0) return [];
    return rowsOf(
      await executor.execute(sql`
        select code, name_zh as "nameZh", name_en as "nameEn", level from event_categories
        where code = any(${sql.param(codes)}::text[])`),
    );
  },

  async levelExists(executor: Executor, key: string): Promise<boolean> {
    return rowsOf(await executor.execute(sql`select 1 from grid_levels where key = ${key}`)).length > 0;
  },

  async personExists(executor: Executor, id: number): Promise<boolean> {
    return rowsOf(await executor.execute(sql`select 1 from persons where id = ${id}`)).length > 0;
  },

  // ── key areas ──────────────────────────────────────────────────────────────────────────────────────────

  async listKeyAreas(
    executor: Executor,
    filter: { scope: SQL; rootPath?: string; kind?: string; organisationId?: number; id?: number },
    page: { offset: number; limit: number },
  ): Promise<{ rows: KeyAreaRow[]; total: number }> {
    const conditions: SQL[] = [filter.scope];
    if (filter.rootPath !== undefined) conditions.push(sql`g.path like ${`${filter.rootPath}%`}`);
    if (filter.kind !== undefined) conditions.push(sql`k.kind = ${filter.kind}`);
    if (filter.organisationId !== undefined)
      conditions.push(sql`k.organisation_id = ${filter.organisationId}`);
    if (filter.id !== undefined) conditions.push(sql`k.id = ${filter.id}`);
    const rows = rowsOf<KeyAreaRow & { total: number }>(
      await executor.execute(sql`
        select x.*, count(*) over ()::int as total
        from (${selectKeyArea} where ${sql.join(conditions, sql` and `)}) x
        order by x."gridPath", x.name, x.id
        limit ${page.limit} offset ${page.offset}`),
    );
    return { rows: rows.map(({ total: _total, ...row }) => row), total: rows[0]?.total ?? 0 };
  },

  async keyAreaById(executor: Executor, id: number): Promise<KeyAreaRow | undefined> {
    const [row] = rowsOf<KeyAreaRow>(await executor.execute(sql`${selectKeyArea} where k.id = ${id}`));
    return row;
  },

  async insertKeyArea(executor: Executor, values: KeyAreaValues, at: Date): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await executor.execute(sql`
        insert into key_areas (name, kind, grid_id, geometry, organisation_id, person_id, notes, created_at,
          updated_at)
        values (${values.name}, ${values.kind}, ${values.gridId},
          ${values.geometry === null ? null : JSON.stringify(values.geometry)}::jsonb, ${values.organisationId},
          ${values.personId}, ${values.notes}, ${at}, ${at})
        returning id`),
    );
    return row!.id;
  },

  async updateKeyArea(executor: Executor, id: number, values: KeyAreaValues, at: Date): Promise<void> {
    await executor.execute(sql`
      update key_areas set name = ${values.name}, kind = ${values.kind}, grid_id = ${values.gridId},
        geometry = ${values.geometry === null ? null : JSON.stringify(values.geometry)}::jsonb,
        organisation_id = ${values.organisationId}, person_id = ${values.personId}, notes = ${values.notes},
        updated_at = ${at}
      where id = ${id}`);
  },

  async deleteKeyArea(executor: Executor, id: number): Promise<void> {
    await executor.execute(sql`delete from key_areas where id = ${id}`);
  },
};
