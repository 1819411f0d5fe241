import { sql } from 'drizzle-orm';
import { recordAudit, type Actor } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { Database, Executor } from '../core/db.js';
import { AppError, errors, PG, pgErrorCode, type FieldProblem } from '../core/errors.js';
import type { AuthUser } from '../accounts/auth.js';
import { may } from '../accounts/roles.js';
import type { Scope } from '../accounts/scope.js';
import type { GridRow } from '../grids/repository.js';
import type { GridService } from '../grids/service.js';
import { ID_NUMBER_PROBLEMS, inspectIdNumber } from './identity.js';
import { computePortrait } from './portrait.js';
import { presentPerson, presentPosition, revealsProtectedData } from './presenter.js';
import type { DataProtector } from './protection.js';
import { peopleRepository, type PersonRow, type PersonValues } from './repository.js';
import type {
  CreateOrganisationBody,
  CreatePersonBody,
  CreatePositionBody,
  PersonListQueryValue,
  PortraitValue,
  UpdatePersonBody,
} from './schema.js';

export interface PeopleServiceDeps {
  database: Database;
  clock: Clock;
  grids: GridService;
  /** Created on first use (see protection.ts lazyProtector). */
  protector: () => DataProtector;
}

/** The grids' path column in the repository's queries (grids are aliased g). */
const sqlPath = sql`g.path`;

const PERSON = { zh: '人员', en: 'Person' };
const POSITION = { zh: '岗位', en: 'Position' };

/** The calendar date in China (UTC+8, no daylight saving) of an instant: positions and memberships are by day. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function actorOf(user: AuthUser): Actor {
  return { userId: user.id, name: user.username };
}

function unknownGrid(code: string, field = '/body/gridCode'): AppError {
  // unknown and outside the writer's scope answer alike, so grid codes cannot be probed
  return errors.unprocessable(
    'unknown_grid',
    `网格「${code}」不存在或不在您的管辖范围内`,
    `Grid "${code}" does not exist or is outside your grids`,
    [{ field, zh: '网格不存在或不在管辖范围内', en: 'unknown grid or outside your grids', grids: [code] }],
  );
}

type PersonPresented = ReturnType<typeof presentPerson>;

/** Persons, households, special groups, organisations, positions and the portrait numbers (F1, G6, D1). */
export class PeopleService {
  constructor(private readonly deps: PeopleServiceDeps) {}

  private get db(): Executor {
    return this.deps.database.db;
  }

  /** Cipher and look-up hash of a value, as stored (for bulk writers: the demo seed, test factories). */
  protect(kind: 'id_number' | 'phone', value: string): { cipher: string; hash: string } {
    const protector = this.deps.protector();
    return { cipher: protector.encrypt(value), hash: protector.lookupHash(kind, value) };
  }

  /** Look-up hash of a value, without encrypting it (bulk matching in the spreadsheet import). */
  lookupHash(kind: 'id_number' | 'phone', value: string): string {
    return this.deps.protector().lookupHash(kind, value);
  }

  /** The plain value of a stored cipher, for callers that audit the reveal themselves (spreadsheet export). */
  reveal(cipher: string): string {
    return this.deps.protector().decrypt(cipher);
  }

  today(): string {
    return chinaDate(this.deps.clock.now());
  }

  // ── reading persons ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * People of a grid's subtree (or of the whole scope), paginated. Asking for full ID numbers and phones, or
   * filtering by special group, needs the permission to see them: a filter is an answer too.
   */
  async list(
    query: PersonListQueryValue,
    user: AuthUser,
  ): Promise<{ items: PersonPresented[]; total: number }> {
    this.checkReadRequest(user, query.unmask);
    if (query.specialGroup !== undefined && !may(user.roles, 'special_group.read')) {
      throw errors.forbidden('无权按特殊群体筛选', 'You may not filter by special group');
    }
    const root = query.grid !== undefined ? await this.deps.grids.get(query.grid, user.scope) : undefined;
    const protector =
      query.idNumber !== undefined || query.phone !== undefined ? this.deps.protector() : undefined;
    const { rows, total } = await peopleRepository.list(
      this.db,
      {
        rootPath: root?.path,
        scope: user.scope.pathCondition(sqlPath),
        namePrefix: query.name,
        tag: query.tag,
        specialGroup: query.specialGroup,
        idNumberHash:
          query.idNumber !== undefined ? protector!.lookupHash('id_number', query.idNumber) : undefined,
        phoneHash: query.phone !== undefined ? protector!.lookupHash('phone', query.phone) : undefined,
      },
      { offset: (query.page - 1) * query.pageSize, limit: query.pageSize },
    );
    return { items: await this.presentAndAudit(rows, user, query.unmask, 'list'), total };
  }

