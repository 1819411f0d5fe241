import { sql, type SQL } from 'drizzle-orm';
import { recordAudit, type Actor } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database, type Executor, type Tx } from '../core/db.js';
import { AppError, errors, type FieldProblem } from '../core/errors.js';
import type { AuthUser } from '../accounts/auth.js';
import { Scope } from '../accounts/scope.js';
import { pointInGeometry, validateGeometry } from '../grids/geometry.js';
import { gridRepository, type GridRow } from '../grids/repository.js';
import type { GridService } from '../grids/service.js';
import { chinaDate } from '../people/service.js';
import { presentDepartment, presentDuty, presentKeyArea } from './presenter.js';
import {
  dutyRepository,
  type DutyRow,
  type DutyValues,
  type KeyAreaRow,
  type KeyAreaValues,
} from './repository.js';
import { majorOf, suggestRoute, type ChainGrid, type RouteSuggestion, type RoutingMatter } from './router.js';
import type {
  CreateDepartmentBody,
  CreateDutyBody,
  CreateKeyAreaBody,
  DutyListQueryValue,
  KeyAreaListQueryValue,
  UpdateDutyBody,
  UpdateKeyAreaBody,
} from './schema.js';
import type { KeyAreaGeometry } from './tables.js';

export interface DutyServiceDeps {
  database: Database;
  clock: Clock;
  grids: GridService;
}

const DEPARTMENT = { zh: '职能部门', en: 'Department' };
const DUTY = { zh: '责任清单事项', en: 'Responsibility-list matter' };
const KEY_AREA = { zh: '重点区域', en: 'Key area' };

function actorOf(user: AuthUser): Actor {
  return { userId: user.id, name: user.username };
}

/**
 * Rows "related" to a reader's grids: inside them, or on the way up from them (an ancestor's list applies to its
 * descendants, and the street's departments serve every grid of the street). Responsibility lists and
 * departments are not personal data; what a reader may not see is other streets' organisation.
 */
function relatedToScope(scope: Scope, path: SQL): SQL {
  if (scope.all) return sql`true`;
  if (scope.roots.length === 0) return sql`false`;
  const conditions = scope.roots.map(
    (root) => sql`(${path} like ${`${root}%`} or ${root} like ${path} || '%')`,
  );
  return sql`(${sql.join(conditions, sql` or `)})`;
}

function pathRelated(scope: Scope, path: string): boolean {
  return scope.all || scope.roots.some((root) => path.startsWith(root) || root.startsWith(path));
}

export type SuggestionValue = RouteSuggestion & { categoryCode: string; grids: ChainGrid[] };

/** 职能部门, 责任清单, 重点区域 and routing (F4, E2). */
export class DutyService {
  /** Writes made through this service so far: a router that keeps the lists in memory reloads when it moves. */
  changes = 0;

  constructor(private readonly deps: DutyServiceDeps) {}

  private get db(): Executor {
    return this.deps.database.db;
  }

