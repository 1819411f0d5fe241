import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';

export interface TalentRow {
  id: number;
  personId: number;
  name: string;
  gridId: number;
  gridCode: string;
  gridPath: string;
  field: string | null;
  skills: string[];
  note: string | null;
  tier: string | null;
  tierSince: string | null;
}

export interface TierRow {
  tier: string;
  since: string;
  until: string | null;
  reason: string | null;
  actor: string;
}

export interface MemberRow {
  id: number;
  poolKey: string;
  poolNameZh: string;
  poolNameEn: string;
  personId: number;
  name: string;
  gridCode: string;
  nominatedOn: string;
  reason: string;
  nominatedBy: string;
  leftOn: string | null;
  leaveReason: string | null;
}

const selectTalent = sql`
  select t.id, t.person_id as "personId", p.name, t.grid_id as "gridId", g.code as "gridCode", g.path as "gridPath",
         t.field, t.skills, t.note, tt.tier, tt.since::text as "tierSince"
  from talents t
  join persons p on p.id = t.person_id
  join grids g on g.id = t.grid_id
  left join talent_tiers tt on tt.talent_id = t.id and tt.until is null`;

const selectMember = sql`
  select m.id, m.pool_key as "poolKey", rp.name_zh as "poolNameZh", rp.name_en as "poolNameEn",
         m.person_id as "personId", p.name, g.code as "gridCode", m.nominated_on::text as "nominatedOn", m.reason,
         m.nominated_by as "nominatedBy", m.left_on::text as "leftOn", m.leave_reason as "leaveReason"
  from reserve_pool_members m
  join reserve_pools rp on rp.key = m.pool_key
  join persons p on p.id = m.person_id
  join grids g on g.id = p.grid_id`;

