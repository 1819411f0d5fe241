import { sql } from 'drizzle-orm';
import { recordAudit, type Actor } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { Database, Executor } from '../core/db.js';
import { AppError, errors, PG, pgErrorCode } from '../core/errors.js';
import type { AuthUser } from '../accounts/auth.js';
import type { Role } from '../accounts/roles.js';
import type { GridRow } from '../grids/repository.js';
import type { GridService } from '../grids/service.js';
import { maskName, present, visibility } from '../people/masking.js';
import { chinaDate } from '../people/service.js';
import { talentRepository, type MemberRow, type TalentRow, type TierRow } from './repository.js';
import {
  TIER_NAMES,
  type ChangeTierBody,
  type CreateCertificateBody,
  type CreateTalentBody,
  type CreateTrainingBody,
  type LeavePoolBody,
  type NominateBody,
  type PutPoolBody,
  type TalentListQueryValue,
  type Tier,
  type UpdateTalentBody,
} from './schema.js';

export interface TalentServiceDeps {
  database: Database;
  clock: Clock;
  grids: GridService;
}

const PERSON = { zh: '人员', en: 'Person' };
const TALENT = { zh: '人才档案', en: 'Talent record' };
const POOL = { zh: '后备库', en: 'Reserve pool' };
const sqlPath = sql`g.path`;

function actorOf(user: AuthUser): Actor {
  return { userId: user.id, name: user.username };
}

function nameFor(roles: readonly Role[], name: string): string {
  return present(name, visibility(roles, 'name'), maskName) ?? '';
}

function presentTier(row: TierRow) {
  return {
    tier: row.tier,
    name: TIER_NAMES[row.tier as Tier],
    since: row.since,
    until: row.until,
    reason: row.reason,
    actor: row.actor,
  };
}

function presentMember(row: MemberRow, roles: readonly Role[]) {
  return {
    poolKey: row.poolKey,
    poolName: { zh: row.poolNameZh, en: row.poolNameEn },
    personId: row.personId,
    name: nameFor(roles, row.name),
    gridCode: row.gridCode,
    nominatedOn: row.nominatedOn,
    reason: row.reason,
    nominatedBy: row.nominatedBy,
    leftOn: row.leftOn,
    leaveReason: row.leaveReason,
  };
}

function presentSummary(row: TalentRow, roles: readonly Role[]) {
  return {
    personId: row.personId,
    name: nameFor(roles, row.name),
    gridCode: row.gridCode,
    tier: row.tier ?? '',
    tierName: TIER_NAMES[row.tier as Tier] ?? { zh: '', en: '' },
    tierSince: row.tierSince ?? '',
    field: row.field,
    skills: row.skills ?? [],
  };
}

/**
 * 人才库 talent pool (F5): records with tier history, reserve pools, training and certificates. Everything is
 * keyed by the person; a reader sees the persons of his grids (the person's grid, and for a talent record also
 * the grid it serves).
 */
export class TalentService {
  constructor(private readonly deps: TalentServiceDeps) {}

  private get db(): Executor {
    return this.deps.database.db;
  }

  private today(): string {
    return chinaDate(this.deps.clock.now());
  }

  private async personInScope(executor: Executor, personId: number, user: AuthUser) {
    const person = await talentRepository.person(executor, personId);
    if (!person || !user.scope.coversPath(person.gridPath)) throw errors.notFound(PERSON, String(personId));
    return person;
  }

  private async writableGrid(code: string, user: AuthUser): Promise<GridRow> {
    try {
      return await this.deps.grids.get(code, user.scope);
    } catch (error) {
      if (error instanceof AppError && error.status === 404) {
        throw errors.unprocessable(
          'unknown_grid',
          `网格「${code}」不存在或不在您的管辖范围内`,
          `Grid "${code}" does not exist or is outside your grids`,
          [
            {
              field: '/body/gridCode',
              zh: '网格不存在或不在管辖范围内',
              en: 'unknown grid or outside your grids',
            },
          ],
        );
      }
      throw error;
    }
  }

  private checkSince(since: string, field = '/body/since'): void {
    if (since > this.today()) {
      throw errors.unprocessable('future_date', '日期不能晚于今天', 'The date cannot be in the future', [
        { field, zh: '日期不能晚于今天', en: 'the date is in the future' },
      ]);
    }
  }