  private async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.deps.database.db.transaction(work);
    } finally {
      this.changes++;
    }
  }

  today(): string {
    return chinaDate(this.deps.clock.now());
  }

  // ── departments 职能部门 ─────────────────────────────────────────────────────────────────────────────────────

  /** The departments serving the reader's grids, each with its users (for dispatchers). */
  async listDepartments(scope: Scope) {
    const rows = await dutyRepository.departments(this.db, relatedToScope(scope, sql`g.path`));
    const users = await dutyRepository.departmentUsers(
      this.db,
      rows.map((row) => row.id),
    );
    return rows.map((row) => presentDepartment(row, users));
  }

  async getDepartment(id: number, scope: Scope) {
    const [row] = await dutyRepository.departments(this.db, relatedToScope(scope, sql`g.path`), [id]);
    if (!row) throw errors.notFound(DEPARTMENT, String(id));
    return presentDepartment(row, await dutyRepository.departmentUsers(this.db, [id]));
  }

  /** The department a user works for (null when none): the event module dispatches to departments. */
  async departmentOf(userId: number): Promise<{ id: number; name: string } | null> {
    const row = await dutyRepository.departmentOfUser(this.db, userId);
    return row ? { id: row.id, name: row.name } : null;
  }

  /** The active users of a department, who receive what is dispatched to it. */
  async usersOf(departmentId: number): Promise<{ id: number; username: string; displayName: string }[]> {
    const users = await dutyRepository.departmentUsers(this.db, [departmentId]);
    return users.map(({ id, username, displayName }) => ({ id, username, displayName }));
  }

  async createDepartment(body: CreateDepartmentBody, user: AuthUser) {
    const grid = await this.writableGrid(body.gridCode, user.scope, '/body/gridCode');
    const at = this.deps.clock.now();
    const id = await this.write(async (tx) => {
      const organisationId = await dutyRepository.insertDepartment(
        tx,
        {
          name: body.name,
          nameEn: body.nameEn ?? null,
          gridId: grid.id,
          address: body.address ?? null,
          rank: body.rank ?? 100,
        },
        at,
      );
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'department.create',
          entity: 'organisation',
          entityKey: String(organisationId),
          gridId: grid.id,
          detail: { name: body.name, gridCode: grid.code },
        },
      ]);
      return organisationId;
    });
    return this.getDepartment(id, user.scope);
  }

  /**
   * Make exactly these users the department's. Each must hold the department role; a user linked to another
   * department moves here (a user works for one department), which the audit row records.
   */
  async setDepartmentUsers(id: number, userIds: number[], user: AuthUser) {
    const at = this.deps.clock.now();
    await this.write(async (tx) => {
      const department = await dutyRepository.organisation(tx, id);
      if (!department || department.kind !== 'department' || !pathRelated(user.scope, department.gridPath)) {
        throw errors.notFound(DEPARTMENT, String(id));
      }
      if (!user.scope.coversPath(department.gridPath)) {
        throw errors.forbidden('无权管理该部门的人员', 'You may not manage the users of this department');
      }
      const found = await dutyRepository.users(tx, userIds);
      const byId = new Map(found.map((row) => [row.id, row]));
      const problems: FieldProblem[] = [];
      userIds.forEach((userId, i) => {
        const row = byId.get(userId);
        if (!row) problems.push({ field: `/body/userIds/${i}`, zh: '用户不存在', en: 'unknown user' });
        else if (!row.roles.includes('department')) {
          problems.push({
            field: `/body/userIds/${i}`,
            zh: `用户「${row.username}」不是职能部门角色`,
            en: `user "${row.username}" does not hold the department role`,
          });
        }
      });
      if (problems.length > 0) throw errors.invalid(problems);
      const moved = found
        .filter((row) => row.organisationId !== null && row.organisationId !== id)
        .map((row) => ({ userId: row.id, from: row.organisationId }));
      await dutyRepository.setDepartmentUsers(tx, id, userIds);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'department.users',
          entity: 'organisation',
          entityKey: String(id),
          gridId: department.gridId,
          detail: { userIds, moved },
        },
      ]);
    });
    return this.getDepartment(id, user.scope);
  }

  // ── responsibility lists 责任清单 ──────────────────────────────────────────────────────────────────────────

  async listDuties(query: DutyListQueryValue, user: AuthUser) {
    const root = query.grid !== undefined ? await this.deps.grids.get(query.grid, user.scope) : undefined;
    const { rows, total } = await dutyRepository.listDuties(
      this.db,
      {
        visible: sql`(m.grid_id is null or ${relatedToScope(user.scope, sql`g.path`)})`,
        rootPath: root?.path,
        organisationId: query.department,
        category: query.category,
        kind: query.kind,
        at: query.history ? undefined : (query.at ?? this.today()),
      },
      { offset: (query.page - 1) * query.pageSize, limit: query.pageSize },
    );
    return { items: rows.map(presentDuty), total };
  }

  async getDuty(id: number, scope: Scope) {
    return presentDuty(await this.visibleDuty(this.db, id, scope));
  }

  /** The list that holds in a grid on a date: its own matters, its ancestors' and the ones for every grid. */
  async gridDuties(code: string, scope: Scope, at?: string) {
    const grid = await this.deps.grids.get(code, scope);
    const rows = await dutyRepository.effectiveDuties(this.db, grid.path, at ?? this.today());
    return {
      grid: grid.code,
      items: rows.map((row) => ({ ...presentDuty(row), inherited: row.gridId !== grid.id })),
    };
  }

  async createDuty(body: CreateDutyBody, user: AuthUser) {
    const scopeGrid = await this.scopeGridOf(body.gridCode, user);
    const at = this.deps.clock.now();
    const id = await this.write(async (tx) => {
      const values = await this.dutyValues(tx, body.kind, body, undefined, scopeGrid, user);
      const dutyId = await dutyRepository.insertDuty(tx, values, at);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'duty.create',
          entity: 'duty_matter',
          entityKey: String(dutyId),
          gridId: values.gridId,
          detail: { ...values },
        },
      ]);
      return dutyId;
    });
    return this.getDuty(id, user.scope);
  }

  async updateDuty(id: number, body: UpdateDutyBody, user: AuthUser) {
    const scopeGrid = body.gridCode !== undefined ? await this.scopeGridOf(body.gridCode, user) : undefined;
    const at = this.deps.clock.now();
    await this.write(async (tx) => {
      await dutyRepository.lockDuty(tx, id);
      const existing = await this.writableDuty(tx, id, user.scope);
      const values = await this.dutyValues(tx, existing.kind, body, existing, scopeGrid, user);
      await dutyRepository.updateDuty(tx, id, values, at);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'duty.update',
          entity: 'duty_matter',
          entityKey: String(id),
          gridId: values.gridId,
          detail: { fields: Object.keys(body).sort(), before: valuesOfRow(existing), after: values },
        },
      ]);
    });
    return this.getDuty(id, user.scope);
  }

  /** End a matter: `to` is the first day it no longer holds (网格+ 事项退出). The row stays for the history. */
  async endDuty(id: number, to: string, user: AuthUser) {
    const at = this.deps.clock.now();
    await this.write(async (tx) => {
      await dutyRepository.lockDuty(tx, id);
      const existing = await this.writableDuty(tx, id, user.scope);
      if (existing.validTo !== null) {
        throw errors.conflict(
          'duty_ended',
          `该事项已于 ${existing.validTo} 结束`,
          `The matter already ended on ${existing.validTo}`,
        );
      }
      if (to <= existing.validFrom) {
        throw errors.unprocessable(
          'duty_dates',
          `结束日期须晚于开始日期 ${existing.validFrom}`,
          `The end must be after the start ${existing.validFrom}`,
          [{ field: '/body/to', zh: '结束日期须晚于开始日期', en: '`to` must be after `from`' }],
        );
      }
      await dutyRepository.updateDuty(tx, id, { ...valuesOfRow(existing), validTo: to }, at);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'duty.end',
          entity: 'duty_matter',
          entityKey: String(id),
          gridId: existing.gridId,
          detail: { to },
        },
      ]);
    });
    return this.getDuty(id, user.scope);
  }

  private async visibleDuty(executor: Executor, id: number, scope: Scope): Promise<DutyRow> {
    const row = await dutyRepository.dutyById(executor, id);
    if (!row || (row.gridPath !== null && !pathRelated(scope, row.gridPath))) {
      throw errors.notFound(DUTY, String(id));
    }
    return row;
  }

  /** A matter the writer may change: one of his grids' own, or — for every grid — an administrator's. */
  private async writableDuty(executor: Executor, id: number, scope: Scope): Promise<DutyRow> {
    const row = await this.visibleDuty(executor, id, scope);
    const writable = row.gridPath === null ? scope.all : scope.coversPath(row.gridPath);
    if (!writable) {
      throw errors.forbidden(
        '该事项属于上级网格的责任清单，无权修改',
        "The matter belongs to a higher grid's list; you may not change it",
      );
    }
    return row;
  }

  /** The scope grid of a write (read before the transaction opens), or null for every grid. */
  private async scopeGridOf(code: string | null, user: AuthUser): Promise<GridRow | null> {
    if (code === null) {
      if (!user.scope.all) {
        throw errors.forbidden(
          '只有全域账号可以登记适用于全部网格的事项，请指定网格',
          'Only an account for every grid may record a matter for every grid; name a grid',
        );
      }
      return null;
    }
    return this.writableGrid(code, user.scope, '/body/gridCode');
  }

  /**
   * The stored columns after applying `body` to `existing` (none for a new matter). Every bad field is reported
   * at once, before anything is written.
   */
  private async dutyValues(
    tx: Executor,
    kind: 'department' | 'grid',
    body: Partial<CreateDutyBody>,
    existing: DutyRow | undefined,
    scopeGrid: GridRow | null | undefined,
    user: AuthUser,
  ): Promise<DutyValues> {
    const problems: FieldProblem[] = [];
    const pick = <K extends keyof CreateDutyBody, T>(key: K, current: T): T =>
      body[key] !== undefined ? (body[key] as T) : current;

    const categoryCode = pick('categoryCode', existing?.categoryCode ?? null);
    if (categoryCode !== null && body.categoryCode !== undefined) {
      const [category] = await dutyRepository.categories(tx, [categoryCode]);
      if (!category) {
        problems.push({
          field: '/body/categoryCode',
          zh: `事件分类「${categoryCode}」不存在`,
          en: `unknown event category "${categoryCode}"`,
        });
      }
    }

    let organisationId = existing?.organisationId ?? null;
    if (kind === 'grid') {
      if (body.departmentId !== undefined) {
        problems.push({
          field: '/body/departmentId',
          zh: '网格责任清单（自处置）不指定部门',
          en: "a grid's own list (self-handling) names no department",
        });
      }
    } else if (body.departmentId !== undefined) {
      const department = await dutyRepository.organisation(tx, body.departmentId);
      if (!department || department.kind !== 'department' || !pathRelated(user.scope, department.gridPath)) {
        problems.push({
          field: '/body/departmentId',
          zh: `职能部门 ${body.departmentId} 不存在`,
          en: `unknown department ${body.departmentId}`,
        });
      } else organisationId = department.id;
    } else if (organisationId === null) {
      problems.push({
        field: '/body/departmentId',
        zh: '部门责任清单须指定部门',
        en: 'a department list needs a department',
      });
    }

    const role = pick('role', existing?.role ?? 'lead');
    if (kind === 'grid' && role !== 'lead') {
      problems.push({
        field: '/body/role',
        zh: '网格自处置事项只能是牵头',
        en: 'a self-handled matter can only be lead',
      });
    }
    const handlingLevel = pick('handlingLevel', existing?.handlingLevel ?? null);
    if (handlingLevel !== null && !(await dutyRepository.levelExists(tx, handlingLevel))) {
      problems.push({
        field: '/body/handlingLevel',
        zh: `网格层级「${handlingLevel}」不存在`,
        en: `unknown grid level "${handlingLevel}"`,
      });
    } else if (handlingLevel === null && kind === 'grid') {
      problems.push({
        field: '/body/handlingLevel',
        zh: '网格自处置事项须指定处置层级',
        en: 'a self-handled matter needs the grid level that handles it',
      });
    }

    const validFrom = pick('from', existing?.validFrom ?? this.today());
    const validTo = pick('to', existing?.validTo ?? null);
    if (validTo !== null && validTo <= validFrom) {
      problems.push({ field: '/body/to', zh: '结束日期须晚于开始日期', en: '`to` must be after `from`' });
    }
    if (problems.length > 0) throw errors.invalid(problems);

    return {
      kind,
      gridId: scopeGrid !== undefined ? (scopeGrid?.id ?? null) : (existing?.gridId ?? null),
      categoryCode,
      organisationId: kind === 'grid' ? null : organisationId,
      role,
      handlingLevel,
      name: pick('name', existing?.name ?? ''),
      basis: pick('basis', existing?.basis ?? null),
      note: pick('note', existing?.note ?? null),
      validFrom,
      validTo,
    };
  }

  // ── routing 派遣建议 (E2) ───────────────────────────────────────────────────────────────────────────────────

  /** Where a point lies, and who answers for an event of this category there. */
  async suggest(input: {
    categoryCode: string;
    lng: number;
    lat: number;
    at?: string;
  }): Promise<SuggestionValue> {
    const located = this.deps.grids.locate(input.lng, input.lat);
    const chain = [...located].reverse();
    return this.route(
      input.categoryCode,
      chain.map((entry) => ({ id: entry.id, code: entry.code, name: entry.name, level: entry.level })),
      input.at,
    );
  }

  /** The same for an event filed in a known grid (no point). */
  async suggestForGrid(input: {
    categoryCode: string;
    gridCode: string;
    at?: string;
    scope?: Scope;
  }): Promise<SuggestionValue> {
    const grid = await this.deps.grids.get(input.gridCode, input.scope ?? Scope.everything());
    const ancestors = await gridRepository.byCodes(
      this.db,
      (await gridRepository.ancestors(this.db, grid.path)).map((row) => row.code),
    );
    const chain = [grid, ...ancestors.sort((a, b) => b.depth - a.depth)];
    return this.route(
      input.categoryCode,
      chain.map((row) => ({ id: row.id, code: row.code, name: row.name, level: row.level })),
      input.at,
    );
  }

  private async route(
    categoryCode: string,
    chain: (ChainGrid & { id: number })[],
    at?: string,
  ): Promise<SuggestionValue> {
    const codes = [...new Set([categoryCode, majorOf(categoryCode)])];
    const [rows, categories] = await Promise.all([
      dutyRepository.routingMatters(this.db, {
        gridIds: chain.map((grid) => grid.id),
        categoryCodes: codes,
        at: at ?? this.today(),
      }),
      dutyRepository.categories(this.db, [categoryCode]),
    ]);
    return routeOver(categoryCode, chain, rows, categories[0]);
  }

  /**
   * The matters valid today and the category names, for a router that routes many reports from memory
   * (src/events/duties-router.ts): `routeWith` over it answers what suggestForGrid would.
   */
  async routingTable(): Promise<RoutingTable> {
    const [rows, categories] = await Promise.all([
      dutyRepository.routingTable(this.db, this.today()),
      this.db.execute(sql`select code, name_zh as "nameZh", name_en as "nameEn" from event_categories`),
    ]);
    return {
      rows,
      categories: new Map(
        rowsOf<{ code: string; nameZh: string; nameEn: string }>(categories).map((row) => [row.code, row]),
      ),
    };
  }

  // ── key areas 重点区域 ──────────────────────────────────────────────────────────────────────────────────────

  async listKeyAreas(query: KeyAreaListQueryValue, user: AuthUser) {
    const root = query.grid !== undefined ? await this.deps.grids.get(query.grid, user.scope) : undefined;
    const { rows, total } = await dutyRepository.listKeyAreas(
      this.db,
      {
        scope: user.scope.pathCondition(sql`g.path`),
        rootPath: root?.path,
        kind: query.kind,
        organisationId: query.department,
      },
      { offset: (query.page - 1) * query.pageSize, limit: query.pageSize },
    );
    return { items: rows.map((row) => presentKeyArea(row, user.roles)), total };
  }

  async getKeyArea(id: number, user: AuthUser) {
    return presentKeyArea(await this.keyAreaInScope(this.db, id, user.scope), user.roles);
  }

  async createKeyArea(body: CreateKeyAreaBody, user: AuthUser) {
    const geometry = checkKeyAreaGeometry(body.geometry ?? null);
    const grid = await this.keyAreaGrid(body.gridCode, geometry, user.scope);
    const at = this.deps.clock.now();
    const id = await this.write(async (tx) => {
      const values = await this.keyAreaValues(tx, body, undefined, grid, geometry, user);
      const keyAreaId = await dutyRepository.insertKeyArea(tx, values, at);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'key_area.create',
          entity: 'key_area',
          entityKey: String(keyAreaId),
          gridId: grid.id,
          detail: { name: values.name, kind: values.kind, gridCode: grid.code },
        },
      ]);
      return keyAreaId;
    });
    return this.getKeyArea(id, user);
  }

  async updateKeyArea(id: number, body: UpdateKeyAreaBody, user: AuthUser) {
    const geometry = body.geometry !== undefined ? checkKeyAreaGeometry(body.geometry) : undefined;
    const existing = await this.keyAreaInScope(this.db, id, user.scope);
    const grid =
      body.gridCode !== undefined || (geometry !== undefined && geometry !== null)
        ? await this.keyAreaGrid(
            body.gridCode ?? existing.gridCode,
            geometry ?? existing.geometry,
            user.scope,
          )
        : { id: existing.gridId, code: existing.gridCode };
    const at = this.deps.clock.now();
    await this.write(async (tx) => {
      await this.keyAreaInScope(tx, id, user.scope);
      const values = await this.keyAreaValues(tx, body, existing, grid, geometry, user);
      await dutyRepository.updateKeyArea(tx, id, values, at);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'key_area.update',
          entity: 'key_area',
          entityKey: String(id),
          gridId: grid.id,
          detail: { fields: Object.keys(body).sort() },
        },
      ]);
    });
    return this.getKeyArea(id, user);
  }

  async deleteKeyArea(id: number, user: AuthUser): Promise<void> {
    const at = this.deps.clock.now();
    await this.write(async (tx) => {
      const existing = await this.keyAreaInScope(tx, id, user.scope);
      await dutyRepository.deleteKeyArea(tx, id);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'key_area.delete',
          entity: 'key_area',
          entityKey: String(id),
          gridId: existing.gridId,
          // what was removed, so the roster's history can be read back from the log
          detail: { name: existing.name, kind: existing.kind, gridCode: existing.gridCode },
        },
      ]);
    });
  }

  private async keyAreaInScope(executor: Executor, id: number, scope: Scope): Promise<KeyAreaRow> {
    const row = await dutyRepository.keyAreaById(executor, id);
    if (!row || !scope.coversPath(row.gridPath)) throw errors.notFound(KEY_AREA, String(id));
    return row;
  }

  /** The grid a key area lies in: the one named (a point must lie in it), or the smallest grid at the point. */
  private async keyAreaGrid(
    code: string | undefined,
    geometry: KeyAreaGeometry | null,
    scope: Scope,
  ): Promise<{ id: number; code: string }> {
    if (code !== undefined) {
      const grid = await this.writableGrid(code, scope, '/body/gridCode');
      if (geometry?.type === 'Point' && grid.geometry) {
        const [lng, lat] = geometry.coordinates;
        if (pointInGeometry(grid.geometry, lng, lat) > 0) {
          throw errors.invalid([
            {
              field: '/body/geometry',
              zh: `该点不在网格「${grid.code}」内`,
              en: `the point lies outside grid "${grid.code}"`,
              grids: [grid.code],
            },
          ]);
        }
      }
      return grid;
    }
    if (geometry?.type !== 'Point') {
      throw errors.invalid([
        { field: '/body/gridCode', zh: '须指定网格或给出点位', en: 'name the grid or give a point' },
      ]);
    }
    const located = this.deps.grids.locate(geometry.coordinates[0], geometry.coordinates[1]);
    const smallest = located.at(-1);
    if (!smallest) {
      throw errors.invalid([
        { field: '/body/geometry', zh: '该点不在任何网格内', en: 'the point lies in no grid' },
      ]);
    }
    return this.writableGrid(smallest.code, scope, '/body/geometry');
  }

  private async keyAreaValues(
    tx: Executor,
    body: Partial<CreateKeyAreaBody>,
    existing: KeyAreaRow | undefined,
    grid: { id: number },
    geometry: KeyAreaGeometry | null | undefined,
    user: AuthUser,
  ): Promise<KeyAreaValues> {
    const problems: FieldProblem[] = [];
    let organisationId = existing?.organisationId ?? null;
    if (body.departmentId !== undefined) {
      organisationId = body.departmentId;
      if (body.departmentId !== null) {
        const department = await dutyRepository.organisation(tx, body.departmentId);
        if (
          !department ||
          department.kind !== 'department' ||
          !pathRelated(user.scope, department.gridPath)
        ) {
          problems.push({
            field: '/body/departmentId',
            zh: `职能部门 ${body.departmentId} 不存在`,
            en: `unknown department ${body.departmentId}`,
          });
        }
      }
    }
    let personId = existing?.personId ?? null;
    if (body.personId !== undefined) {
      personId = body.personId;
      if (body.personId !== null && !(await dutyRepository.personExists(tx, body.personId))) {
        problems.push({ field: '/body/personId', zh: '人员不存在', en: 'unknown person' });
      }
    }
    if (problems.length > 0) throw errors.invalid(problems);
    return {
      name: body.name ?? existing!.name,
      kind: body.kind ?? existing!.kind,
      gridId: grid.id,
      geometry: geometry !== undefined ? geometry : (existing?.geometry ?? null),
      organisationId,
      personId,
      notes: body.notes !== undefined ? body.notes : (existing?.notes ?? null),
    };
  }

  // ── shared ───────────────────────────────────────────────────────────────────────────────────────────────

  private async writableGrid(code: string, scope: Scope, field: string): Promise<GridRow> {
    try {
      return await this.deps.grids.get(code, scope);
    } catch (error) {
      // unknown and outside the writer's scope answer alike, so grid codes cannot be probed
      if (error instanceof AppError && error.status === 404) {
        throw errors.unprocessable(
          'unknown_grid',
          `网格「${code}」不存在或不在您的管辖范围内`,
          `Grid "${code}" does not exist or is outside your grids`,
          [
            {
              field,
              zh: '网格不存在或不在管辖范围内',
              en: 'unknown grid or outside your grids',
              grids: [code],
            },
          ],
        );
      }
      throw error;
    }
  }
}