export const talentRepository = {
  async person(
    executor: Executor,
    personId: number,
  ): Promise<{ id: number; name: string; gridId: number; gridCode: string; gridPath: string } | undefined> {
    return rowsOf<{ id: number; name: string; gridId: number; gridCode: string; gridPath: string }>(
      await executor.execute(sql`select p.id, p.name, p.grid_id as "gridId", g.code as "gridCode",
        g.path as "gridPath" from persons p join grids g on g.id = p.grid_id where p.id = ${personId}`),
    )[0];
  },

  async byPerson(executor: Executor, personId: number, lock = false): Promise<TalentRow | undefined> {
    return rowsOf<TalentRow>(
      await executor.execute(
        sql`${selectTalent} where t.person_id = ${personId}${lock ? sql` for update of t` : sql``}`,
      ),
    )[0];
  },

  async list(
    executor: Executor,
    filter: { scope: SQL; rootPath?: string; tier?: string; skill?: string },
    page: { offset: number; limit: number },
  ): Promise<{ rows: TalentRow[]; total: number }> {
    const parts: SQL[] = [filter.scope];
    if (filter.rootPath !== undefined) parts.push(sql`g.path like ${`${filter.rootPath}%`}`);
    if (filter.tier !== undefined) parts.push(sql`tt.tier = ${filter.tier}`);
    if (filter.skill !== undefined) parts.push(sql`t.skills @> array[${filter.skill}]::text[]`);
    const where = sql.join(parts, sql` and `);
    const [rows, totals] = await Promise.all([
      executor.execute(sql`${selectTalent} where ${where}
        order by case tt.tier when 'lead' then 0 when 'strong' then 1 else 2 end, t.person_id
        limit ${page.limit} offset ${page.offset}`),
      executor.execute(sql`select count(*)::int as total from talents t join grids g on g.id = t.grid_id
        left join talent_tiers tt on tt.talent_id = t.id and tt.until is null where ${where}`),
    ]);
    return { rows: rowsOf<TalentRow>(rows), total: rowsOf<{ total: number }>(totals)[0]?.total ?? 0 };
  },

  async insert(
    executor: Executor,
    values: { personId: number; gridId: number; field: string | null; skills: string[]; note: string | null },
    at: Date,
  ): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await executor.execute(sql`insert into talents (person_id, grid_id, field, skills, note, created_at, updated_at)
        values (${values.personId}, ${values.gridId}, ${values.field}, ${sql.param(values.skills)}::text[],
          ${values.note}, ${at}, ${at}) returning id`),
    );
    return row!.id;
  },

  async update(
    executor: Executor,
    id: number,
    values: { gridId: number; field: string | null; skills: string[]; note: string | null },
    at: Date,
  ): Promise<void> {
    await executor.execute(sql`update talents set grid_id = ${values.gridId}, field = ${values.field},
      skills = ${sql.param(values.skills)}::text[], note = ${values.note}, updated_at = ${at} where id = ${id}`);
  },

  async tiers(executor: Executor, talentId: number): Promise<TierRow[]> {
    return rowsOf<TierRow>(
      await executor.execute(sql`select tier, since::text as since, until::text as until, reason, actor
        from talent_tiers where talent_id = ${talentId} order by since, id`),
    );
  },

  async endTier(executor: Executor, talentId: number, until: string): Promise<void> {
    await executor.execute(
      sql`update talent_tiers set until = ${until} where talent_id = ${talentId} and until is null`,
    );
  },

  async insertTier(
    executor: Executor,
    values: { talentId: number; tier: string; since: string; reason: string | null; actor: string },
    at: Date,
  ): Promise<void> {
    await executor.execute(sql`insert into talent_tiers (talent_id, tier, since, reason, actor, created_at)
      values (${values.talentId}, ${values.tier}, ${values.since}, ${values.reason}, ${values.actor}, ${at})`);
  },

  async training(executor: Executor, personId: number) {
    return rowsOf<{
      id: number;
      course: string;
      hours: string | number;
      heldOn: string;
      organiser: string | null;
    }>(
      await executor.execute(sql`select id, course, hours, held_on::text as "heldOn", organiser
        from training_records where person_id = ${personId} order by held_on desc, id desc`),
    );
  },

  async insertTraining(
    executor: Executor,
    values: {
      personId: number;
      course: string;
      hours: number;
      heldOn: string;
      organiser: string | null;
      by: string;
    },
    at: Date,
  ): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await executor.execute(sql`insert into training_records (person_id, course, hours, held_on, organiser,
        recorded_by, created_at) values (${values.personId}, ${values.course}, ${values.hours}, ${values.heldOn},
        ${values.organiser}, ${values.by}, ${at}) returning id`),
    );
    return row!.id;
  },

  async certificates(executor: Executor, personId: number) {
    return rowsOf<{
      id: number;
      name: string;
      number: string | null;
      issuer: string | null;
      issuedOn: string;
      expiresOn: string | null;
    }>(
      await executor.execute(sql`select id, name, number, issuer, issued_on::text as "issuedOn",
        expires_on::text as "expiresOn" from certificates where person_id = ${personId} order by issued_on desc, id desc`),
    );
  },

  async insertCertificate(
    executor: Executor,
    values: {
      personId: number;
      name: string;
      number: string | null;
      issuer: string | null;
      issuedOn: string;
      expiresOn: string | null;
      by: string;
    },
    at: Date,
  ): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await executor.execute(sql`insert into certificates (person_id, name, number, issuer, issued_on, expires_on,
        recorded_by, created_at) values (${values.personId}, ${values.name}, ${values.number}, ${values.issuer},
        ${values.issuedOn}, ${values.expiresOn}, ${values.by}, ${at}) returning id`),
    );
    return row!.id;
  },

  async pools(executor: Executor, scope: SQL) {
    return rowsOf<{
      key: string;
      nameZh: string;
      nameEn: string;
      description: string | null;
      members: number;
    }>(
      await executor.execute(sql`select rp.key, rp.name_zh as "nameZh", rp.name_en as "nameEn", rp.description,
        (select count(*)::int from reserve_pool_members m join persons p on p.id = m.person_id
           join grids g on g.id = p.grid_id where m.pool_key = rp.key and m.left_on is null and ${scope}) as members
        from reserve_pools rp order by rp.key`),
    );
  },

  async pool(executor: Executor, key: string) {
    return rowsOf<{ key: string; nameZh: string; nameEn: string }>(
      await executor.execute(
        sql`select key, name_zh as "nameZh", name_en as "nameEn" from reserve_pools where key = ${key}`,
      ),
    )[0];
  },

  async putPool(
    executor: Executor,
    values: { key: string; nameZh: string; nameEn: string; description: string | null },
    at: Date,
  ): Promise<boolean> {
    const [row] = rowsOf<{ created: boolean }>(
      await executor.execute(sql`insert into reserve_pools (key, name_zh, name_en, description, updated_at)
        values (${values.key}, ${values.nameZh}, ${values.nameEn}, ${values.description}, ${at})
        on conflict (key) do update set name_zh = excluded.name_zh, name_en = excluded.name_en,
          description = excluded.description, updated_at = excluded.updated_at
        returning (xmax = 0) as created`),
    );
    return row!.created;
  },

  async members(
    executor: Executor,
    filter: { poolKey?: string; personId?: number; scope: SQL; history: boolean },
  ) {
    const parts: SQL[] = [filter.scope];
    if (filter.poolKey !== undefined) parts.push(sql`m.pool_key = ${filter.poolKey}`);
    if (filter.personId !== undefined) parts.push(sql`m.person_id = ${filter.personId}`);
    if (!filter.history) parts.push(sql`m.left_on is null`);
    return rowsOf<MemberRow>(
      await executor.execute(
        sql`${selectMember} where ${sql.join(parts, sql` and `)} order by m.pool_key, m.nominated_on, m.id`,
      ),
    );
  },

  async currentMember(executor: Executor, poolKey: string, personId: number) {
    return rowsOf<{ id: number; nominatedOn: string }>(
      await executor.execute(sql`select id, nominated_on::text as "nominatedOn" from reserve_pool_members
        where pool_key = ${poolKey} and person_id = ${personId} and left_on is null for update`),
    )[0];
  },

  async nominate(
    executor: Executor,
    values: { poolKey: string; personId: number; on: string; reason: string; by: string },
    at: Date,
  ): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await executor.execute(sql`insert into reserve_pool_members (pool_key, person_id, nominated_on, reason,
        nominated_by, created_at) values (${values.poolKey}, ${values.personId}, ${values.on}, ${values.reason},
        ${values.by}, ${at}) returning id`),
    );
    return row!.id;
  },

  async leave(executor: Executor, id: number, on: string, reason: string): Promise<void> {
    await executor.execute(
      sql`update reserve_pool_members set left_on = ${on}, leave_reason = ${reason} where id = ${id}`,
    );
  },
};
