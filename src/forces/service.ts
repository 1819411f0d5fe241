import { sql } from 'drizzle-orm';
import { recordAudit, type Actor } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database, type Executor } from '../core/db.js';
import { errors, type FieldProblem } from '../core/errors.js';
import type { AuthUser } from '../accounts/auth.js';
import type { Role } from '../accounts/roles.js';
import type { GridRow } from '../grids/repository.js';
import type { GridService } from '../grids/service.js';
import { maskName, maskPhone, visibility } from '../people/masking.js';
import type { DataProtector } from '../people/protection.js';
import { chinaDate } from '../people/service.js';
import { DEFAULT_FORCE_PRESET, FORCE_PRESET_SETTING } from './preset.js';
import { forceRepository, type CategoryRow, type ForceMemberRow, type SunkStaffRow } from './repository.js';
import type { CreateForceCategoryBody, CreateForceMemberBody, UpdateForceCategoryBody } from './schema.js';

const CATEGORY = { zh: '力量类别', en: 'Force category' };
const MEMBER = { zh: '网格力量', en: 'Force member' };

export interface ForceServiceDeps {
  database: Database;
  clock: Clock;
  grids: GridService;
  protector: () => DataProtector;
}

function actorOf(user: AuthUser): Actor {
  return { userId: user.id, name: user.username };
}

export function presentCategory(row: CategoryRow) {
  return {
    key: row.key,
    preset: row.preset,
    name: { zh: row.nameZh, en: row.nameEn },
    description: row.descriptionZh,
    dispatchGroup: row.dispatchGroup,
    rank: row.rank,
    retired: row.retired,
  };
}

/** A name as this reader may see it: holders of grid forces are shown like the roster shows residents. */
function nameFor(roles: readonly Role[], personName: string | null, userName: string | null): string {
  if (personName === null) return userName ?? '';
  return visibility(roles, 'name') === 'full' ? personName : maskName(personName);
}

/** 网格力量 (F2): categories and their presets, force members per grid, the forces an area leader dispatches. */
export class ForceService {
  constructor(private readonly deps: ForceServiceDeps) {}

  private get db(): Executor {
    return this.deps.database.db;
  }

  today(): string {
    return chinaDate(this.deps.clock.now());
  }

  async activePreset(executor: Executor = this.db): Promise<string> {
    const [row] = rowsOf<{ value: unknown }>(
      await executor.execute(sql`select value from settings where key = ${FORCE_PRESET_SETTING}`),
    );
    return typeof row?.value === 'string' ? row.value : DEFAULT_FORCE_PRESET;
  }

  // ── categories ─────────────────────────────────────────────────────────────────────────────────────────────

  async categories(query: { preset?: string; all: boolean }) {
    const activePreset = await this.activePreset();
    const preset = query.preset ?? (query.all ? undefined : activePreset);
    const [rows, presets] = await Promise.all([
      forceRepository.categories(this.db, { preset, all: query.all }),
      forceRepository.presets(this.db),
    ]);
    return { activePreset, presets, items: rows.map(presentCategory) };
  }

  async setPreset(preset: string, user: AuthUser): Promise<{ activePreset: string }> {
    const at = this.deps.clock.now();
    await this.db.transaction(async (tx) => {
      if (!(await forceRepository.presets(tx)).includes(preset)) {
        throw errors.unprocessable(
          'unknown_preset',
          `力量配置「${preset}」没有类别`,
          `Preset "${preset}" has no categories`,
          [{ field: '/body/preset', zh: '没有该配置的力量类别', en: 'no category has this preset' }],
        );
      }
      await tx.execute(sql`insert into settings (key, value, updated_at)
        values (${FORCE_PRESET_SETTING}, ${JSON.stringify(preset)}::jsonb, ${at})
        on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`);
      await recordAudit(tx, actorOf(user), at, [
        { action: 'force.preset', entity: 'setting', entityKey: FORCE_PRESET_SETTING, detail: { preset } },
      ]);
    });
    return { activePreset: preset };
  }

