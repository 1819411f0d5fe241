import { sql } from 'drizzle-orm';
import { recordAudit, type Actor, type AuditEntry } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database, type Executor } from '../core/db.js';
import { errors, PG, pgErrorCode, type FieldProblem } from '../core/errors.js';
import type { AuthUser } from '../accounts/auth.js';
import type { Role } from '../accounts/roles.js';
import type { Scope } from '../accounts/scope.js';
import type { GridService } from '../grids/service.js';
import { maskName, maskPhone, visibility } from '../people/masking.js';
import type { DataProtector } from '../people/protection.js';
import { chinaDate } from '../people/service.js';
import {
  partyRepository,
  type ContactRow,
  type MemberRow,
  type OrganisationRow,
  type RegistrationRow,
  type StrengthRow,
  type UnitRow,
} from './repository.js';
import type {
  AddAllianceMemberBody,
  CreateAllianceBody,
  CreateCoBuildingUnitBody,
  CreatePartyMemberBody,
  CreatePartyOrganisationBody,
  CreateRegistrationBody,
  CreateServiceRecordBody,
  PartyOrganisationKind,
  StrengthInputValue,
  UpdateCoBuildingUnitBody,
  UpdatePartyOrganisationBody,
} from './schema.js';

export interface PartyServiceDeps {
  database: Database;
  clock: Clock;
  grids: GridService;
  protector: () => DataProtector;
}

const ORGANISATION = { zh: '党组织', en: 'Party organisation' };
const MEMBER = { zh: '党员任职', en: 'Party membership' };
const REGISTRATION = { zh: '在职党员报到', en: 'In-service registration' };
const UNIT = { zh: '共驻共建单位', en: 'Co-building unit' };
const ALLIANCE = { zh: '红色党建联盟', en: 'Party-building alliance' };
const STRENGTH = { zh: '所能所长', en: 'Strength' };

/**
 * Which kinds an organisation of each kind may sit under (001's vertical line 社区大党委 → 网格党支部 → 楼栋党小组 →
 * 党员中心户; special branches beside the grid branches). `null` means it may be a root.
 */
export const ALLOWED_PARENTS: Record<PartyOrganisationKind, readonly (PartyOrganisationKind | null)[]> = {
  community_committee: [null, 'community_committee'],
  grid_branch: ['community_committee'],
  special_branch: ['community_committee'],
  building_group: ['grid_branch', 'special_branch'],
  member_household: ['building_group', 'grid_branch'],
};

const PARTY_STATUSES = ['cpc_member', 'cpc_probationary'];

function actorOf(user: AuthUser): Actor {
  return { userId: user.id, name: user.username };
}

interface GridRef {
  id: number;
  code: string;
  name: string;
  level: string;
  path: string;
}

function nameFor(roles: readonly Role[], name: string): string {
  return visibility(roles, 'name') === 'full' ? name : maskName(name);
}

/** 党组织, 党员, 在职党员报到, 共驻共建单位, 红色党建联盟 (F3, G4). Every write is audited in its transaction. */
export class PartyService {
  constructor(private readonly deps: PartyServiceDeps) {}

  private get db(): Executor {
    return this.deps.database.db;
  }

  today(): string {
    return chinaDate(this.deps.clock.now());
  }

