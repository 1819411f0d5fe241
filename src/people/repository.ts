import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';

/** A person as stored, with the codes of what it points to; ciphers still encrypted. */
export interface PersonRow {
  id: number;
  name: string;
  gender: 'male' | 'female' | null;
  birthDate: string | null;
  idNumberCipher: string | null;
  phoneCipher: string | null;
  address: string | null;
  politicalStatus: string;
  tags: string[];
  gridId: number;
  gridCode: string;
  gridPath: string;
  householdId: number | null;
  householdNumber: string | null;
  buildingId: number | null;
  buildingCode: string | null;
  buildingUnitId: number | null;
  unit: string | null;
  room: string | null;
  createdAt: string | Date;
  updatedAt: string | Date;
}

export interface MembershipRow {
  personId: number;
  group: string;
  nameZh: string;
  nameEn: string;
  since: string | null;
  note: string | null;
}

export interface PositionRow {
  id: number;
  gridCode: string;
  gridLevel: string;
  kind: string;
  duty: string | null;
  personId: number | null;
  userId: number | null;
  holderName: string;
  buildingCode: string | null;
  unit: string | null;
  validFrom: string;
  validTo: string | null;
}

/** Columns written for a person (encrypted values and hashes already made by the service). */
export interface PersonValues {
  name: string;
  gender: string | null;
  birthDate: string | null;
  idNumberCipher: string | null;
  idNumberHash: string | null;
  phoneCipher: string | null;
  phoneHash: string | null;
  address: string | null;
  politicalStatus: string;
  tags: string[];
  gridId: number;
  householdId: number | null;
  buildingId: number | null;
  buildingUnitId: number | null;
  room: string | null;
}

export interface PersonFilter {
  /** Path of the grid whose subtree is listed. */
  rootPath?: string;
  /** The reader's data scope, as a condition on g.path. */
  scope: SQL;
  namePrefix?: string;
  tag?: string;
  specialGroup?: string;
  idNumberHash?: string;
  phoneHash?: string;
  ids?: number[];
}

const selectPerson = sql`
  select p.id, p.name, p.gender, p.birth_date::text as "birthDate", p.id_number_cipher as "idNumberCipher",
         p.phone_cipher as "phoneCipher", p.address, p.political_status as "politicalStatus", p.tags,
         p.grid_id as "gridId", g.code as "gridCode", g.path as "gridPath",
         p.household_id as "householdId", h.number as "householdNumber",
         p.building_id as "buildingId", b.code as "buildingCode",
         p.building_unit_id as "buildingUnitId", u.name as unit, p.room,
         p.created_at as "createdAt", p.updated_at as "updatedAt"
  from persons p
  join grids g on g.id = p.grid_id
  left join households h on h.id = p.household_id
  left join buildings b on b.id = p.building_id
  left join building_units u on u.id = p.building_unit_id`;