function valuesOfRow(row: DutyRow): DutyValues {
  return {
    kind: row.kind,
    gridId: row.gridId,
    categoryCode: row.categoryCode,
    organisationId: row.organisationId,
    role: row.role,
    handlingLevel: row.handlingLevel,
    name: row.name,
    basis: row.basis,
    note: row.note,
    validFrom: row.validFrom,
    validTo: row.validTo,
  };
}

function toRoutingMatter(row: DutyRow): RoutingMatter {
  return {
    id: row.id,
    kind: row.kind,
    gridCode: row.gridCode,
    categoryCode: row.categoryCode,
    department:
      row.organisationId !== null
        ? { id: row.organisationId, name: row.departmentName ?? '', nameEn: row.departmentNameEn }
        : null,
    role: row.role,
    handlingLevel: row.handlingLevel,
    name: row.name,
    basis: row.basis,
  };
}

/** A polygon is checked like a grid boundary (closed rings, no self-intersection); a point by the schema. */
function checkKeyAreaGeometry(geometry: CreateKeyAreaBody['geometry'] | null): KeyAreaGeometry | null {
  if (geometry === null || geometry === undefined) return null;
  if (geometry.type === 'Point') return geometry as KeyAreaGeometry;
  const check = validateGeometry(geometry);
  if (!check.ok) throw errors.invalid([{ field: '/body/geometry', zh: check.zh, en: check.en }]);
  return check.geometry as KeyAreaGeometry;
}