  /** One person; outside the reader's scope it answers 404 like a missing one. */
  async get(id: number, user: AuthUser, unmask: boolean): Promise<PersonPresented> {
    this.checkReadRequest(user, unmask);
    const row = await this.rowInScope(this.db, id, user.scope);
    const [person] = await this.presentAndAudit([row], user, unmask, 'detail');
    return person!;
  }

  private checkReadRequest(user: AuthUser, unmask: boolean): void {
    if (unmask && !may(user.roles, 'people.unmask')) {
      throw errors.forbidden('无权查看完整身份证号和手机号', 'You may not see full ID numbers and phones');
    }
  }

  private async rowInScope(executor: Executor, id: number, scope: Scope): Promise<PersonRow> {
    const row = await peopleRepository.byId(executor, id);
    if (!row || !scope.coversPath(row.gridPath)) throw errors.notFound(PERSON, String(id));
    return row;
  }

  /**
   * Present rows for this reader. Every person whose full ID number or phone leaves the server is recorded
   * (`person.unmask`: who, whose record, when) before the answer is sent; if the audit cannot be written,
   * nothing is shown.
   */
  private async presentAndAudit(
    rows: PersonRow[],
    user: AuthUser,
    unmask: boolean,
    via: 'list' | 'detail',
  ): Promise<PersonPresented[]> {
    const memberships = may(user.roles, 'special_group.read')
      ? await peopleRepository.memberships(
          this.db,
          rows.map((row) => row.id),
        )
      : [];
    const needsKey = rows.some((row) => row.idNumberCipher !== null || row.phoneCipher !== null);
    const decrypt = needsKey
      ? (cipher: string) => this.deps.protector().decrypt(cipher)
      : () => {
          throw new Error('no cipher to decrypt');
        };
    const items = rows.map((row) => presentPerson(row, memberships, { roles: user.roles, unmask, decrypt }));
    const revealed = rows.filter((row) => revealsProtectedData(row, user.roles, unmask));
    if (revealed.length > 0) {
      await recordAudit(
        this.db,
        actorOf(user),
        this.deps.clock.now(),
        revealed.map((row) => ({
          action: 'person.unmask',
          entity: 'person',
          entityKey: String(row.id),
          gridId: row.gridId,
          detail: {
            fields: [
              ...(row.idNumberCipher !== null ? ['idNumber'] : []),
              ...(row.phoneCipher !== null ? ['phone'] : []),
            ],
            via,
          },
        })),
      );
    }
    return items;
  }

  // ── writing persons ────────────────────────────────────────────────────────────────────────────────────────