  async createCategory(body: CreateForceCategoryBody, user: AuthUser) {
    const at = this.deps.clock.now();
    const preset = body.preset ?? (await this.activePreset());
    await this.db.transaction(async (tx) => {
      if (await forceRepository.category(tx, body.key)) {
        throw errors.conflict('duplicate', `力量类别「${body.key}」已存在`, `Category "${body.key}" exists`);
      }
      await tx.execute(sql`
        insert into force_categories (key, preset, name_zh, name_en, description_zh, dispatch_group, rank)
        values (${body.key}, ${preset}, ${body.nameZh}, ${body.nameEn}, ${body.description ?? null},
          ${body.dispatchGroup ?? null}, ${body.rank ?? 100})`);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'force_category.create',
          entity: 'force_category',
          entityKey: body.key,
          detail: { preset },
        },
      ]);
    });
    return presentCategory((await forceRepository.category(this.db, body.key))!);
  }

  async updateCategory(key: string, body: UpdateForceCategoryBody, user: AuthUser) {
    const at = this.deps.clock.now();
    await this.db.transaction(async (tx) => {
      const existing = await forceRepository.category(tx, key);
      if (!existing) throw errors.notFound(CATEGORY, key);
      await tx.execute(sql`
        update force_categories set
          name_zh = ${body.nameZh ?? existing.nameZh},
          name_en = ${body.nameEn ?? existing.nameEn},
          description_zh = ${body.description !== undefined ? body.description : existing.descriptionZh},
          dispatch_group = ${body.dispatchGroup !== undefined ? body.dispatchGroup : existing.dispatchGroup},
          rank = ${body.rank ?? existing.rank},
          retired_at = ${
            body.retired === undefined
              ? sql`retired_at`
              : body.retired
                ? sql`coalesce(retired_at, ${at})`
                : sql`null`
          }
        where key = ${key}`);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'force_category.update',
          entity: 'force_category',
          entityKey: key,
          detail: { fields: Object.keys(body).sort() },
        },
      ]);
    });
    return presentCategory((await forceRepository.category(this.db, key))!);
  }

  // ── members ────────────────────────────────────────────────────────────────────────────────────────────────

  async addMember(gridCode: string, body: CreateForceMemberBody, user: AuthUser) {
    const grid = await this.deps.grids.get(gridCode, user.scope);
    const at = this.deps.clock.now();
    const id = await this.db.transaction(async (tx) => {
      const problems: FieldProblem[] = [];
      const category = await forceRepository.category(tx, body.category);
      if (!category || category.retired) {
        problems.push({
          field: '/body/category',
          zh: '力量类别不存在或已停用',
          en: 'unknown or retired category',
        });
      }
      if (body.personId === undefined && body.userId === undefined) {
        problems.push({
          field: '/body/personId',
          zh: '须指定人员或用户',
          en: 'a member needs a person or a user',
        });
      }
      if (body.personId !== undefined && !(await forceRepository.exists(tx, 'persons', body.personId))) {
        problems.push({ field: '/body/personId', zh: '人员不存在', en: 'unknown person' });
      }
      if (body.userId !== undefined && !(await forceRepository.exists(tx, 'users', body.userId))) {
        problems.push({ field: '/body/userId', zh: '用户不存在', en: 'unknown user' });
      }
      if (body.until !== undefined && body.until <= body.since) {
        problems.push({
          field: '/body/until',
          zh: '结束日期须晚于开始日期',
          en: '`until` must be after `since`',
        });
      }
      if (problems.length > 0) throw errors.invalid(problems);
      const [row] = rowsOf<{ id: number }>(
        await tx.execute(sql`
          insert into force_members (category_key, grid_id, person_id, user_id, duty, since, until, created_at, updated_at)
          values (${body.category}, ${grid.id}, ${body.personId ?? null}, ${body.userId ?? null}, ${body.duty ?? null},
            ${body.since}, ${body.until ?? null}, ${at}, ${at})
          returning id`),
      );
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'force_member.create',
          entity: 'force_member',
          entityKey: String(row!.id),
          gridId: grid.id,
          detail: {
            category: body.category,
            personId: body.personId ?? null,
            userId: body.userId ?? null,
            since: body.since,
          },
        },
      ]);
      return row!.id;
    });
    const [row] = await forceRepository.members(this.db, { ids: [id] });
    return this.presentMember(row!, user.roles);
  }

  /** End a member's service: `until` is the first day no longer served; the row stays for the history. */
  async endMember(id: number, until: string, user: AuthUser) {
    const at = this.deps.clock.now();
    await this.db.transaction(async (tx) => {
      const [row] = await forceRepository.members(tx, { ids: [id] });
      if (!row || !user.scope.coversPath(row.gridPath)) throw errors.notFound(MEMBER, String(id));
      if (row.until !== null) {
        throw errors.conflict('member_ended', `已于 ${row.until} 结束`, `Already ended on ${row.until}`);
      }
      if (until <= row.since) {
        throw errors.unprocessable(
          'member_dates',
          `结束日期须晚于开始日期 ${row.since}`,
          `The end must be after the start ${row.since}`,
          [{ field: '/body/until', zh: '结束日期须晚于开始日期', en: '`until` must be after `since`' }],
        );
      }
      await tx.execute(sql`update force_members set until = ${until}, updated_at = ${at} where id = ${id}`);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'force_member.end',
          entity: 'force_member',
          entityKey: String(id),
          gridId: row.gridId,
          detail: { until },
        },
      ]);
    });
    const [row] = await forceRepository.members(this.db, { ids: [id] });
    return this.presentMember(row!, user.roles);
  }

  /**
   * The forces of a grid and its descendants on a date (or the whole history), by category: every category of
   * the active preset (with zero when empty), then any other category that still has members.
   */
  async gridForces(gridCode: string, query: { at?: string; history: boolean }, user: AuthUser) {
    const grid = await this.deps.grids.get(gridCode, user.scope);
    const at = query.history ? undefined : (query.at ?? this.today());
    const preset = await this.activePreset();
    const [categories, members] = await Promise.all([
      forceRepository.categories(this.db, { all: true }),
      forceRepository.members(this.db, { rootPath: grid.path, at }),
    ]);
    return {
      grid: { code: grid.code, name: grid.name, level: grid.level },
      preset,
      at: at ?? null,
      total: members.length,
      categories: this.group(categories, members, user.roles, (category) => category.preset === preset),
    };
  }

  /**
   * What an area grid leader can dispatch for a grid (004 片区网格长调度网格自有力量、执法力量、街镇包保力量、社会动员力量):
   * the dispatched categories' members of the grid's area and its sub-grids, and the sunk department,
   * law-enforcement and city-operations staff appointed there or above it (the street's 包保 staff). The area is the nearest area-level grid at or
   * above the grid that the reader may see; without one, the grid itself.
   */
  async dispatchable(gridCode: string, user: AuthUser) {
    const grid = await this.deps.grids.get(gridCode, user.scope);
    const area = await this.areaOf(grid, user);
    const at = this.today();
    const [categories, members, staff] = await Promise.all([
      forceRepository.categories(this.db, { all: true }),
      forceRepository.members(this.db, { rootPath: area.path, at }),
      forceRepository.sunkStaff(this.db, area.path, at),
    ]);
    const dispatched = categories.filter((category) => category.dispatchGroup !== null);
    const keys = new Set(dispatched.map((category) => category.key));
    const mine = members.filter((member) => keys.has(member.categoryKey));
    const preset = await this.activePreset();
    return {
      grid: { code: grid.code, name: grid.name, level: grid.level },
      area: { code: area.code, name: area.name, level: area.level },
      at,
      total: mine.length + staff.length,
      categories: this.group(dispatched, mine, user.roles, (category) => category.preset === preset),
      sunkStaff: staff.map((row) => this.presentStaff(row, user.roles)),
    };
  }

  private async areaOf(grid: GridRow, user: AuthUser): Promise<GridRow> {
    if (grid.level === 'area') return grid;
    const ids = grid.path.split('/').filter(Boolean).slice(0, -1).map(Number);
    if (ids.length === 0) return grid;
    const [area] = rowsOf<{ code: string }>(
      await this.db.execute(sql`select code from grids
        where id = any(${sql.param(ids)}::int[]) and level = 'area' and retired_at is null
        order by depth desc limit 1`),
    );
    if (!area) return grid;
    try {
      return await this.deps.grids.get(area.code, user.scope);
    } catch {
      return grid;
    }
  }

  private group(
    categories: CategoryRow[],
    members: ForceMemberRow[],
    roles: readonly Role[],
    shownWhenEmpty: (category: CategoryRow) => boolean,
  ) {
    const byCategory = new Map<string, ForceMemberRow[]>();
    for (const member of members) {
      const list = byCategory.get(member.categoryKey) ?? [];
      list.push(member);
      byCategory.set(member.categoryKey, list);
    }
    return categories
      .filter((category) =>
        byCategory.has(category.key) ? true : !category.retired && shownWhenEmpty(category),
      )
      .sort((a, b) => Number(shownWhenEmpty(b)) - Number(shownWhenEmpty(a)))
      .map((category) => {
        const list = byCategory.get(category.key) ?? [];
        return {
          key: category.key,
          name: { zh: category.nameZh, en: category.nameEn },
          preset: category.preset,
          dispatchGroup: category.dispatchGroup,
          count: list.length,
          members: list.map((member) => this.presentMember(member, roles)),
        };
      });
  }

  private maskedPhone(cipher: string | null): string | null {
    return cipher === null ? null : maskPhone(this.deps.protector().decrypt(cipher));
  }

  presentMember(row: ForceMemberRow, roles: readonly Role[]) {
    return {
      id: row.id,
      category: row.categoryKey,
      gridCode: row.gridCode,
      gridName: row.gridName,
      personId: row.personId,
      userId: row.userId,
      name: nameFor(roles, row.personName, row.userName),
      phone: this.maskedPhone(row.phoneCipher),
      duty: row.duty,
      since: row.since,
      until: row.until,
    };
  }

  private presentStaff(row: SunkStaffRow, roles: readonly Role[]) {
    return {
      positionId: row.id,
      kind: row.kind,
      duty: row.duty,
      gridCode: row.gridCode,
      name: nameFor(roles, row.personName, row.userName),
      phone: this.maskedPhone(row.phoneCipher),
    };
  }
}
