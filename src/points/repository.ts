import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';

export interface RuleRow {
  key: string;
  nameZh: string;
  nameEn: string;
  points: number;
  dailyCap: number | null;
  active: boolean;
}

export interface EntryRow {
  id: number;
  personId: number;
  kind: string;
  ruleKey: string | null;
  reason: string | null;
  points: number;
  at: string | Date;
  actor: string;
  sourceRef: string | null;
}

export interface NewEntry {
  personId: number;
  kind: 'award' | 'adjustment' | 'redemption';
  ruleKey: string | null;
  reason: string | null;
  points: number;
  at: Date;
  day: string;
  actorUserId: number | null;
  actor: string;
  sourceRef: string | null;
}

const selectEntry = sql`select id::int as id, person_id as "personId", kind, rule_key as "ruleKey", reason, points,
  at, actor, source_ref as "sourceRef" from points_entries`;

export const pointsRepository = {
  async rules(executor: Executor): Promise<RuleRow[]> {
    return rowsOf<RuleRow>(
      await executor.execute(sql`select key, name_zh as "nameZh", name_en as "nameEn", points,
        daily_cap as "dailyCap", active from points_rules order by key`),
    );
  },

  async rule(executor: Executor, key: string): Promise<RuleRow | undefined> {
    return rowsOf<RuleRow>(
      await executor.execute(sql`select key, name_zh as "nameZh", name_en as "nameEn", points,
        daily_cap as "dailyCap", active from points_rules where key = ${key}`),
    )[0];
  },

  async putRule(executor: Executor, rule: RuleRow, at: Date): Promise<void> {
    await executor.execute(sql`
      insert into points_rules (key, name_zh, name_en, points, daily_cap, active, updated_at)
      values (${rule.key}, ${rule.nameZh}, ${rule.nameEn}, ${rule.points}, ${rule.dailyCap}, ${rule.active}, ${at})
      on conflict (key) do update set name_zh = excluded.name_zh, name_en = excluded.name_en,
        points = excluded.points, daily_cap = excluded.daily_cap, active = excluded.active,
        updated_at = excluded.updated_at`);
  },

  /**
   * Lock the person's row against other ledger writers until the transaction ends. FOR NO KEY UPDATE conflicts
   * with itself but not with the KEY SHARE lock that inserting a ledger row (its foreign key) takes, so two
   * redemptions of one person run one after the other, and the second sees the first's row.
   */
  async lockPerson(
    executor: Executor,
    personId: number,
  ): Promise<{ gridId: number; gridPath: string } | undefined> {
    return rowsOf<{ gridId: number; gridPath: string }>(
      await executor.execute(sql`select p.grid_id as "gridId", g.path as "gridPath"
        from persons p join grids g on g.id = p.grid_id where p.id = ${personId} for no key update of p`),
    )[0];
  },

  async person(
    executor: Executor,
    personId: number,
  ): Promise<{ gridId: number; gridPath: string } | undefined> {
    return rowsOf<{ gridId: number; gridPath: string }>(
      await executor.execute(sql`select p.grid_id as "gridId", g.path as "gridPath"
        from persons p join grids g on g.id = p.grid_id where p.id = ${personId}`),
    )[0];
  },

  async balance(executor: Executor, personId: number): Promise<number> {
    const [row] = rowsOf<{ balance: number }>(
      await executor.execute(
        sql`select coalesce(sum(points), 0)::int as balance from points_entries where person_id = ${personId}`,
      ),
    );
    return row!.balance;
  },

  /** Points from one rule on one day: the daily cap counts these. */
  async ruleDayTotal(executor: Executor, personId: number, ruleKey: string, day: string): Promise<number> {
    const [row] = rowsOf<{ total: number }>(
      await executor.execute(sql`select coalesce(sum(points), 0)::int as total from points_entries
        where person_id = ${personId} and rule_key = ${ruleKey} and day = ${day}`),
    );
    return row!.total;
  },

  async insert(executor: Executor, entry: NewEntry): Promise<EntryRow> {
    const [row] = rowsOf<EntryRow>(
      await executor.execute(sql`
        with inserted as (
          insert into points_entries (person_id, kind, rule_key, reason, points, at, day, actor_user_id, actor,
            source_ref)
          values (${entry.personId}, ${entry.kind}, ${entry.ruleKey}, ${entry.reason}, ${entry.points}, ${entry.at},
            ${entry.day}, ${entry.actorUserId}, ${entry.actor}, ${entry.sourceRef})
          returning *)
        select id::int as id, person_id as "personId", kind, rule_key as "ruleKey", reason, points, at, actor,
          source_ref as "sourceRef" from inserted`),
    );
    return row!;
  },

  async entries(
    executor: Executor,
    personId: number,
    page: { offset: number; limit: number },
  ): Promise<{ rows: EntryRow[]; total: number; balance: number }> {
    const [rows, totals] = await Promise.all([
      executor.execute(
        sql`${selectEntry} where person_id = ${personId} order by at desc, id desc limit ${page.limit} offset ${page.offset}`,
      ),
      executor.execute(sql`select count(*)::int as total, coalesce(sum(points), 0)::int as balance
        from points_entries where person_id = ${personId}`),
    ]);
    const summary = rowsOf<{ total: number; balance: number }>(totals)[0]!;
    return { rows: rowsOf<EntryRow>(rows), total: summary.total, balance: summary.balance };
  },

  /** Persons of a grid's subtree by balance, highest first (ties: the earlier person first). */
  async ranking(
    executor: Executor,
    rootPath: string,
    limit: number,
  ): Promise<{ personId: number; name: string; gridCode: string; balance: number }[]> {
    return rowsOf(
      await executor.execute(sql`
        select p.id as "personId", p.name, g.code as "gridCode", b.balance
        from (select person_id, sum(points)::int as balance from points_entries group by person_id) b
        join persons p on p.id = b.person_id
        join grids g on g.id = p.grid_id
        where g.path like ${`${rootPath}%`} and b.balance > 0
        order by b.balance desc, p.id
        limit ${limit}`),
    );
  },
};