/** What routing reads, loaded once: see DutyService.routingTable. */
export interface RoutingTable {
  rows: DutyRow[];
  categories: Map<string, { code: string; nameZh: string; nameEn: string }>;
}

/** The suggestion for a category in a located chain (deepest grid first) from a routing table, without a query. */
export function routeWith(
  table: RoutingTable,
  categoryCode: string,
  chain: (ChainGrid & { id: number })[],
): SuggestionValue {
  const codes = new Set([categoryCode, majorOf(categoryCode)]);
  const ids = new Set(chain.map((grid) => grid.id));
  const rows = table.rows.filter(
    (row) =>
      (row.gridId === null || ids.has(row.gridId)) &&
      (row.categoryCode === null || codes.has(row.categoryCode)),
  );
  return routeOver(categoryCode, chain, rows, table.categories.get(categoryCode));
}

function routeOver(
  categoryCode: string,
  chain: (ChainGrid & { id: number })[],
  rows: DutyRow[],
  category: { nameZh: string; nameEn: string } | undefined,
): SuggestionValue {
  const gridChain = chain.map(({ code, name, level }) => ({ code, name, level }));
  const suggestion = suggestRoute(
    {
      categoryCode,
      categoryName: category ? { zh: category.nameZh, en: category.nameEn } : undefined,
      gridChain,
    },
    rows.map(toRoutingMatter),
  );
  if (!category) {
    suggestion.reasons.unshift({
      zh: `事件分类目录中没有「${categoryCode}」`,
      en: `The event catalogue has no category "${categoryCode}"`,
    });
  }
  return { categoryCode, grids: gridChain, ...suggestion };
}