  // ── talent records ─────────────────────────────────────────────────────────────────────────────────────────

  async list(query: TalentListQueryValue, user: AuthUser) {
    const root = query.grid !== undefined ? await this.deps.grids.get(query.grid, user.scope) : undefined;
    const { rows, total } = await talentRepository.list(
      this.db,
      {
        scope: user.scope.pathCondition(sqlPath),
        rootPath: root?.path,
        tier: query.tier,
        skill: query.skill,
      },
      { offset: (query.page - 1) * query.pageSize, limit: query.pageSize },
    );
    return { items: rows.map((row) => presentSummary(row, user.roles)), total };
  }

  async detail(personId: number, user: AuthUser) {
    const person = await talentRepository.person(this.db, personId);
    const talent = await talentRepository.byPerson(this.db, personId);
    const visible =
      person !== undefined &&
      (user.scope.coversPath(person.gridPath) ||
        (talent !== undefined && user.scope.coversPath(talent.gridPath)));
    if (!visible) throw errors.notFound(PERSON, String(personId));
    const [tiers, members, training, certificates] = await Promise.all([
      talent ? talentRepository.tiers(this.db, talent.id) : Promise.resolve([]),
      talentRepository.members(this.db, { personId, scope: sql`true`, history: true }),
      talentRepository.training(this.db, personId),
      talentRepository.certificates(this.db, personId),
    ]);
    const today = this.today();
    const trainingItems = training.map((row) => ({ ...row, hours: Number(row.hours) }));
    return {
      personId,
      name: nameFor(user.roles, person.name),
      gridCode: person.gridCode,
      talent: talent
        ? {
            gridCode: talent.gridCode,
            field: talent.field,
            skills: talent.skills ?? [],
            note: talent.note,
            tier: talent.tier,
            tiers: tiers.map(presentTier),
          }
        : null,
      pools: members.map((row) => presentMember(row, user.roles)),
      training: trainingItems,
      trainingHours: Math.round(trainingItems.reduce((sum, row) => sum + row.hours, 0) * 10) / 10,
      certificates: certificates.map((row) => ({
        ...row,
        expired: row.expiresOn !== null && row.expiresOn <= today,
      })),
    };
  }

  async create(body: CreateTalentBody, user: AuthUser) {
    const at = this.deps.clock.now();
    const since = body.since ?? chinaDate(at);
    this.checkSince(since);
    const person = await this.personInScope(this.db, body.personId, user);
    const grid = body.gridCode !== undefined ? await this.writableGrid(body.gridCode, user) : undefined;
    try {
      await this.deps.database.db.transaction(async (tx) => {
        const talentId = await talentRepository.insert(
          tx,
          {
            personId: body.personId,
            gridId: grid?.id ?? person.gridId,
            field: body.field ?? null,
            skills: body.skills ?? [],
            note: body.note ?? null,
          },
          at,
        );
        await talentRepository.insertTier(
          tx,
          { talentId, tier: body.tier, since, reason: body.reason ?? null, actor: user.username },
          at,
        );
        await recordAudit(tx, actorOf(user), at, [
          {
            action: 'talent.create',
            entity: 'talent',
            entityKey: String(body.personId),
            gridId: grid?.id ?? person.gridId,
            detail: { tier: body.tier, since },
          },
        ]);
      });
    } catch (error) {
      if (pgErrorCode(error) === PG.uniqueViolation) {
        throw errors.conflict(
          'talent_exists',
          '该人员已在人才库中',
          'This person is already in the talent pool',
        );
      }
      throw error;
    }
    return this.detail(body.personId, user);
  }