  async create(body: CreatePersonBody, user: AuthUser): Promise<PersonPresented> {
    if (body.specialGroups !== undefined) this.checkSpecialGroupWrite(user);
    const at = this.deps.clock.now();
    // grids are read before the transaction opens: on PGlite's single connection a read outside an open
    // transaction would wait for it forever
    const grid = await this.writableGrid(body.gridCode, user.scope);
    const id = await this.transaction(async (tx) => {
      const values = await this.valuesOf(tx, body, grid, undefined, at);
      const personId = await peopleRepository.insert(tx, values, at);
      if (values.householdId !== null && body.householdHead) {
        await peopleRepository.setHouseholdHead(tx, values.householdId, personId, at);
      }
      for (const group of body.specialGroups ?? [])
        await peopleRepository.addMembership(tx, personId, group, at);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'person.create',
          entity: 'person',
          entityKey: String(personId),
          gridId: grid.id,
          // field names, never values: the audit log is read by more roles than the roster
          detail: { gridCode: grid.code, fields: changedFields(body) },
        },
      ]);
      return personId;
    });
    return this.get(id, user, false);
  }

  async update(id: number, body: UpdatePersonBody, user: AuthUser): Promise<PersonPresented> {
    if (body.specialGroups !== undefined) this.checkSpecialGroupWrite(user);
    const at = this.deps.clock.now();
    const target =
      body.gridCode !== undefined ? await this.writableGrid(body.gridCode, user.scope) : undefined;
    await this.transaction(async (tx) => {
      const existing = await this.rowInScope(tx, id, user.scope);
      const grid = target ?? { id: existing.gridId, code: existing.gridCode };
      const values = await this.valuesOf(tx, body, grid, existing, at);
      await peopleRepository.update(tx, id, values, at);
      if (values.householdId !== null && body.householdHead) {
        await peopleRepository.setHouseholdHead(tx, values.householdId, id, at);
      }
      if (body.specialGroups !== undefined) {
        const current = (await peopleRepository.memberships(tx, [id])).map((row) => row.group);
        const wanted = new Set(body.specialGroups.map((group) => group.group));
        await peopleRepository.endMemberships(
          tx,
          id,
          current.filter((group) => !wanted.has(group)),
          chinaDate(at),
        );
        for (const group of body.specialGroups) {
          if (!current.includes(group.group)) await peopleRepository.addMembership(tx, id, group, at);
        }
      }
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'person.update',
          entity: 'person',
          entityKey: String(id),
          gridId: grid.id,
          detail: { fields: changedFields(body) },
        },
      ]);
    });
    return this.get(id, user, false);
  }

  /** Link a user account to the person it belongs to (null unlinks). */
  async linkUser(personId: number, userId: number | null, user: AuthUser): Promise<void> {
    const at = this.deps.clock.now();
    await this.transaction(async (tx) => {
      const row = await this.rowInScope(tx, personId, user.scope);
      if (userId !== null && !(await peopleRepository.userExists(tx, userId))) {
        throw errors.unprocessable('unknown_user', `用户 ${userId} 不存在`, `User ${userId} does not exist`, [
          { field: '/body/userId', zh: '用户不存在', en: 'unknown user' },
        ]);
      }
      await peopleRepository.linkUser(tx, personId, userId);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'person.link_user',
          entity: 'person',
          entityKey: String(personId),
          gridId: row.gridId,
          detail: { userId },
        },
      ]);
    });
  }

  async linkedUser(personId: number, user: AuthUser): Promise<number | null> {
    await this.rowInScope(this.db, personId, user.scope);
    return peopleRepository.linkedUser(this.db, personId);
  }

  private checkSpecialGroupWrite(user: AuthUser): void {
    if (!may(user.roles, 'special_group.read')) {
      throw errors.forbidden('无权登记特殊群体', 'You may not record special-group membership');
    }
  }

  private async writableGrid(code: string, scope: Scope): Promise<GridRow> {
    try {
      return await this.deps.grids.get(code, scope);
    } catch (error) {
      if (error instanceof AppError && error.status === 404) throw unknownGrid(code);
      throw error;
    }
  }

  /**
   * The stored columns of a person after applying `body` to `existing` (none for a new person). Every bad
   * field is reported at once, before anything is written.
   */
  private async valuesOf(
    tx: Executor,
    body: CreatePersonBody | UpdatePersonBody,
    grid: { id: number; code: string },
    existing: PersonRow | undefined,
    at: Date,
  ): Promise<PersonValues> {
    const problems: FieldProblem[] = [];
    let gender = body.gender ?? existing?.gender ?? null;
    let birthDate = body.birthDate !== undefined ? body.birthDate : (existing?.birthDate ?? null);

    let idNumberCipher = existing?.idNumberCipher ?? null;
    let idNumberHash: string | null = null;
    let phoneCipher = existing?.phoneCipher ?? null;
    let phoneHash: string | null = null;
    if (existing) {
      const hashes = await peopleRepository.hashes(tx, existing.id);
      idNumberHash = hashes?.idNumberHash ?? null;
      phoneHash = hashes?.phoneHash ?? null;
    }

    if (body.idNumber === null) {
      idNumberCipher = null;
      idNumberHash = null;
    } else if (body.idNumber !== undefined) {
      const idNumber = body.idNumber.trim().toUpperCase();
      const inspected = inspectIdNumber(idNumber);
      if (!inspected.ok) {
        const problem = ID_NUMBER_PROBLEMS[inspected.problem];
        problems.push({ field: '/body/idNumber', zh: problem.zh, en: problem.en });
      } else {
        // the ID number carries birth date and sex; a form that says otherwise has a typo somewhere
        if (body.birthDate && body.birthDate !== inspected.facts.birthDate) {
          problems.push({
            field: '/body/birthDate',
            zh: '出生日期与身份证号不一致',
            en: 'the birth date differs from the one in the ID number',
          });
        }
        if (body.gender && body.gender !== inspected.facts.gender) {
          problems.push({
            field: '/body/gender',
            zh: '性别与身份证号不一致',
            en: 'the gender differs from the one in the ID number',
          });
        }
        birthDate = inspected.facts.birthDate;
        gender = inspected.facts.gender;
        const protector = this.deps.protector();
        idNumberCipher = protector.encrypt(idNumber);
        idNumberHash = protector.lookupHash('id_number', idNumber);
      }
    }
    if (body.phone === null) {
      phoneCipher = null;
      phoneHash = null;
    } else if (body.phone !== undefined) {
      const protector = this.deps.protector();
      phoneCipher = protector.encrypt(body.phone);
      phoneHash = protector.lookupHash('phone', body.phone);
    }

    if (body.specialGroups !== undefined) {
      const known = new Set(await peopleRepository.specialGroupKeys(tx));
      const seen = new Set<string>();
      body.specialGroups.forEach((group, i) => {
        if (!known.has(group.group)) {
          problems.push({
            field: `/body/specialGroups/${i}/group`,
            zh: `特殊群体「${group.group}」不存在`,
            en: `unknown special group "${group.group}"`,
          });
        } else if (seen.has(group.group)) {
          problems.push({
            field: `/body/specialGroups/${i}/group`,
            zh: '特殊群体重复',
            en: 'special group given twice',
          });
        }
        seen.add(group.group);
      });
    }

    // building, unit and room: the building must stand in the person's grid
    const moved =
      body.gridCode !== undefined && existing !== undefined && body.gridCode !== existing.gridCode;
    const buildingCode =
      body.buildingCode !== undefined ? body.buildingCode : moved ? null : (existing?.buildingCode ?? null);
    const unit = body.unit !== undefined ? body.unit : moved ? null : (existing?.unit ?? null);
    let buildingId: number | null = null;
    let buildingUnitId: number | null = null;
    if (buildingCode !== null) {
      const building = await peopleRepository.building(tx, buildingCode, unit ?? undefined);
      if (!building || building.gridId !== grid.id) {
        problems.push({
          field: '/body/buildingCode',
          zh: `楼栋「${buildingCode}」不在网格「${grid.code}」内`,
          en: `building "${buildingCode}" is not in grid "${grid.code}"`,
          grids: [grid.code],
        });
      } else {
        buildingId = building.id;
        if (unit !== null && building.unitId === null) {
          problems.push({
            field: '/body/unit',
            zh: `楼栋「${buildingCode}」没有「${unit}」`,
            en: `building "${buildingCode}" has no unit "${unit}"`,
          });
        }
        buildingUnitId = building.unitId;
      }
    } else if (unit !== null && body.unit !== undefined) {
      problems.push({ field: '/body/unit', zh: '填写单元时须填写楼栋', en: 'a unit needs a building' });
    }
    const room = body.room !== undefined ? body.room : moved ? null : (existing?.room ?? null);

    if (problems.length > 0) throw errors.invalid(problems);

    const householdNumber =
      body.householdNumber !== undefined
        ? body.householdNumber
        : moved
          ? null
          : (existing?.householdNumber ?? null);
    const householdId =
      householdNumber === null
        ? null
        : await peopleRepository.household(
            tx,
            { gridId: grid.id, number: householdNumber, buildingId, unitId: buildingUnitId, room },
            at,
          );

    return {
      name: body.name ?? existing!.name,
      gender,
      birthDate,
      idNumberCipher,
      idNumberHash,
      phoneCipher,
      phoneHash,
      address: body.address !== undefined ? body.address : (existing?.address ?? null),
      politicalStatus: body.politicalStatus ?? existing?.politicalStatus ?? 'masses',
      tags: body.tags ?? existing?.tags ?? [],
      gridId: grid.id,
      householdId,
      buildingId,
      buildingUnitId,
      room,
    };
  }

  /** One transaction per command; a unique ID number taken twice is a conflict with its own code. */
  private async transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    try {
      return await this.deps.database.db.transaction(work);
    } catch (error) {
      if (pgErrorCode(error) === PG.uniqueViolation) {
        throw errors.conflict(
          'duplicate_id_number',
          '该身份证号已登记（一人一档）',
          'A person with this ID number is already recorded (one record per person)',
        );
      }
      throw error;
    }
  }

  // ── organisations ──────────────────────────────────────────────────────────────────────────────────────────

  async createOrganisation(body: CreateOrganisationBody, user: AuthUser) {
    const at = this.deps.clock.now();
    const grid = await this.writableGrid(body.gridCode, user.scope);
    const id = await this.deps.database.db.transaction(async (tx) => {
      const organisationId = await peopleRepository.insertOrganisation(
        tx,
        {
          name: body.name,
          kind: body.kind,
          gridId: grid.id,
          address: body.address ?? null,
          creditCode: body.creditCode ?? null,
        },
        at,
      );
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'organisation.create',
          entity: 'organisation',
          entityKey: String(organisationId),
          gridId: grid.id,
          detail: { name: body.name, kind: body.kind },
        },
      ]);
      return organisationId;
    });
    const { rows } = await peopleRepository.listOrganisations(
      this.db,
      { scope: user.scope.pathCondition(sqlPath), id },
      { offset: 0, limit: 1 },
    );
    return rows[0]!;
  }

  async listOrganisations(
    query: { grid?: string; kind?: string; page: number; pageSize: number },
    scope: Scope,
  ): Promise<{
    items: Awaited<ReturnType<typeof peopleRepository.listOrganisations>>['rows'];
    total: number;
  }> {
    const root = query.grid !== undefined ? await this.deps.grids.get(query.grid, scope) : undefined;
    const { rows, total } = await peopleRepository.listOrganisations(
      this.db,
      { rootPath: root?.path, scope: scope.pathCondition(sqlPath), kind: query.kind },
      { offset: (query.page - 1) * query.pageSize, limit: query.pageSize },
    );
    return { items: rows, total };
  }

  // ── positions 岗位 ─────────────────────────────────────────────────────────────────────────────────────────

  async createPosition(gridCode: string, body: CreatePositionBody, user: AuthUser) {
    const grid = await this.deps.grids.get(gridCode, user.scope);
    const at = this.deps.clock.now();
    const id = await this.deps.database.db.transaction(async (tx) => {
      const problems: FieldProblem[] = [];
      if (body.personId === undefined && body.userId === undefined) {
        problems.push({
          field: '/body/personId',
          zh: '须指定人员或用户',
          en: 'a position needs a person or a user',
        });
      }
      if (body.personId !== undefined && !(await peopleRepository.personExists(tx, body.personId))) {
        problems.push({ field: '/body/personId', zh: '人员不存在', en: 'unknown person' });
      }
      if (body.userId !== undefined && !(await peopleRepository.userExists(tx, body.userId))) {
        problems.push({ field: '/body/userId', zh: '用户不存在', en: 'unknown user' });
      }
      if (body.to !== undefined && body.to <= body.from) {
        problems.push({ field: '/body/to', zh: '结束日期须晚于开始日期', en: '`to` must be after `from`' });
      }
      const needsBuilding = body.kind === 'building_leader' || body.kind === 'unit_leader';
      let buildingId: number | null = null;
      let buildingUnitId: number | null = null;
      if (needsBuilding && body.buildingCode === undefined) {
        problems.push({
          field: '/body/buildingCode',
          zh: '楼栋长、单元长须指定楼栋',
          en: 'building and unit leaders need a building',
        });
      }
      if (body.kind === 'unit_leader' && body.unit === undefined) {
        problems.push({ field: '/body/unit', zh: '单元长须指定单元', en: 'a unit leader needs a unit' });
      }
      if (body.buildingCode !== undefined) {
        const building = await peopleRepository.building(tx, body.buildingCode, body.unit);
        const buildingGrid = building ? await this.gridPathOf(tx, building.gridId) : undefined;
        if (!building || !buildingGrid || !buildingGrid.startsWith(grid.path)) {
          problems.push({
            field: '/body/buildingCode',
            zh: `楼栋「${body.buildingCode}」不在网格「${grid.code}」内`,
            en: `building "${body.buildingCode}" is not in grid "${grid.code}"`,
            grids: [grid.code],
          });
        } else {
          buildingId = building.id;
          buildingUnitId = building.unitId;
          if (body.unit !== undefined && building.unitId === null) {
            problems.push({ field: '/body/unit', zh: '单元不存在', en: 'unknown unit' });
          }
        }
      }
      if (problems.length > 0) throw errors.invalid(problems);
      const positionId = await peopleRepository.insertPosition(
        tx,
        {
          gridId: grid.id,
          kind: body.kind,
          duty: body.duty ?? null,
          personId: body.personId ?? null,
          userId: body.userId ?? null,
          buildingId,
          buildingUnitId,
          validFrom: body.from,
          validTo: body.to ?? null,
        },
        at,
      );
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'position.create',
          entity: 'position',
          entityKey: String(positionId),
          gridId: grid.id,
          detail: {
            kind: body.kind,
            personId: body.personId ?? null,
            userId: body.userId ?? null,
            from: body.from,
            to: body.to ?? null,
          },
        },
      ]);
      return positionId;
    });
    const [row] = await peopleRepository.positions(this.db, { ids: [id] });
    return presentPosition(row!);
  }

  /** End a position: `to` is the first day it is no longer held. The row stays for the history. */
  async endPosition(id: number, to: string, user: AuthUser) {
    const at = this.deps.clock.now();
    await this.deps.database.db.transaction(async (tx) => {
      const row = await peopleRepository.positionForUpdate(tx, id);
      if (!row || !user.scope.coversPath(row.gridPath)) throw errors.notFound(POSITION, String(id));
      if (row.validTo !== null) {
        throw errors.conflict(
          'position_ended',
          `岗位已于 ${row.validTo} 结束`,
          `The position already ended on ${row.validTo}`,
        );
      }
      if (to <= row.validFrom) {
        throw errors.unprocessable(
          'position_dates',
          `结束日期须晚于开始日期 ${row.validFrom}`,
          `The end must be after the start ${row.validFrom}`,
          [{ field: '/body/to', zh: '结束日期须晚于开始日期', en: '`to` must be after `from`' }],
        );
      }
      await peopleRepository.endPosition(tx, id, to, at);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'position.end',
          entity: 'position',
          entityKey: String(id),
          gridId: row.gridId,
          detail: { to },
        },
      ]);
    });
    const [row] = await peopleRepository.positions(this.db, { ids: [id] });
    return presentPosition(row!);
  }

  /** Who held what in a grid (or its subtree) on a date (default today), or the whole history. */
  async positions(
    gridCode: string,
    query: { at?: string; subtree: boolean; history: boolean },
    scope: Scope,
  ) {
    const grid = await this.deps.grids.get(gridCode, scope);
    const rows = await peopleRepository.positions(this.db, {
      ...(query.subtree ? { rootPath: grid.path } : { gridId: grid.id }),
      ...(query.history ? {} : { at: query.at ?? this.today() }),
    });
    return rows.map(presentPosition);
  }

  private async gridPathOf(tx: Executor, gridId: number): Promise<string | undefined> {
    const rows = await tx.query.grids.findFirst({
      columns: { path: true },
      where: (g, { eq }) => eq(g.id, gridId),
    });
    return rows?.path;
  }

  // ── portrait 网格画像 ──────────────────────────────────────────────────────────────────────────────────────

  async portrait(gridCode: string, scope: Scope, at?: string): Promise<PortraitValue> {
    const grid = await this.deps.grids.get(gridCode, scope);
    return computePortrait(this.db, grid, at ?? this.today());
  }
}

/** Names of the fields a write sets, for the audit detail (special groups left out: membership is sensitive). */
function changedFields(body: CreatePersonBody | UpdatePersonBody): string[] {
  return Object.keys(body)
    .filter((key) => key !== 'specialGroups')
    .sort();
}