  /** A grid by code read through `executor` (inside a transaction on PGlite's single connection). */
  private async grid(executor: Executor, code: string, scope: Scope, field?: string): Promise<GridRef> {
    const [row] = rowsOf<GridRef & { retired: boolean }>(
      await executor.execute(sql`select id, code, name, level, path, retired_at is not null as retired
        from grids where code = ${code}`),
    );
    if (!row || row.retired || !scope.coversPath(row.path)) {
      if (field === undefined) throw errors.notFound({ zh: '网格', en: 'Grid' }, code);
      // unknown and outside the writer's scope answer alike, so grid codes cannot be probed
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
    return row;
  }

  private async write<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(work);
    } catch (error) {
      if (pgErrorCode(error) === PG.uniqueViolation) {
        throw errors.conflict('duplicate', '记录已存在', 'A record with the same key already exists');
      }
      throw error;
    }
  }

  private async audit(tx: Executor, user: AuthUser, entries: AuditEntry[]): Promise<void> {
    await recordAudit(tx, actorOf(user), this.deps.clock.now(), entries);
  }

  // ── organisations 党组织 ───────────────────────────────────────────────────────────────────────────────────────

  /** The organisations linked to a grid's subtree (or to all the reader's grids), depth-first. */
  async tree(query: { grid?: string; kind?: string; retired: boolean }, user: AuthUser) {
    const root = query.grid !== undefined ? await this.grid(this.db, query.grid, user.scope) : undefined;
    const rows = await partyRepository.organisations(this.db, {
      gridPath: root?.path,
      scope: user.scope.pathCondition(sql`g.path`),
      kind: query.kind,
      retired: query.retired ? undefined : false,
    });
    return { items: rows.map(presentOrganisation) };
  }

  async organisation(id: number, user: AuthUser, executor: Executor = this.db): Promise<OrganisationRow> {
    const [row] = await partyRepository.organisations(executor, { ids: [id] });
    if (!row || !user.scope.coversPath(row.gridPath)) throw errors.notFound(ORGANISATION, String(id));
    return row;
  }

  async getOrganisation(id: number, user: AuthUser) {
    return presentOrganisation(await this.organisation(id, user));
  }

  async createOrganisation(body: CreatePartyOrganisationBody, user: AuthUser) {
    const id = await this.write(async (tx) => {
      const grid = await this.grid(tx, body.gridCode, user.scope, '/body/gridCode');
      const parent = body.parentId !== undefined ? await this.parentFor(tx, body.parentId, user) : undefined;
      const problems = this.placementProblems(body.kind, parent, grid);
      let buildingId: number | null = null;
      let householdId: number | null = null;
      if (body.kind === 'building_group') {
        if (body.buildingCode === undefined) {
          problems.push({
            field: '/body/buildingCode',
            zh: '楼栋党小组须指定楼栋',
            en: 'a building group needs a building',
          });
        } else {
          const [building] = rowsOf<{ id: number; path: string }>(
            await tx.execute(sql`select b.id, g.path from buildings b join grids g on g.id = b.grid_id
              where b.code = ${body.buildingCode}`),
          );
          if (!building || !building.path.startsWith(grid.path)) {
            problems.push({
              field: '/body/buildingCode',
              zh: `楼栋「${body.buildingCode}」不在网格「${grid.code}」内`,
              en: `building "${body.buildingCode}" is not in grid "${grid.code}"`,
              grids: [grid.code],
            });
          } else buildingId = building.id;
        }
      }
      if (body.kind === 'member_household') {
        if (body.householdId === undefined) {
          problems.push({
            field: '/body/householdId',
            zh: '党员中心户须指定户',
            en: 'a party-member household needs a household',
          });
        } else {
          const [household] = rowsOf<{ id: number; path: string }>(
            await tx.execute(sql`select h.id, g.path from households h join grids g on g.id = h.grid_id
              where h.id = ${body.householdId}`),
          );
          if (!household || !household.path.startsWith(grid.path)) {
            problems.push({
              field: '/body/householdId',
              zh: `该户不在网格「${grid.code}」内`,
              en: `the household is not in grid "${grid.code}"`,
              grids: [grid.code],
            });
          } else householdId = household.id;
        }
      }
      if (problems.length > 0) throw errors.invalid(problems);
      const at = this.deps.clock.now();
      const [row] = rowsOf<{ id: number }>(
        await tx.execute(sql`
          insert into party_organisations (name, kind, parent_id, depth, path, grid_id, building_id, household_id,
            created_at, updated_at)
          values (${body.name}, ${body.kind}, ${parent?.id ?? null}, ${parent ? parent.depth + 1 : 0}, '/',
            ${grid.id}, ${buildingId}, ${householdId}, ${at}, ${at})
          returning id`),
      );
      const path = `${parent?.path ?? '/'}${row!.id}/`;
      await tx.execute(sql`update party_organisations set path = ${path} where id = ${row!.id}`);
      await this.audit(tx, user, [
        {
          action: 'party_organisation.create',
          entity: 'party_organisation',
          entityKey: String(row!.id),
          gridId: grid.id,
          detail: { name: body.name, kind: body.kind, parentId: parent?.id ?? null, gridCode: grid.code },
        },
      ]);
      return row!.id;
    });
    return this.getOrganisation(id, user);
  }

  private async parentFor(tx: Executor, parentId: number, user: AuthUser): Promise<OrganisationRow> {
    const [parent] = await partyRepository.organisations(tx, { ids: [parentId] });
    if (!parent || !user.scope.coversPath(parent.gridPath) || parent.retiredOn !== null) {
      throw errors.invalid([
        {
          field: '/body/parentId',
          zh: '上级党组织不存在或已撤销',
          en: 'unknown or retired parent organisation',
        },
      ]);
    }
    return parent;
  }

  /** The kind rule (ALLOWED_PARENTS) and the grid rule: an organisation's grid lies inside its parent's grid. */
  private placementProblems(
    kind: string,
    parent: OrganisationRow | undefined,
    grid: GridRef,
  ): FieldProblem[] {
    const problems: FieldProblem[] = [];
    const allowed = ALLOWED_PARENTS[kind as PartyOrganisationKind];
    if (!allowed.includes((parent?.kind ?? null) as PartyOrganisationKind | null)) {
      problems.push({
        field: '/body/parentId',
        zh: parent ? `「${kind}」不能设在「${parent.kind}」之下` : `「${kind}」须有上级党组织`,
        en: parent ? `a ${kind} cannot sit under a ${parent.kind}` : `a ${kind} needs a parent organisation`,
      });
    }
    if (parent && !grid.path.startsWith(parent.gridPath)) {
      problems.push({
        field: '/body/gridCode',
        zh: `网格「${grid.code}」不在上级党组织的网格「${parent.gridCode}」内`,
        en: `grid "${grid.code}" is not inside the parent's grid "${parent.gridCode}"`,
        grids: [grid.code, parent.gridCode],
      });
    }
    return problems;
  }

  /** Rename, move under another organisation (the subtree moves along), or re-link to another grid. */
  async updateOrganisation(id: number, body: UpdatePartyOrganisationBody, user: AuthUser) {
    await this.write(async (tx) => {
      const row = await this.organisation(id, user, tx);
      if (row.retiredOn !== null) {
        throw errors.conflict(
          'organisation_retired',
          `党组织已于 ${row.retiredOn} 撤销`,
          `Retired on ${row.retiredOn}`,
        );
      }
      const grid =
        body.gridCode !== undefined
          ? await this.grid(tx, body.gridCode, user.scope, '/body/gridCode')
          : { id: row.gridId, code: row.gridCode, name: row.gridName, level: '', path: row.gridPath };
      const moving = body.parentId !== undefined && body.parentId !== row.parentId;
      const parent =
        body.parentId !== undefined
          ? await this.parentFor(tx, body.parentId, user)
          : row.parentId !== null
            ? (await partyRepository.organisations(tx, { ids: [row.parentId] }))[0]
            : undefined;
      const problems =
        moving || body.gridCode !== undefined ? this.placementProblems(row.kind, parent, grid) : [];
      if (moving && parent && parent.path.startsWith(row.path)) {
        problems.push({
          field: '/body/parentId',
          zh: '不能移到自身或下级党组织之下',
          en: 'an organisation cannot move under itself or its descendants',
        });
      }
      if (body.gridCode !== undefined) {
        // the organisations below stay inside the new grid
        const [outside] = rowsOf<{ n: number }>(
          await tx.execute(sql`select count(*)::int as n from party_organisations o join grids g on g.id = o.grid_id
            where o.path like ${`${row.path}%`} and o.id <> ${id} and o.retired_on is null
              and g.path not like ${`${grid.path}%`}`),
        );
        if (outside!.n > 0) {
          problems.push({
            field: '/body/gridCode',
            zh: `有 ${outside!.n} 个下级党组织不在网格「${grid.code}」内`,
            en: `${outside!.n} organisations below would lie outside grid "${grid.code}"`,
            grids: [grid.code],
          });
        }
      }
      if (problems.length > 0) throw errors.invalid(problems);
      const at = this.deps.clock.now();
      if (moving) {
        const newPath = `${parent!.path}${id}/`;
        const delta = parent!.depth + 1 - row.depth;
        await tx.execute(sql`update party_organisations
          set path = ${newPath} || substr(path, ${row.path.length + 1}), depth = depth + ${delta}, updated_at = ${at}
          where path like ${`${row.path}%`}`);
        await tx.execute(sql`update party_organisations set parent_id = ${parent!.id} where id = ${id}`);
      }
      await tx.execute(sql`update party_organisations
        set name = ${body.name ?? row.name}, grid_id = ${grid.id}, updated_at = ${at} where id = ${id}`);
      await this.audit(tx, user, [
        {
          action: 'party_organisation.update',
          entity: 'party_organisation',
          entityKey: String(id),
          gridId: grid.id,
          detail: {
            fields: Object.keys(body).sort(),
            ...(moving ? { from: row.parentId, to: body.parentId } : {}),
          },
        },
      ]);
    });
    return this.getOrganisation(id, user);
  }

  /** Retire (撤销) an organisation: only when nothing below it is active and it has no current members. */
  async retireOrganisation(id: number, on: string, user: AuthUser) {
    await this.write(async (tx) => {
      const row = await this.organisation(id, user, tx);
      if (row.retiredOn !== null) {
        throw errors.conflict(
          'organisation_retired',
          `党组织已于 ${row.retiredOn} 撤销`,
          `Retired on ${row.retiredOn}`,
        );
      }
      const [children] = rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from party_organisations
          where parent_id = ${id} and retired_on is null`),
      );
      if (children!.n > 0) {
        throw errors.conflict(
          'organisation_has_children',
          `还有 ${children!.n} 个下级党组织，须先撤销或移走`,
          `${children!.n} organisations below are still active; retire or move them first`,
        );
      }
      if (row.members > 0) {
        throw errors.conflict(
          'organisation_has_members',
          `还有 ${row.members} 名党员，须先转出`,
          `${row.members} members still belong to it; end their membership first`,
        );
      }
      await tx.execute(sql`update party_organisations set retired_on = ${on}, updated_at = ${this.deps.clock.now()}
        where id = ${id}`);
      await this.audit(tx, user, [
        {
          action: 'party_organisation.retire',
          entity: 'party_organisation',
          entityKey: String(id),
          gridId: row.gridId,
          detail: { on },
        },
      ]);
    });
    return this.getOrganisation(id, user);
  }

  // ── members 党员 ───────────────────────────────────────────────────────────────────────────────────────────────

  async members(id: number, query: { history: boolean; subtree: boolean }, user: AuthUser) {
    const organisation = await this.organisation(id, user);
    const rows = await partyRepository.members(this.db, {
      ...(query.subtree ? { organisationPath: organisation.path } : { organisationId: id }),
      current: !query.history,
    });
    return { items: rows.map((row) => presentMember(row, user.roles)) };
  }

  async addMember(organisationId: number, body: CreatePartyMemberBody, user: AuthUser) {
    const id = await this.write(async (tx) => {
      const organisation = await this.organisation(organisationId, user, tx);
      if (organisation.retiredOn !== null) {
        throw errors.conflict('organisation_retired', '党组织已撤销', 'The organisation is retired');
      }
      const problems: FieldProblem[] = [];
      const person = await partyRepository.person(tx, body.personId);
      if (!person) problems.push({ field: '/body/personId', zh: '人员不存在', en: 'unknown person' });
      else if (!PARTY_STATUSES.includes(person.politicalStatus)) {
        problems.push({
          field: '/body/personId',
          zh: '该人员的政治面貌不是中共党员或预备党员',
          en: 'the person is not recorded as a party member (political status)',
        });
      }
      if (body.joinedPartyOn !== undefined && body.joinedPartyOn > body.since) {
        problems.push({
          field: '/body/joinedPartyOn',
          zh: '入党日期晚于任职日期',
          en: 'joined the party after `since`',
        });
      }
      if (problems.length > 0) throw errors.invalid(problems);
      const [current] = rowsOf<{ id: number }>(
        await tx.execute(sql`select id from party_members
          where organisation_id = ${organisationId} and person_id = ${body.personId} and until is null`),
      );
      if (current) {
        throw errors.conflict('already_member', '该党员已在本组织', 'The person is already a member of it', {
          memberId: current.id,
        });
      }
      const [row] = rowsOf<{ id: number }>(
        await tx.execute(sql`insert into party_members (organisation_id, person_id, role, joined_party_on, since, created_at)
          values (${organisationId}, ${body.personId}, ${body.role}, ${body.joinedPartyOn ?? null}, ${body.since},
            ${this.deps.clock.now()}) returning id`),
      );
      await this.audit(tx, user, [
        {
          action: 'party_member.create',
          entity: 'party_member',
          entityKey: String(row!.id),
          gridId: organisation.gridId,
          detail: { organisationId, personId: body.personId, role: body.role, since: body.since },
        },
      ]);
      return row!.id;
    });
    const [row] = await partyRepository.members(this.db, { ids: [id] });
    return presentMember(row!, user.roles);
  }

  async endMember(id: number, until: string, user: AuthUser) {
    await this.write(async (tx) => {
      const [row] = await partyRepository.members(tx, { ids: [id] });
      if (!row || !user.scope.coversPath(row.gridPath)) throw errors.notFound(MEMBER, String(id));
      if (row.until !== null) {
        throw errors.conflict('member_ended', `已于 ${row.until} 结束`, `Already ended on ${row.until}`);
      }
      if (until <= row.since) {
        throw errors.unprocessable(
          'member_dates',
          `结束日期须晚于 ${row.since}`,
          `The end must be after ${row.since}`,
          [{ field: '/body/until', zh: '结束日期须晚于开始日期', en: '`until` must be after `since`' }],
        );
      }
      await tx.execute(sql`update party_members set until = ${until} where id = ${id}`);
      await this.audit(tx, user, [
        { action: 'party_member.end', entity: 'party_member', entityKey: String(id), detail: { until } },
      ]);
    });
    const [row] = await partyRepository.members(this.db, { ids: [id] });
    return presentMember(row!, user.roles);
  }

  // ── in-service registrations 在职党员进社区报到 ──────────────────────────────────────────────────────────────────

  async registrations(query: { grid?: string }, user: AuthUser) {
    const root = query.grid !== undefined ? await this.grid(this.db, query.grid, user.scope) : undefined;
    const rows = await partyRepository.registrations(this.db, {
      gridPath: root?.path,
      scope: user.scope.pathCondition(sql`g.path`),
    });
    return { items: rows.map((row) => presentRegistration(row, user.roles)) };
  }

  private async registration(executor: Executor, id: number, user: AuthUser): Promise<RegistrationRow> {
    const [row] = await partyRepository.registrations(executor, { ids: [id] });
    if (!row || !user.scope.coversPath(row.gridPath)) throw errors.notFound(REGISTRATION, String(id));
    return row;
  }

  async register(body: CreateRegistrationBody, user: AuthUser) {
    const id = await this.write(async (tx) => {
      const grid = await this.grid(tx, body.gridCode, user.scope, '/body/gridCode');
      const person = await partyRepository.person(tx, body.personId);
      if (!person)
        throw errors.invalid([{ field: '/body/personId', zh: '人员不存在', en: 'unknown person' }]);
      if (!PARTY_STATUSES.includes(person.politicalStatus)) {
        throw errors.invalid([
          {
            field: '/body/personId',
            zh: '报到的须是中共党员',
            en: 'only party members register (political status)',
          },
        ]);
      }
      const [current] = rowsOf<{ id: number }>(
        await tx.execute(
          sql`select id from in_service_registrations where person_id = ${body.personId} and ended_on is null`,
        ),
      );
      if (current) {
        throw errors.conflict(
          'already_registered',
          '该党员已在社区报到',
          'The member is already registered',
          {
            registrationId: current.id,
          },
        );
      }
      const [row] = rowsOf<{ id: number }>(
        await tx.execute(sql`insert into in_service_registrations (person_id, work_unit, grid_id, registered_on, created_at)
          values (${body.personId}, ${body.workUnit}, ${grid.id}, ${body.registeredOn}, ${this.deps.clock.now()})
          returning id`),
      );
      await this.audit(tx, user, [
        {
          action: 'party_registration.create',
          entity: 'in_service_registration',
          entityKey: String(row!.id),
          gridId: grid.id,
          detail: { personId: body.personId, registeredOn: body.registeredOn },
        },
      ]);
      return row!.id;
    });
    return presentRegistration((await partyRepository.registrations(this.db, { ids: [id] }))[0]!, user.roles);
  }

  async endRegistration(id: number, on: string, user: AuthUser) {
    await this.write(async (tx) => {
      const row = await this.registration(tx, id, user);
      if (row.endedOn !== null) throw errors.conflict('registration_ended', '报到已结束', 'Already ended');
      if (on < row.registeredOn) {
        throw errors.invalid([{ field: '/body/on', zh: '结束日期早于报到日期', en: 'ends before it began' }]);
      }
      await tx.execute(sql`update in_service_registrations set ended_on = ${on} where id = ${id}`);
      await this.audit(tx, user, [
        {
          action: 'party_registration.end',
          entity: 'in_service_registration',
          entityKey: String(id),
          gridId: row.gridId,
          detail: { on },
        },
      ]);
    });
    return presentRegistration((await partyRepository.registrations(this.db, { ids: [id] }))[0]!, user.roles);
  }

  async serviceRecords(id: number, user: AuthUser) {
    await this.registration(this.db, id, user);
    return { items: await partyRepository.serviceRecords(this.db, id) };
  }

  async addServiceRecord(id: number, body: CreateServiceRecordBody, user: AuthUser) {
    const recordId = await this.write(async (tx) => {
      const registration = await this.registration(tx, id, user);
      const grid =
        body.gridCode !== undefined
          ? await this.grid(tx, body.gridCode, user.scope, '/body/gridCode')
          : { id: registration.gridId };
      if (
        body.servedOn < registration.registeredOn ||
        (registration.endedOn !== null && body.servedOn >= registration.endedOn)
      ) {
        throw errors.invalid([
          {
            field: '/body/servedOn',
            zh: '服务日期不在报到期间内',
            en: 'the service date lies outside the registration',
          },
        ]);
      }
      const [row] = rowsOf<{ id: number }>(
        await tx.execute(sql`insert into service_records (registration_id, served_on, hours, description, grid_id, created_at)
          values (${id}, ${body.servedOn}, ${body.hours}, ${body.description}, ${grid.id}, ${this.deps.clock.now()})
          returning id`),
      );
      await this.audit(tx, user, [
        {
          action: 'party_service_record.create',
          entity: 'service_record',
          entityKey: String(row!.id),
          gridId: grid.id,
          detail: { registrationId: id, servedOn: body.servedOn, hours: body.hours },
        },
      ]);
      return row!.id;
    });
    return (await partyRepository.serviceRecords(this.db, id)).find((row) => row.id === recordId)!;
  }

  // ── co-building units 共驻共建单位 ──────────────────────────────────────────────────────────────────────────────

  async units(query: { grid?: string; strength?: string; page: number; pageSize: number }, user: AuthUser) {
    const root = query.grid !== undefined ? await this.grid(this.db, query.grid, user.scope) : undefined;
    const { rows, total } = await partyRepository.units(
      this.db,
      { gridPath: root?.path, scope: user.scope.pathCondition(sql`g.path`), strength: query.strength },
      { offset: (query.page - 1) * query.pageSize, limit: query.pageSize },
    );
    return { items: await this.presentUnits(rows, user.roles), total };
  }

  private async unit(executor: Executor, id: number, user: AuthUser): Promise<UnitRow> {
    const { rows } = await partyRepository.units(executor, { ids: [id] });
    if (!rows[0] || !user.scope.coversPath(rows[0].gridPath)) throw errors.notFound(UNIT, String(id));
    return rows[0];
  }

  async getUnit(id: number, user: AuthUser) {
    const [unit] = await this.presentUnits([await this.unit(this.db, id, user)], user.roles);
    return unit!;
  }

  async createUnit(body: CreateCoBuildingUnitBody, user: AuthUser) {
    const id = await this.write(async (tx) => {
      const grid = await this.grid(tx, body.gridCode, user.scope, '/body/gridCode');
      await this.checkContacts(tx, body.contacts ?? []);
      const at = this.deps.clock.now();
      const [row] = rowsOf<{ id: number }>(
        await tx.execute(sql`insert into co_building_units (name, kind, grid_id, address, agreement_signed_on, created_at, updated_at)
          values (${body.name}, ${body.kind}, ${grid.id}, ${body.address ?? null}, ${body.agreementSignedOn ?? null}, ${at}, ${at})
          returning id`),
      );
      await this.replaceContacts(tx, row!.id, body.contacts ?? []);
      for (const strength of body.strengths ?? []) await insertStrength(tx, row!.id, strength, at);
      await this.audit(tx, user, [
        {
          action: 'co_building_unit.create',
          entity: 'co_building_unit',
          entityKey: String(row!.id),
          gridId: grid.id,
          detail: { name: body.name, kind: body.kind, strengths: (body.strengths ?? []).length },
        },
      ]);
      return row!.id;
    });
    return this.getUnit(id, user);
  }

  async updateUnit(id: number, body: UpdateCoBuildingUnitBody, user: AuthUser) {
    await this.write(async (tx) => {
      const unit = await this.unit(tx, id, user);
      if (body.contacts !== undefined) {
        await this.checkContacts(tx, body.contacts);
        await this.replaceContacts(tx, id, body.contacts);
      }
      await tx.execute(sql`update co_building_units set
          name = ${body.name ?? unit.name}, kind = ${body.kind ?? unit.kind},
          address = ${body.address !== undefined ? body.address : unit.address},
          agreement_signed_on = ${body.agreementSignedOn !== undefined ? body.agreementSignedOn : unit.agreementSignedOn},
          updated_at = ${this.deps.clock.now()}
        where id = ${id}`);
      await this.audit(tx, user, [
        {
          action: 'co_building_unit.update',
          entity: 'co_building_unit',
          entityKey: String(id),
          gridId: unit.gridId,
          detail: { fields: Object.keys(body).sort() },
        },
      ]);
    });
    return this.getUnit(id, user);
  }

  async addStrength(id: number, body: StrengthInputValue, user: AuthUser) {
    await this.write(async (tx) => {
      const unit = await this.unit(tx, id, user);
      const strengthId = await insertStrength(tx, id, body, this.deps.clock.now());
      await this.audit(tx, user, [
        {
          action: 'co_building_strength.create',
          entity: 'co_building_strength',
          entityKey: String(strengthId),
          gridId: unit.gridId,
          detail: { unitId: id, type: body.type },
        },
      ]);
    });
    return this.getUnit(id, user);
  }

  async removeStrength(id: number, strengthId: number, user: AuthUser) {
    await this.write(async (tx) => {
      const unit = await this.unit(tx, id, user);
      const removed = rowsOf(
        await tx.execute(
          sql`delete from co_building_strengths where id = ${strengthId} and unit_id = ${id} returning id`,
        ),
      );
      if (removed.length === 0) throw errors.notFound(STRENGTH, String(strengthId));
      await this.audit(tx, user, [
        {
          action: 'co_building_strength.delete',
          entity: 'co_building_strength',
          entityKey: String(strengthId),
          gridId: unit.gridId,
          detail: { unitId: id },
        },
      ]);
    });
    return this.getUnit(id, user);
  }

  private async checkContacts(tx: Executor, contacts: { personId: number }[]): Promise<void> {
    const problems: FieldProblem[] = [];
    const seen = new Set<number>();
    for (const [i, contact] of contacts.entries()) {
      if (seen.has(contact.personId)) {
        problems.push({ field: `/body/contacts/${i}/personId`, zh: '联系人重复', en: 'contact given twice' });
      } else if (!(await partyRepository.person(tx, contact.personId))) {
        problems.push({ field: `/body/contacts/${i}/personId`, zh: '人员不存在', en: 'unknown person' });
      }
      seen.add(contact.personId);
    }
    if (problems.length > 0) throw errors.invalid(problems);
  }

  private async replaceContacts(
    tx: Executor,
    unitId: number,
    contacts: { personId: number; role?: string }[],
  ): Promise<void> {
    await tx.execute(sql`delete from co_building_contacts where unit_id = ${unitId}`);
    for (const contact of contacts) {
      await tx.execute(sql`insert into co_building_contacts (unit_id, person_id, role)
        values (${unitId}, ${contact.personId}, ${contact.role ?? null})`);
    }
  }

  private async presentUnits(rows: UnitRow[], roles: readonly Role[]) {
    const ids = rows.map((row) => row.id);
    const [contacts, strengths] = await Promise.all([
      partyRepository.contacts(this.db, ids),
      partyRepository.strengths(this.db, ids),
    ]);
    return rows.map((row) =>
      presentUnit(row, contacts, strengths, roles, (cipher) => this.maskedPhone(cipher)),
    );
  }

  private maskedPhone(cipher: string | null): string | null {
    return cipher === null ? null : maskPhone(this.deps.protector().decrypt(cipher));
  }

  // ── alliances 红色党建联盟 ─────────────────────────────────────────────────────────────────────────────────────

  async alliances(query: { grid?: string }, user: AuthUser) {
    const root = query.grid !== undefined ? await this.grid(this.db, query.grid, user.scope) : undefined;
    const rows = rowsOf<{
      id: number;
      name: string;
      gridCode: string;
      leadOrganisationId: number | null;
      foundedOn: string | null;
      description: string | null;
    }>(
      await this.db.execute(sql`
        select a.id, a.name, g.code as "gridCode", a.lead_organisation_id as "leadOrganisationId",
          a.founded_on::text as "foundedOn", a.description
        from party_alliances a join grids g on g.id = a.grid_id
        where ${user.scope.pathCondition(sql`g.path`)} ${root ? sql`and g.path like ${`${root.path}%`}` : sql``}
        order by g.path, a.id`),
    );
    const members = rows.length
      ? rowsOf<{
          allianceId: number;
          id: number;
          unitId: number | null;
          organisationId: number | null;
          name: string;
          joinedOn: string;
          leftOn: string | null;
        }>(
          await this.db.execute(sql`
            select m.alliance_id as "allianceId", m.id, m.unit_id as "unitId", m.organisation_id as "organisationId",
              coalesce(u.name, o.name) as name, m.joined_on::text as "joinedOn", m.left_on::text as "leftOn"
            from party_alliance_members m
            left join co_building_units u on u.id = m.unit_id
            left join party_organisations o on o.id = m.organisation_id
            where m.alliance_id = any(${sql.param(rows.map((row) => row.id))}::int[])
            order by m.alliance_id, m.id`),
        )
      : [];
    return {
      items: rows.map((row) => ({
        ...row,
        members: members
          .filter((member) => member.allianceId === row.id)
          .map(({ allianceId: _allianceId, ...member }) => member),
      })),
    };
  }

  async createAlliance(body: CreateAllianceBody, user: AuthUser) {
    const { id, gridCode } = await this.write(async (tx) => {
      const grid = await this.grid(tx, body.gridCode, user.scope, '/body/gridCode');
      if (body.leadOrganisationId !== undefined) {
        const [lead] = await partyRepository.organisations(tx, { ids: [body.leadOrganisationId] });
        if (!lead || !user.scope.coversPath(lead.gridPath)) {
          throw errors.invalid([
            { field: '/body/leadOrganisationId', zh: '牵头党组织不存在', en: 'unknown lead organisation' },
          ]);
        }
      }
      const [row] = rowsOf<{ id: number }>(
        await tx.execute(sql`insert into party_alliances (name, grid_id, lead_organisation_id, founded_on, description, created_at)
          values (${body.name}, ${grid.id}, ${body.leadOrganisationId ?? null}, ${body.foundedOn ?? null},
            ${body.description ?? null}, ${this.deps.clock.now()}) returning id`),
      );
      await this.audit(tx, user, [
        {
          action: 'party_alliance.create',
          entity: 'party_alliance',
          entityKey: String(row!.id),
          gridId: grid.id,
          detail: { name: body.name },
        },
      ]);
      return { id: row!.id, gridCode: grid.code };
    });
    return (await this.alliances({ grid: gridCode }, user)).items.find((item) => item.id === id)!;
  }

  async addAllianceMember(id: number, body: AddAllianceMemberBody, user: AuthUser) {
    const gridCode = await this.write(async (tx) => {
      const [alliance] = rowsOf<{ gridId: number; gridCode: string; gridPath: string }>(
        await tx.execute(sql`select a.grid_id as "gridId", g.code as "gridCode", g.path as "gridPath"
          from party_alliances a join grids g on g.id = a.grid_id where a.id = ${id}`),
      );
      if (!alliance || !user.scope.coversPath(alliance.gridPath)) throw errors.notFound(ALLIANCE, String(id));
      if ((body.unitId === undefined) === (body.organisationId === undefined)) {
        throw errors.invalid([
          {
            field: '/body/unitId',
            zh: '须指定共建单位或党组织之一',
            en: 'give either a unit or an organisation',
          },
        ]);
      }
      if (body.unitId !== undefined)
        await this.unit(tx, body.unitId, user).catch(() => {
          throw errors.invalid([
            { field: '/body/unitId', zh: '共建单位不存在', en: 'unknown co-building unit' },
          ]);
        });
      if (body.organisationId !== undefined)
        await this.organisation(body.organisationId, user, tx).catch(() => {
          throw errors.invalid([
            { field: '/body/organisationId', zh: '党组织不存在', en: 'unknown organisation' },
          ]);
        });
      const [row] = rowsOf<{ id: number }>(
        await tx.execute(sql`insert into party_alliance_members (alliance_id, unit_id, organisation_id, joined_on)
          values (${id}, ${body.unitId ?? null}, ${body.organisationId ?? null}, ${body.joinedOn}) returning id`),
      );
      await this.audit(tx, user, [
        {
          action: 'party_alliance.member_add',
          entity: 'party_alliance',
          entityKey: String(id),
          gridId: alliance.gridId,
          detail: {
            memberId: row!.id,
            unitId: body.unitId ?? null,
            organisationId: body.organisationId ?? null,
          },
        },
      ]);
      return alliance.gridCode;
    });
    return (await this.alliances({ grid: gridCode }, user)).items.find((item) => item.id === id)!;
  }
}

async function insertStrength(
  tx: Executor,
  unitId: number,
  strength: StrengthInputValue,
  at: Date,
): Promise<number> {
  const [row] = rowsOf<{ id: number }>(
    await tx.execute(sql`insert into co_building_strengths (unit_id, type, description, quantity, measure, created_at)
      values (${unitId}, ${strength.type}, ${strength.description}, ${strength.quantity ?? null},
        ${strength.measure ?? null}, ${at}) returning id`),
  );
  return row!.id;
}

export function presentOrganisation(row: OrganisationRow) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    parentId: row.parentId,
    depth: row.depth,
    path: row.path,
    gridCode: row.gridCode,
    gridName: row.gridName,
    buildingCode: row.buildingCode,
    householdId: row.householdId,
    members: row.members,
    retiredOn: row.retiredOn,
  };
}

export function presentMember(row: MemberRow, roles: readonly Role[]) {
  return {
    id: row.id,
    organisationId: row.organisationId,
    organisationName: row.organisationName,
    personId: row.personId,
    name: nameFor(roles, row.personName),
    role: row.role,
    joinedPartyOn: row.joinedPartyOn,
    since: row.since,
    until: row.until,
  };
}

function presentRegistration(row: RegistrationRow, roles: readonly Role[]) {
  return {
    id: row.id,
    personId: row.personId,
    name: nameFor(roles, row.personName),
    workUnit: row.workUnit,
    gridCode: row.gridCode,
    registeredOn: row.registeredOn,
    endedOn: row.endedOn,
    serviceCount: row.serviceCount,
    serviceHours: Number(row.serviceHours),
  };
}

function presentUnit(
  row: UnitRow,
  contacts: ContactRow[],
  strengths: StrengthRow[],
  roles: readonly Role[],
  maskedPhone: (cipher: string | null) => string | null,
) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    gridCode: row.gridCode,
    gridName: row.gridName,
    address: row.address,
    agreementSignedOn: row.agreementSignedOn,
    contacts: contacts
      .filter((contact) => contact.unitId === row.id)
      .map((contact) => ({
        personId: contact.personId,
        name: nameFor(roles, contact.personName),
        phone: maskedPhone(contact.phoneCipher),
        role: contact.role,
      })),
    strengths: strengths
      .filter((strength) => strength.unitId === row.id)
      .map((strength) => ({
        id: strength.id,
        type: strength.type,
        description: strength.description,
        quantity: strength.quantity === null ? null : Number(strength.quantity),
        measure: strength.measure,
      })),
  };
}