  async update(personId: number, body: UpdateTalentBody, user: AuthUser) {
    const at = this.deps.clock.now();
    const grid = body.gridCode !== undefined ? await this.writableGrid(body.gridCode, user) : undefined;
    await this.deps.database.db.transaction(async (tx) => {
      const talent = await this.talentInScope(tx, personId, user);
      await talentRepository.update(
        tx,
        talent.id,
        {
          gridId: grid?.id ?? talent.gridId,
          field: body.field !== undefined ? body.field : talent.field,
          skills: body.skills ?? talent.skills,
          note: body.note !== undefined ? body.note : talent.note,
        },
        at,
      );
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'talent.update',
          entity: 'talent',
          entityKey: String(personId),
          gridId: grid?.id ?? talent.gridId,
          detail: { fields: Object.keys(body).sort() },
        },
      ]);
    });
    return this.detail(personId, user);
  }

  /** A new tier from `since`: the current period ends the day before it starts (until = since). */
  async changeTier(personId: number, body: ChangeTierBody, user: AuthUser) {
    const at = this.deps.clock.now();
    const since = body.since ?? chinaDate(at);
    this.checkSince(since);
    await this.deps.database.db.transaction(async (tx) => {
      const talent = await this.talentInScope(tx, personId, user);
      if (talent.tier === body.tier) {
        throw errors.conflict('same_tier', '层级未变化', `The talent is already in tier "${body.tier}"`);
      }
      if (talent.tierSince !== null && since <= talent.tierSince) {
        throw errors.unprocessable(
          'tier_dates',
          `新层级的起始日期须晚于当前层级的起始日期 ${talent.tierSince}`,
          `The new tier must start after the current one (${talent.tierSince})`,
          [{ field: '/body/since', zh: '起始日期过早', en: 'starts too early' }],
        );
      }
      await talentRepository.endTier(tx, talent.id, since);
      await talentRepository.insertTier(
        tx,
        { talentId: talent.id, tier: body.tier, since, reason: body.reason, actor: user.username },
        at,
      );
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'talent.tier',
          entity: 'talent',
          entityKey: String(personId),
          gridId: talent.gridId,
          detail: { from: talent.tier, to: body.tier, since },
        },
      ]);
    });
    return this.detail(personId, user);
  }

  private async talentInScope(tx: Executor, personId: number, user: AuthUser): Promise<TalentRow> {
    const talent = await talentRepository.byPerson(tx, personId, true);
    if (!talent || !user.scope.coversPath(talent.gridPath)) throw errors.notFound(TALENT, String(personId));
    return talent;
  }

  // ── training and certificates ──────────────────────────────────────────────────────────────────────────────

  async addTraining(personId: number, body: CreateTrainingBody, user: AuthUser) {
    const at = this.deps.clock.now();
    this.checkSince(body.heldOn, '/body/heldOn');
    const person = await this.personInScope(this.db, personId, user);
    const id = await this.deps.database.db.transaction(async (tx) => {
      const trainingId = await talentRepository.insertTraining(
        tx,
        { personId, ...body, organiser: body.organiser ?? null, by: user.username },
        at,
      );
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'training.create',
          entity: 'training_record',
          entityKey: String(trainingId),
          gridId: person.gridId,
          detail: { personId, course: body.course, hours: body.hours, heldOn: body.heldOn },
        },
      ]);
      return trainingId;
    });
    return {
      id,
      course: body.course,
      hours: body.hours,
      heldOn: body.heldOn,
      organiser: body.organiser ?? null,
    };
  }

  async addCertificate(personId: number, body: CreateCertificateBody, user: AuthUser) {
    if (body.expiresOn !== undefined && body.expiresOn <= body.issuedOn) {
      throw errors.invalid([
        { field: '/body/expiresOn', zh: '有效期须晚于发证日期', en: 'expiry must be after the issue date' },
      ]);
    }
    const at = this.deps.clock.now();
    const person = await this.personInScope(this.db, personId, user);
    const values = {
      personId,
      name: body.name,
      number: body.number ?? null,
      issuer: body.issuer ?? null,
      issuedOn: body.issuedOn,
      expiresOn: body.expiresOn ?? null,
      by: user.username,
    };
    const id = await this.deps.database.db.transaction(async (tx) => {
      const certificateId = await talentRepository.insertCertificate(tx, values, at);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'certificate.create',
          entity: 'certificate',
          entityKey: String(certificateId),
          gridId: person.gridId,
          detail: { personId, name: body.name },
        },
      ]);
      return certificateId;
    });
    return {
      id,
      name: values.name,
      number: values.number,
      issuer: values.issuer,
      issuedOn: values.issuedOn,
      expiresOn: values.expiresOn,
      expired: values.expiresOn !== null && values.expiresOn <= this.today(),
    };
  }

  // ── reserve pools 后备库 ────────────────────────────────────────────────────────────────────────────────────

  async pools(user: AuthUser) {
    const rows = await talentRepository.pools(this.db, user.scope.pathCondition(sqlPath));
    return rows.map((row) => ({
      key: row.key,
      name: { zh: row.nameZh, en: row.nameEn },
      description: row.description,
      members: row.members,
    }));
  }

  async putPool(key: string, body: PutPoolBody, user: AuthUser) {
    const at = this.deps.clock.now();
    await this.deps.database.db.transaction(async (tx) => {
      const created = await talentRepository.putPool(
        tx,
        { key, nameZh: body.name.zh, nameEn: body.name.en, description: body.description ?? null },
        at,
      );
      await recordAudit(tx, actorOf(user), at, [
        {
          action: created ? 'reserve_pool.create' : 'reserve_pool.update',
          entity: 'reserve_pool',
          entityKey: key,
          detail: { name: body.name },
        },
      ]);
    });
    return (await this.pools(user)).find((pool) => pool.key === key)!;
  }

  async members(poolKey: string, history: boolean, user: AuthUser) {
    await this.poolOf(this.db, poolKey);
    const rows = await talentRepository.members(this.db, {
      poolKey,
      scope: user.scope.pathCondition(sqlPath),
      history,
    });
    return rows.map((row) => presentMember(row, user.roles));
  }

  private async poolOf(executor: Executor, key: string) {
    const pool = await talentRepository.pool(executor, key);
    if (!pool) throw errors.notFound(POOL, key);
    return pool;
  }

  async nominate(poolKey: string, body: NominateBody, user: AuthUser) {
    const at = this.deps.clock.now();
    const on = body.on ?? chinaDate(at);
    this.checkSince(on, '/body/on');
    await this.poolOf(this.db, poolKey);
    const person = await this.personInScope(this.db, body.personId, user);
    try {
      await this.deps.database.db.transaction(async (tx) => {
        const id = await talentRepository.nominate(
          tx,
          { poolKey, personId: body.personId, on, reason: body.reason, by: user.username },
          at,
        );
        await recordAudit(tx, actorOf(user), at, [
          {
            action: 'reserve_pool.nominate',
            entity: 'reserve_pool_member',
            entityKey: String(id),
            gridId: person.gridId,
            detail: { poolKey, personId: body.personId, on },
          },
        ]);
      });
    } catch (error) {
      if (pgErrorCode(error) === PG.uniqueViolation) {
        throw errors.conflict(
          'already_in_pool',
          '该人员已在此后备库中',
          'This person is already in the pool',
        );
      }
      throw error;
    }
    const rows = await talentRepository.members(this.db, {
      poolKey,
      personId: body.personId,
      scope: sql`true`,
      history: false,
    });
    return presentMember(rows[0]!, user.roles);
  }

  async leave(poolKey: string, personId: number, body: LeavePoolBody, user: AuthUser) {
    const at = this.deps.clock.now();
    const on = body.on ?? chinaDate(at);
    this.checkSince(on, '/body/on');
    await this.poolOf(this.db, poolKey);
    const person = await this.personInScope(this.db, personId, user);
    await this.deps.database.db.transaction(async (tx) => {
      const member = await talentRepository.currentMember(tx, poolKey, personId);
      if (!member) {
        throw errors.notFound({ zh: '后备库成员', en: 'Pool member' }, `${poolKey}/${personId}`);
      }
      if (on < member.nominatedOn) {
        throw errors.unprocessable(
          'pool_dates',
          `出库日期不能早于入库日期 ${member.nominatedOn}`,
          `Leaving cannot be before the nomination (${member.nominatedOn})`,
          [{ field: '/body/on', zh: '出库日期过早', en: 'too early' }],
        );
      }
      await talentRepository.leave(tx, member.id, on, body.reason);
      await recordAudit(tx, actorOf(user), at, [
        {
          action: 'reserve_pool.leave',
          entity: 'reserve_pool_member',
          entityKey: String(member.id),
          gridId: person.gridId,
          detail: { poolKey, personId, on },
        },
      ]);
    });
    const rows = await talentRepository.members(this.db, {
      poolKey,
      personId,
      scope: sql`true`,
      history: true,
    });
    return presentMember(rows[rows.length - 1]!, user.roles);
  }
}