/** Escape LIKE's wildcards so a name prefix is matched literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function personConditions(filter: PersonFilter): SQL {
  const parts: SQL[] = [filter.scope];
  if (filter.rootPath !== undefined) parts.push(sql`g.path like ${likePrefix(filter.rootPath)}`);
  if (filter.namePrefix !== undefined) parts.push(sql`p.name like ${likePrefix(filter.namePrefix)}`);
  if (filter.tag !== undefined) parts.push(sql`p.tags @> array[${filter.tag}]::text[]`);
  if (filter.idNumberHash !== undefined) parts.push(sql`p.id_number_hash = ${filter.idNumberHash}`);
  if (filter.phoneHash !== undefined) parts.push(sql`p.phone_hash = ${filter.phoneHash}`);
  if (filter.ids !== undefined) parts.push(sql`p.id = any(${sql.param(filter.ids)}::int[])`);
  if (filter.specialGroup !== undefined) {
    parts.push(sql`exists (select 1 from special_group_members m
      where m.person_id = p.id and m.group_key = ${filter.specialGroup} and m.until is null)`);
  }
  return sql.join(parts, sql` and `);
}

export const peopleRepository = {
  async list(
    executor: Executor,
    filter: PersonFilter,
    page: { offset: number; limit: number },
  ): Promise<{ rows: PersonRow[]; total: number }> {
    const where = personConditions(filter);
    const [rows, totals] = await Promise.all([
      executor.execute(
        sql`${selectPerson} where ${where} order by p.id limit ${page.limit} offset ${page.offset}`,
      ),
      executor.execute(sql`select count(*)::int as total from persons p join grids g on g.id = p.grid_id
        where ${where}`),
    ]);
    return { rows: rowsOf<PersonRow>(rows), total: rowsOf<{ total: number }>(totals)[0]?.total ?? 0 };
  },

  async byId(executor: Executor, id: number): Promise<PersonRow | undefined> {
    return rowsOf<PersonRow>(await executor.execute(sql`${selectPerson} where p.id = ${id}`))[0];
  },

  async insert(executor: Executor, values: PersonValues, at: Date): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await executor.execute(sql`
        insert into persons (name, gender, birth_date, id_number_cipher, id_number_hash, phone_cipher, phone_hash,
          address, political_status, tags, grid_id, household_id, building_id, building_unit_id, room,
          created_at, updated_at)
        values (${values.name}, ${values.gender}, ${values.birthDate}, ${values.idNumberCipher},
          ${values.idNumberHash}, ${values.phoneCipher}, ${values.phoneHash}, ${values.address},
          ${values.politicalStatus}, ${sql.param(values.tags)}::text[], ${values.gridId}, ${values.householdId},
          ${values.buildingId}, ${values.buildingUnitId}, ${values.room}, ${at}, ${at})
        returning id`),
    );
    return row!.id;
  },

  async update(executor: Executor, id: number, values: PersonValues, at: Date): Promise<void> {
    await executor.execute(sql`
      update persons set name = ${values.name}, gender = ${values.gender}, birth_date = ${values.birthDate},
        id_number_cipher = ${values.idNumberCipher}, id_number_hash = ${values.idNumberHash},
        phone_cipher = ${values.phoneCipher}, phone_hash = ${values.phoneHash}, address = ${values.address},
        political_status = ${values.politicalStatus}, tags = ${sql.param(values.tags)}::text[],
        grid_id = ${values.gridId}, household_id = ${values.householdId}, building_id = ${values.buildingId},
        building_unit_id = ${values.buildingUnitId}, room = ${values.room}, updated_at = ${at}
      where id = ${id}`);
  },

  /** The stored hashes of a person (kept on an update that does not touch the values). */
  async hashes(
    executor: Executor,
    id: number,
  ): Promise<{ idNumberHash: string | null; phoneHash: string | null } | undefined> {
    return rowsOf<{ idNumberHash: string | null; phoneHash: string | null }>(
      await executor.execute(
        sql`select id_number_hash as "idNumberHash", phone_hash as "phoneHash" from persons where id = ${id}`,
      ),
    )[0];
  },

  /** Current memberships of these persons. */
  async memberships(executor: Executor, personIds: number[]): Promise<MembershipRow[]> {
    if (personIds.length === 0) return [];
    return rowsOf<MembershipRow>(
      await executor.execute(sql`
        select m.person_id as "personId", m.group_key as "group", s.name_zh as "nameZh", s.name_en as "nameEn",
               m.since::text as since, m.note
        from special_group_members m join special_groups s on s.key = m.group_key
        where m.person_id = any(${sql.param(personIds)}::int[]) and m.until is null
        order by s.rank, m.group_key`),
    );
  },

  async specialGroupKeys(executor: Executor): Promise<string[]> {
    return rowsOf<{ key: string }>(
      await executor.execute(sql`select key from special_groups order by rank, key`),
    ).map((row) => row.key);
  },

  async addMembership(
    executor: Executor,
    personId: number,
    group: { group: string; since?: string; note?: string },
    at: Date,
  ): Promise<void> {
    await executor.execute(sql`
      insert into special_group_members (person_id, group_key, since, note, created_at)
      values (${personId}, ${group.group}, ${group.since ?? null}, ${group.note ?? null}, ${at})`);
  },

  async endMemberships(executor: Executor, personId: number, groups: string[], until: string): Promise<void> {
    if (groups.length === 0) return;
    await executor.execute(sql`
      update special_group_members set until = ${until}
      where person_id = ${personId} and group_key = any(${sql.param(groups)}::text[]) and until is null`);
  },

  /** A building by code with its grid, and the unit of that name when one is asked for. */
  async building(
    executor: Executor,
    code: string,
    unit: string | undefined,
  ): Promise<{ id: number; gridId: number; unitId: number | null } | undefined> {
    return rowsOf<{ id: number; gridId: number; unitId: number | null }>(
      await executor.execute(sql`
        select b.id, b.grid_id as "gridId", u.id as "unitId"
        from buildings b left join building_units u on u.building_id = b.id and u.name = ${unit ?? null}
        where b.code = ${code}`),
    )[0];
  },

  /** The household of this number in the grid, made when it does not exist yet. */
  async household(
    executor: Executor,
    values: {
      gridId: number;
      number: string;
      buildingId: number | null;
      unitId: number | null;
      room: string | null;
    },
    at: Date,
  ): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await executor.execute(sql`
        insert into households (number, grid_id, building_id, building_unit_id, room, created_at, updated_at)
        values (${values.number}, ${values.gridId}, ${values.buildingId}, ${values.unitId}, ${values.room}, ${at}, ${at})
        on conflict (grid_id, number) do update set updated_at = households.updated_at
        returning id`),
    );
    return row!.id;
  },

  async setHouseholdHead(executor: Executor, householdId: number, personId: number, at: Date): Promise<void> {
    await executor.execute(
      sql`update households set head_person_id = ${personId}, updated_at = ${at} where id = ${householdId}`,
    );
  },

  async linkUser(executor: Executor, personId: number, userId: number | null): Promise<void> {
    await executor.execute(sql`delete from person_users where person_id = ${personId}`);
    if (userId !== null) {
      await executor.execute(sql`delete from person_users where user_id = ${userId}`);
      await executor.execute(
        sql`insert into person_users (user_id, person_id) values (${userId}, ${personId})`,
      );
    }
  },

  async linkedUser(executor: Executor, personId: number): Promise<number | null> {
    const [row] = rowsOf<{ userId: number }>(
      await executor.execute(sql`select user_id as "userId" from person_users where person_id = ${personId}`),
    );
    return row?.userId ?? null;
  },

  async userExists(executor: Executor, userId: number): Promise<boolean> {
    const rows = rowsOf<{ id: number }>(
      await executor.execute(sql`select id from users where id = ${userId}`),
    );
    return rows.length > 0;
  },

  // ── organisations ──────────────────────────────────────────────────────────────────────────────────────────

  async insertOrganisation(
    executor: Executor,
    values: { name: string; kind: string; gridId: number; address: string | null; creditCode: string | null },
    at: Date,
  ): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await executor.execute(sql`
        insert into organisations (name, kind, grid_id, address, credit_code, created_at, updated_at)
        values (${values.name}, ${values.kind}, ${values.gridId}, ${values.address}, ${values.creditCode}, ${at}, ${at})
        returning id`),
    );
    return row!.id;
  },

  async listOrganisations(
    executor: Executor,
    filter: { rootPath?: string; scope: SQL; kind?: string; id?: number },
    page: { offset: number; limit: number },
  ) {
    const parts: SQL[] = [filter.scope];
    if (filter.rootPath !== undefined) parts.push(sql`g.path like ${likePrefix(filter.rootPath)}`);
    if (filter.kind !== undefined) parts.push(sql`o.kind = ${filter.kind}`);
    if (filter.id !== undefined) parts.push(sql`o.id = ${filter.id}`);
    const where = sql.join(parts, sql` and `);
    const [rows, totals] = await Promise.all([
      executor.execute(sql`
        select o.id, o.name, o.kind, g.code as "gridCode", o.address, o.credit_code as "creditCode"
        from organisations o join grids g on g.id = o.grid_id
        where ${where} order by o.id limit ${page.limit} offset ${page.offset}`),
      executor.execute(sql`select count(*)::int as total from organisations o join grids g on g.id = o.grid_id
        where ${where}`),
    ]);
    return {
      rows: rowsOf<{
        id: number;
        name: string;
        kind: string;
        gridCode: string;
        address: string | null;
        creditCode: string | null;
      }>(rows),
      total: rowsOf<{ total: number }>(totals)[0]?.total ?? 0,
    };
  },

  // ── positions ──────────────────────────────────────────────────────────────────────────────────────────────

  async insertPosition(
    executor: Executor,
    values: {
      gridId: number;
      kind: string;
      duty: string | null;
      personId: number | null;
      userId: number | null;
      buildingId: number | null;
      buildingUnitId: number | null;
      validFrom: string;
      validTo: string | null;
    },
    at: Date,
  ): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await executor.execute(sql`
        insert into positions (grid_id, kind, duty, person_id, user_id, building_id, building_unit_id,
          valid_from, valid_to, created_at, updated_at)
        values (${values.gridId}, ${values.kind}, ${values.duty}, ${values.personId}, ${values.userId},
          ${values.buildingId}, ${values.buildingUnitId}, ${values.validFrom}, ${values.validTo}, ${at}, ${at})
        returning id`),
    );
    return row!.id;
  },

  async positionForUpdate(
    executor: Executor,
    id: number,
  ): Promise<
    { id: number; gridId: number; gridPath: string; validFrom: string; validTo: string | null } | undefined
  > {
    return rowsOf<{
      id: number;
      gridId: number;
      gridPath: string;
      validFrom: string;
      validTo: string | null;
    }>(
      await executor.execute(sql`
        select p.id, p.grid_id as "gridId", g.path as "gridPath", p.valid_from::text as "validFrom",
               p.valid_to::text as "validTo"
        from positions p join grids g on g.id = p.grid_id where p.id = ${id} for update of p`),
    )[0];
  },

  async endPosition(executor: Executor, id: number, to: string, at: Date): Promise<void> {
    await executor.execute(sql`update positions set valid_to = ${to}, updated_at = ${at} where id = ${id}`);
  },

  /**
   * Positions of a grid (or its subtree): held on `at` (from ≤ at < to), or all of them when `at` is absent.
   * The holder's name is the person's, else the linked user's display name.
   */
  async positions(
    executor: Executor,
    filter: { gridId?: number; rootPath?: string; at?: string; ids?: number[] },
  ): Promise<PositionRow[]> {
    const parts: SQL[] = [];
    if (filter.gridId !== undefined) parts.push(sql`p.grid_id = ${filter.gridId}`);
    if (filter.rootPath !== undefined) parts.push(sql`g.path like ${likePrefix(filter.rootPath)}`);
    if (filter.ids !== undefined) parts.push(sql`p.id = any(${sql.param(filter.ids)}::int[])`);
    if (filter.at !== undefined) {
      parts.push(
        sql`p.valid_from <= ${filter.at}::date and (p.valid_to is null or p.valid_to > ${filter.at}::date)`,
      );
    }
    const where = parts.length > 0 ? sql.join(parts, sql` and `) : sql`true`;
    return rowsOf<PositionRow>(
      await executor.execute(sql`
        select p.id, g.code as "gridCode", g.level as "gridLevel", p.kind, p.duty, p.person_id as "personId",
               p.user_id as "userId", coalesce(pe.name, u.display_name, '') as "holderName",
               b.code as "buildingCode", bu.name as unit, p.valid_from::text as "validFrom",
               p.valid_to::text as "validTo"
        from positions p
        join grids g on g.id = p.grid_id
        left join persons pe on pe.id = p.person_id
        left join users u on u.id = p.user_id
        left join buildings b on b.id = p.building_id
        left join building_units bu on bu.id = p.building_unit_id
        where ${where}
        order by g.path, p.kind, p.valid_from, p.id`),
    );
  },

  async personExists(executor: Executor, id: number): Promise<boolean> {
    return rowsOf(await executor.execute(sql`select 1 from persons where id = ${id}`)).length > 0;
  },
};
