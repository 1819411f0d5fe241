import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Clock } from '../core/clock.js';
import type { Database, Executor } from '../core/db.js';
import { rowsOf } from '../core/db.js';
import { AppError, errors, PG, pgErrorCode } from '../core/errors.js';
import { recordAudit } from '../core/audit.js';
import type { AuthUser } from '../accounts/auth.js';
import type { Role } from '../accounts/roles.js';
import { users, userGrids } from '../accounts/tables.js';
import { eventCategories } from '../catalogue/tables.js';
import { departmentUsers } from '../duties/tables.js';
import type { GridService } from '../grids/service.js';
import { grids } from '../grids/tables.js';
import { organisations } from '../people/tables.js';
import { maskPhone } from '../people/masking.js';
import type { DataProtector } from '../people/protection.js';
import type { ChangeStream } from '../notifications/stream.js';
import type { WebhookService } from '../notifications/webhooks.js';
import type { DeadlineKeeper, LadderTiming, StagePlan } from './deadlines.js';
import { FileStore, sniffType } from './files.js';
import { eventChangeType } from './changes.js';
import { IntakeBatcher, linkAttachments, type IntakeOptions, type PreparedReport } from './intake.js';
import {
  availableActions,
  decide,
  FINAL_STATES,
  type EventAction,
  type EventState,
  type MachineActor,
  type MachineEvent,
} from './machine.js';
import type { EventRouter, EventsPolicy } from './router.js';
import type {
  ActionBody,
  CreateEventBody,
  EventCreatedValue,
  EventListQueryValue,
  EventStatsQueryValue,
} from './schema.js';
import { attachments, eventIdempotencyKeys, events, eventTimeline, type PendingRequest } from './tables.js';

export interface EventServiceDeps {
  database: Database;
  clock: Clock;
  grids: GridService;
  protector: () => DataProtector;
  router: EventRouter;
  policy: EventsPolicy;
  /** Folder of the attachment files (DATA_DIR/attachments). */
  attachmentsDir: string;
  intake?: IntakeOptions;
  /** Stage clocks and escalation (E4); absent in services built without jobs. */
  deadlines?: DeadlineKeeper;
  /** Live stream and webhooks: every change of an event is published in its transaction. */
  stream?: ChangeStream;
  webhooks?: WebhookService;
  /**
   * Told of every committed change (a report, an action), for the live stream and webhooks. Called after the
   * commit and never awaited by the caller's answer: a slow subscriber does not slow intake.
   */
  onChange?: (change: EventChange) => void;
}

/** A committed change of an event, as the live stream and webhooks carry it. */
export interface EventChange {
  type: string;
  id: number;
  number: string;
  state: string;
  gridPath: string;
  categoryCode: string;
  at: string;
}

type EventRow = typeof events.$inferSelect;

interface CategoryInfo {
  code: string;
  level: number;
  active: boolean;
  nameZh: string;
  nameEn: string;
  filingStandards: { zh: string; en: string }[];
  closingStandards: { zh: string; en: string }[];
  loadedAt: number;
}

const EVENT = { zh: '事件', en: 'Event' };
const ATTACHMENT = { zh: '附件', en: 'Attachment' };
/** Roles whose reading of events follows their grids. */
const GRID_SCOPED: readonly Role[] = [
  'admin',
  'district',
  'command_centre',
  'area_leader',
  'grid_leader',
  'grid_worker',
];
/** Who sees a reporter's full phone (to call back); every such read is audited. */
const PHONE_READERS: readonly Role[] = ['admin', 'command_centre'];
const CATEGORY_TTL_MS = 10_000;
/** How many of the newest matching events `actionable=true` looks at. */
const ACTIONABLE_WINDOW = 1000;

/** E + the report's calendar date in China (UTC+8) + '-'. */
export function numberPrefix(at: Date): string {
  return `E${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '')}-`;
}

function primaryRole(roles: readonly Role[]): Role | null {
  return roles[0] ?? null;
}

/** Intake, the closed loop's state machine, reading with scope, attachments (E1, E3). */
export class EventService {
  private readonly batcher: IntakeBatcher;
  private readonly categories = new Map<string, CategoryInfo>();
  /** Reports with an Idempotency-Key being written now: a retry arriving meanwhile waits for the first. */
  private readonly inFlight = new Map<string, Promise<EventCreatedValue>>();
  readonly files: FileStore;

  constructor(private readonly deps: EventServiceDeps) {
    this.batcher = new IntakeBatcher(deps.database, deps.intake);
    this.files = new FileStore(deps.attachmentsDir);
  }

  private get db(): Executor {
    return this.deps.database.db;
  }

  /** Batches committed by the group commit of reports and the reports in them. */
  get intakeStats(): { batches: number; reports: number; writeMs: number } {
    return this.batcher.stats;
  }

  get maxUploadBytes(): number {
    return this.deps.policy.maxAttachmentBytes;
  }

  // ── categories ──────────────────────────────────────────────────────────────────────────────────────────

  /** The catalogue row, cached briefly: every report needs it and the catalogue changes rarely. */
  private async category(code: string): Promise<CategoryInfo | null> {
    const now = Date.now();
    const cached = this.categories.get(code);
    if (cached && now - cached.loadedAt < CATEGORY_TTL_MS) return cached;
    const [row] = await this.db.select().from(eventCategories).where(eq(eventCategories.code, code));
    if (!row) {
      this.categories.delete(code);
      return null;
    }
    const info: CategoryInfo = {
      code: row.code,
      level: row.level,
      active: row.active,
      nameZh: row.nameZh,
      nameEn: row.nameEn,
      filingStandards: row.filingStandards,
      closingStandards: row.closingStandards,
      loadedAt: now,
    };
    this.categories.set(code, info);
    return info;
  }

  // ── intake (E1) ─────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Files a report from any source. Answers after the event and its first timeline entry are committed. With an
   * Idempotency-Key, a retry answers the first answer and creates nothing.
   */
  async report(body: CreateEventBody, user: AuthUser, idempotencyKey?: string): Promise<EventCreatedValue> {
    if (idempotencyKey === undefined) return this.reportOnce(body, user, null);
    const client = `u${user.id}`;
    const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const slot = `${client}\u0000${idempotencyKey}`;
    const running = this.inFlight.get(slot);
    if (running) {
      await running.catch(() => undefined);
      return this.report(body, user, idempotencyKey);
    }
    const work = (async () => {
      // the stored answer of an earlier request with this key is looked up by the batch that would write it
      try {
        return await this.reportOnce(body, user, { client, key: idempotencyKey, requestHash });
      } catch (error) {
        // another server took the key meanwhile: answer what it answered
        if (pgErrorCode(error) === PG.uniqueViolation) {
          const stored = await this.storedAnswer(client, idempotencyKey, requestHash);
          if (stored) return stored;
        }
        throw error;
      }
    })();
    this.inFlight.set(slot, work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(slot);
    }
  }

  private async storedAnswer(
    client: string,
    key: string,
    requestHash: string,
  ): Promise<EventCreatedValue | null> {
    const [row] = await this.db
      .select()
      .from(eventIdempotencyKeys)
      .where(and(eq(eventIdempotencyKeys.client, client), eq(eventIdempotencyKeys.key, key)));
    if (!row) return null;
    if (row.requestHash !== requestHash) throw this.keyReused();
    return row.response as unknown as EventCreatedValue;
  }

  private async reportOnce(
    body: CreateEventBody,
    user: AuthUser,
    idempotency: PreparedReport['idempotency'],
  ): Promise<EventCreatedValue> {
    const problems: { field: string; zh: string; en: string }[] = [];
    const category = await this.category(body.categoryCode);
    if (!category || category.level !== 2 || !category.active) {
      problems.push({
        field: '/body/categoryCode',
        zh: `分类「${body.categoryCode}」不存在、已停用或不是小类`,
        en: `Category "${body.categoryCode}" does not exist, is inactive or is not a minor class`,
      });
    }
    const onlyResident = user.roles.every((role) => role === 'resident');
    if (onlyResident && body.source !== 'resident') {
      problems.push({
        field: '/body/source',
        zh: '群众只能以“群众提事”来源上报',
        en: 'Residents report with source "resident"',
      });
    }
    if (body.source === 'hotline' && body.hotlineTicket === undefined) {
      problems.push({
        field: '/body/hotlineTicket',
        zh: '热线工单需填写工单号',
        en: 'A hotline report needs its ticket number',
      });
    }
    const chain = this.deps.grids.locate(body.location.lng, body.location.lat);
    if (chain.length === 0) {
      problems.push({
        field: '/body/location',
        zh: '该位置不在任何网格内',
        en: 'The location lies outside every grid',
      });
    }
    const hashes = [...new Set(body.attachments ?? [])];
    if (hashes.length > 0) {
      const known = await this.db
        .selectDistinct({ hash: attachments.hash })
        .from(attachments)
        .where(and(inArray(attachments.hash, hashes), eq(attachments.uploadedBy, user.id)));
      const have = new Set(known.map((row) => row.hash));
      (body.attachments ?? []).forEach((hash, i) => {
        if (!have.has(hash)) {
          problems.push({
            field: `/body/attachments/${i}`,
            zh: '附件不存在（请先上传）',
            en: 'No such uploaded attachment (upload it first)',
          });
        }
      });
    }
    if (problems.length > 0) {
      throw errors.unprocessable(
        chain.length === 0 && problems.length === 1 ? 'outside_grids' : 'invalid_report',
        problems.length === 1 ? problems[0]!.zh : '上报内容不符合要求',
        problems.length === 1 ? problems[0]!.en : 'The report breaks a rule',
        problems,
      );
    }
    // the chain of grids: ids give the materialised path, the deepest grid files the event
    const gridChain = chain.map((entry) => ({
      id: entry.id,
      code: entry.code,
      level: entry.level,
      name: entry.name,
    }));
    const deepest = gridChain[gridChain.length - 1]!;
    const gridPath = `/${gridChain.map((entry) => entry.id).join('/')}/`;
    const suggestion = await this.deps.router.suggest({
      categoryCode: body.categoryCode,
      gridChain,
    });
    const phone = body.reporterPhone !== undefined ? this.protect(body.reporterPhone) : null;
    const at = this.deps.clock.now();
    const plan = this.deps.deadlines
      ? await this.deps.deadlines.plan(
          { categoryCode: body.categoryCode, difficulty: body.difficulty ?? 'general', gridChain },
          'reported',
          at,
        )
      : null;
    let written;
    try {
      written = await this.batcher.submit({
        clock: plan,
        numberPrefix: numberPrefix(at),
        source: body.source,
        categoryCode: body.categoryCode,
        title: body.title,
        description: body.description ?? '',
        lng: body.location.lng,
        lat: body.location.lat,
        address: body.address ?? null,
        gridId: deepest.id,
        gridPath,
        gridChain,
        reporterUserId: user.id,
        reporterName: body.reporterName ?? user.displayName,
        reporterPhoneCipher: phone?.cipher ?? null,
        reporterPhoneHash: phone?.hash ?? null,
        urgency: body.urgency ?? 'normal',
        difficulty: body.difficulty ?? 'general',
        hotlineTicket: body.hotlineTicket ?? null,
        suggestion,
        actorName: user.username,
        actorRole: primaryRole(user.roles),
        at,
        idempotency,
        attachments: hashes,
      });
    } catch (error) {
      if (pgErrorCode(error) === PG.uniqueViolation && body.hotlineTicket !== undefined && !idempotency) {
        throw this.hotlineTaken(body.hotlineTicket);
      }
      if (pgErrorCode(error) === PG.uniqueViolation && body.hotlineTicket !== undefined && idempotency) {
        const [taken] = await this.db
          .select({ id: events.id })
          .from(events)
          .where(eq(events.hotlineTicket, body.hotlineTicket));
        if (taken) throw this.hotlineTaken(body.hotlineTicket);
      }
      throw error;
    }
    if (written.earlier) {
      if (written.earlier.requestHash !== idempotency?.requestHash) throw this.keyReused();
      return written.earlier.response as unknown as EventCreatedValue;
    }
    this.deps.onChange?.({
      type: eventChangeType('reported'),
      id: written.id,
      number: written.number,
      state: 'reported',
      gridPath,
      categoryCode: body.categoryCode,
      at: at.toISOString(),
    });
    return {
      id: written.id,
      number: written.number,
      state: 'reported',
      grids: gridChain.map(({ code, level, name }) => ({ code, level, name })),
    };
  }

  private keyReused(): AppError {
    return errors.conflict(
      'idempotency_key_reused',
      '该 Idempotency-Key 已用于另一份不同的上报',
      'This Idempotency-Key was already used for a different report',
    );
  }

  private hotlineTaken(ticket: string): AppError {
    return errors.conflict(
      'duplicate_hotline_ticket',
      `热线工单「${ticket}」已登记`,
      `Hotline ticket "${ticket}" is already filed`,
    );
  }

  private protect(phone: string): { cipher: string; hash: string } {
    const protector = this.deps.protector();
    return { cipher: protector.encrypt(phone), hash: protector.lookupHash('phone', phone) };
  }

  // ── reading (scope) ─────────────────────────────────────────────────────────────────────────────────────

  private async departmentOf(user: AuthUser): Promise<number | null> {
    if (!user.roles.includes('department')) return null;
    const [row] = await this.db
      .select({ id: departmentUsers.organisationId })
      .from(departmentUsers)
      .where(eq(departmentUsers.userId, user.id));
    return row?.id ?? null;
  }

  private canRead(row: EventRow, user: AuthUser, departmentId: number | null): boolean {
    if (row.reporterUserId === user.id || row.fieldCheckUserId === user.id) return true;
    if (departmentId !== null && row.assignedDepartmentId === departmentId) return true;
    if (!user.roles.some((role) => GRID_SCOPED.includes(role))) return false;
    return (
      user.scope.coversPath(row.gridPath) ||
      (row.handlingGridPath !== null && user.scope.coversPath(row.handlingGridPath))
    );
  }

  private readCondition(user: AuthUser, departmentId: number | null): SQL {
    const conditions: SQL[] = [sql`e.reporter_user_id = ${user.id}`, sql`e.field_check_user_id = ${user.id}`];
    if (departmentId !== null) conditions.push(sql`e.assigned_department_id = ${departmentId}`);
    if (user.roles.some((role) => GRID_SCOPED.includes(role))) {
      conditions.push(user.scope.pathCondition(sql`e.grid_path`));
      conditions.push(user.scope.pathCondition(sql`e.handling_grid_path`));
    }
    return sql`(${sql.join(conditions, sql` or `)})`;
  }

  private async visibleRow(id: number, user: AuthUser, departmentId: number | null): Promise<EventRow> {
    const [row] = await this.db.select().from(events).where(eq(events.id, id));
    if (!row || !this.canRead(row, user, departmentId)) throw errors.notFound(EVENT, String(id));
    return row;
  }

  /** An event whatever the reader's scope: for callers that authorised otherwise (a verified follow code). */
  private async rowById(id: number): Promise<EventRow> {
    const [row] = await this.db.select().from(events).where(eq(events.id, id));
    if (!row) throw errors.notFound(EVENT, String(id));
    return row;
  }

  /**
   * The dashboard's counters in one statement over the events this user may see (一网统管: today's reports, open,
   * overdue, the period's completion), so that the first screen waits for one answer instead of ten.
   */
  async stats(query: EventStatsQueryValue, user: AuthUser) {
    const departmentId = await this.departmentOf(user);
    const where = this.readCondition(user, departmentId);
    const final = sql.join(
      FINAL_STATES.map((state) => sql`${state}`),
      sql`, `,
    );
    const rows = rowsOf<{ state: string; n: number; today: number; period: number; overdue: number }>(
      await this.db.execute(sql`
        select e.state, count(*)::int as n,
          count(*) filter (where e.created_at >= ${query.todayFrom}::timestamptz)::int as today,
          count(*) filter (where e.created_at >= ${query.periodFrom}::timestamptz)::int as period,
          count(*) filter (where e.state not in (${final}) and exists (
            select 1 from event_deadlines d where d.event_id = e.id
              and (d.state = 'overdue' or (d.state = 'running' and d.due_at < ${this.deps.clock.now()}))
          ))::int as overdue
        from events e where ${where}
        group by e.state`),
    );
    const byState = Object.fromEntries(rows.map((row) => [row.state, row.n]));
    const sum = (pick: (row: (typeof rows)[number]) => number, states?: readonly string[]) =>
      rows
        .filter((row) => !states || states.includes(row.state))
        .reduce((total, row) => total + pick(row), 0);
    const total = sum((row) => row.n);
    return {
      total,
      today: sum((row) => row.today),
      open: total - sum((row) => row.n, FINAL_STATES),
      overdue: sum((row) => row.overdue),
      periodTotal: sum((row) => row.period),
      periodDone: sum((row) => row.period, ['closed', 'rated']),
      byState,
    };
  }

  async list(query: EventListQueryValue, user: AuthUser) {
    const departmentId = await this.departmentOf(user);
    const conditions: SQL[] = [this.readCondition(user, departmentId)];
    if (query.state) conditions.push(sql`e.state = ${query.state}`);
    if (query.source) conditions.push(sql`e.source = ${query.source}`);
    if (query.category) {
      conditions.push(
        query.category.length === 2
          ? sql`e.category_code like ${`${query.category}%`}`
          : sql`e.category_code = ${query.category}`,
      );
    }
    if (query.grid) {
      const [grid] = await this.db.select({ path: grids.path }).from(grids).where(eq(grids.code, query.grid));
      if (!grid) throw errors.notFound({ zh: '网格', en: 'Grid' }, query.grid);
      conditions.push(sql`e.grid_path like ${`${grid.path}%`}`);
    }
    if (query.mine) conditions.push(sql`e.reporter_user_id = ${user.id}`);
    if (query.assigned === 'me') {
      conditions.push(sql`(e.claimed_by = ${user.id} or e.field_check_user_id = ${user.id})`);
    }
    if (query.assigned === 'department') {
      conditions.push(departmentId === null ? sql`false` : sql`e.assigned_department_id = ${departmentId}`);
    }
    if (query.q) {
      const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(
        sql`(e.number ilike ${like} or e.title ilike ${like} or e.description ilike ${like} or e.address ilike ${like})`,
      );
    }
    if (query.createdFrom) conditions.push(sql`e.created_at >= ${query.createdFrom}::timestamptz`);
    if (query.createdTo) conditions.push(sql`e.created_at < ${query.createdTo}::timestamptz`);
    const where = sql.join(conditions, sql` and `);
    if (query.actionable) return this.actionableList(where, query, user, departmentId);
    const [count] = rowsOf<{ n: number }>(
      await this.db.execute(sql`select count(*)::int as n from events e where ${where}`),
    );
    const rows = rowsOf<{ id: number }>(
      await this.db.execute(sql`
        select e.id from events e where ${where}
        order by e.created_at desc, e.id desc
        limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`),
    );
    const items =
      rows.length === 0
        ? []
        : await this.db
            .select()
            .from(events)
            .where(
              inArray(
                events.id,
                rows.map((row) => row.id),
              ),
            );
    const byId = new Map(items.map((row) => [row.id, row]));
    const handling = await this.gridCodes(items.map((row) => row.handlingGridId));
    return {
      items: rows.map((row) => this.summary(byId.get(row.id)!, handling)),
      total: count?.n ?? 0,
    };
  }

  /**
   * The events of the list on which this user may act now (a grid worker's 任务 tasks): the state machine decides
   * per row, as for the detail's `actions`, so the list and the detail never disagree. The newest
   * ACTIONABLE_WINDOW matching events are looked at, then paged in memory.
   */
  private async actionableList(
    where: SQL,
    query: EventListQueryValue,
    user: AuthUser,
    departmentId: number | null,
  ) {
    const rows = rowsOf<{ id: number }>(
      await this.db.execute(sql`
        select e.id from events e where ${where}
        order by e.updated_at desc, e.id desc limit ${ACTIONABLE_WINDOW}`),
    );
    const found =
      rows.length === 0
        ? []
        : await this.db
            .select()
            .from(events)
            .where(
              inArray(
                events.id,
                rows.map((row) => row.id),
              ),
            );
    const byId = new Map(found.map((row) => [row.id, row]));
    const actor = this.machineActor(user, departmentId);
    const actionable = rows
      .map((row) => byId.get(row.id)!)
      .map((row) => ({ row, actions: availableActions(this.machineEvent(row), actor) }))
      .filter((entry) => entry.actions.length > 0);
    const page = actionable.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
    const handling = await this.gridCodes(page.map((entry) => entry.row.handlingGridId));
    return {
      items: await Promise.all(
        page.map(async (entry) => ({
          ...this.summary(entry.row, handling),
          actions: entry.actions,
          deadlines: this.deps.deadlines ? await this.deps.deadlines.list(this.db, entry.row.id) : [],
        })),
      ),
      total: actionable.length,
    };
  }

  private async gridCodes(ids: (number | null)[]): Promise<Map<number, string>> {
    const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
    if (wanted.length === 0) return new Map();
    const rows = await this.db
      .select({ id: grids.id, code: grids.code })
      .from(grids)
      .where(inArray(grids.id, wanted));
    return new Map(rows.map((row) => [row.id, row.code]));
  }

  private summary(row: EventRow, handling: Map<number, string>) {
    return {
      id: row.id,
      number: row.number,
      source: row.source,
      categoryCode: row.categoryCode,
      title: row.title,
      state: row.state,
      urgency: row.urgency,
      difficulty: row.difficulty,
      location: { lng: row.lng, lat: row.lat },
      address: row.address,
      grids: row.gridChain.map(({ code, level, name }) => ({ code, level, name })),
      assignedDepartmentId: row.assignedDepartmentId,
      handlingGridCode: row.handlingGridId !== null ? (handling.get(row.handlingGridId) ?? null) : null,
      possibleDuplicateOf: row.possibleDuplicateOf,
      duplicateFlag: row.duplicateFlag,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      closedAt: row.closedAt?.toISOString() ?? null,
    };
  }

  /** One event with its timeline and the actions this user may take now; outside the reader's reach: 404. */
  async get(id: number, user: AuthUser) {
    const departmentId = await this.departmentOf(user);
    const row = await this.visibleRow(id, user, departmentId);
    return this.detail(row, user, departmentId);
  }

  private async detail(row: EventRow, user: AuthUser, departmentId: number | null) {
    const [timeline, files, category, handling] = [
      await this.db
        .select()
        .from(eventTimeline)
        .where(eq(eventTimeline.eventId, row.id))
        .orderBy(asc(eventTimeline.id)),
      await this.db
        .select({ hash: attachments.hash, mime: attachments.mime, size: attachments.size })
        .from(attachments)
        .where(eq(attachments.eventId, row.id))
        .orderBy(asc(attachments.id)),
      await this.category(row.categoryCode),
      await this.gridCodes([row.handlingGridId]),
    ];
    let phone: string | null = null;
    if (row.reporterPhoneCipher !== null) {
      const plain = this.deps.protector().decrypt(row.reporterPhoneCipher);
      if (user.roles.some((role) => PHONE_READERS.includes(role))) {
        phone = plain;
        await recordAudit(this.db, { userId: user.id, name: user.username }, this.deps.clock.now(), [
          {
            action: 'event.reporter_phone',
            entity: 'event',
            entityKey: String(row.id),
            gridId: row.gridId,
            detail: { fields: ['reporterPhone'] },
          },
        ]);
      } else {
        phone = maskPhone(plain);
      }
    }
    const machineEvent = this.machineEvent(row);
    return {
      ...this.summary(row, handling),
      description: row.description,
      version: row.version,
      category: category
        ? {
            code: category.code,
            name: { zh: category.nameZh, en: category.nameEn },
            filingStandards: category.filingStandards,
            closingStandards: category.closingStandards,
          }
        : null,
      reporter: { userId: row.reporterUserId, name: row.reporterName, phone },
      hotlineTicket: row.hotlineTicket,
      claimedBy: row.claimedBy,
      fieldCheckUserId: row.fieldCheckUserId,
      selfHandled: row.selfHandled,
      suggestion: row.suggestion ?? null,
      pendingRequest: (row.pendingRequest as unknown as Record<string, unknown> | null) ?? null,
      rating: row.rating !== null ? { score: row.rating, comment: row.ratingComment } : null,
      attachments: files.map((file) => ({ ...file, url: `/api/attachments/${file.hash}` })),
      deadlines: this.deps.deadlines ? await this.deps.deadlines.list(this.db, row.id) : [],
      timeline: timeline.map((entry) => ({
        action: entry.action,
        fromState: entry.fromState,
        toState: entry.toState,
        actor: { userId: entry.actorUserId, name: entry.actorName, role: entry.actorRole },
        at: entry.at.toISOString(),
        note: entry.note,
        data: entry.data,
      })),
      actions: availableActions(machineEvent, this.machineActor(user, departmentId)),
    };
  }

  private machineEvent(row: EventRow): MachineEvent {
    const pending = row.pendingRequest as PendingRequest | null;
    return {
      state: row.state as EventState,
      gridPath: row.gridPath,
      reporterUserId: row.reporterUserId,
      claimedBy: row.claimedBy,
      fieldCheckUserId: row.fieldCheckUserId,
      assignedDepartmentId: row.assignedDepartmentId,
      handlingGridPath: row.handlingGridPath,
      selfHandled: row.selfHandled,
      suspendedFrom: (row.suspendedFrom as EventState | null) ?? null,
      pendingRequest: pending ? { kind: pending.kind, byUserId: pending.byUserId } : null,
      selfHandlingAllowed: this.deps.policy.selfHandlingMajors.includes(row.categoryCode.slice(0, 2)),
    };
  }

  private machineActor(user: AuthUser, departmentId: number | null): MachineActor {
    return {
      userId: user.id,
      roles: user.roles,
      departmentId,
      covers: (path) => user.scope.coversPath(path),
    };
  }

  // ── the closed loop (E3) ────────────────────────────────────────────────────────────────────────────────

  /**
   * Takes one action of the state machine. The change and its timeline entry are written in one transaction,
   * and only if the event still has the version read (or the one the client sent): a stale write is 409.
   */
  async act(
    id: number,
    action: EventAction,
    body: ActionBody,
    user: AuthUser,
    /**
     * `followCode: 'verified'`: the resident page (src/residents) checked the matter's follow code; the event is
     * read without the account's scope and the machine's rate rule accepts the code instead of the reporter.
     */
    via: { followCode?: 'verified' } = {},
  ) {
    const departmentId = await this.departmentOf(user);
    const row =
      via.followCode === 'verified' ? await this.rowById(id) : await this.visibleRow(id, user, departmentId);
    if (body.version !== undefined && body.version !== row.version) throw this.stale(row);
    const machineEvent = this.machineEvent(row);
    const decision = decide(action, machineEvent, {
      ...this.machineActor(user, departmentId),
      ...(via.followCode === 'verified' ? { followCode: 'verified' as const } : {}),
    });
    if (!decision.ok) {
      if (decision.code === 'illegal_transition') {
        throw errors.conflict(
          'illegal_transition',
          `事件处于「${decision.from}」状态，不能执行「${action}」`,
          `An event in state "${decision.from}" cannot take action "${action}"`,
          { from: decision.from, to: decision.to, action },
        );
      }
      if (decision.code === 'forbidden') throw errors.forbidden(decision.reason.zh, decision.reason.en);
      if (decision.code === 'already_claimed') {
        throw errors.conflict('already_claimed', '该事件已被认领', 'The event has already been claimed');
      }
      if (decision.code === 'request_pending') {
        throw errors.conflict(
          'request_pending',
          '已有待审批的申请',
          'A request is already waiting for approval',
        );
      }
      throw errors.conflict('no_request', '没有待审批的申请', 'There is no request waiting for approval');
    }
    const at = this.deps.clock.now();
    const change = await this.changeOf(action, body, row, user, decision.to, at);
    const hashes = body.attachments ? [...new Set(body.attachments)] : [];
    if (hashes.length > 0) await this.checkUploads(hashes, user, row.id);
    // the next stage's clock is planned before the transaction: the catalogue reads through the pool
    const keeper = this.deps.deadlines;
    const moved = decision.to !== row.state;
    const difficulty = (change.set.difficulty as string | undefined) ?? row.difficulty;
    let plan: StagePlan | null = null;
    let timing: LadderTiming | null = null;
    if (keeper && moved && decision.to !== 'suspended' && row.state !== 'suspended') {
      plan = await keeper.plan({ ...row, difficulty }, decision.to, at);
    }
    if (keeper && action === 'classify') plan = await keeper.planClassification(row, difficulty, at);
    const extensionDays =
      action === 'approve' && change.data.kind === 'extension' ? change.data.days : undefined;
    if (keeper && ((row.state === 'suspended' && moved) || typeof extensionDays === 'number')) {
      timing = await keeper.timingOf(row.gridChain);
    }
    await this.deps.database.db.transaction(async (tx) => {
      const updated = await tx
        .update(events)
        .set({ ...change.set, state: decision.to, version: row.version + 1, updatedAt: at })
        .where(and(eq(events.id, row.id), eq(events.version, row.version)))
        .returning({ id: events.id });
      if (updated.length === 0) throw this.stale(row);
      await tx.insert(eventTimeline).values({
        eventId: row.id,
        action,
        fromState: row.state,
        toState: decision.to,
        actorUserId: user.id,
        actorName: user.username,
        actorRole: this.roleFor(action, user),
        at,
        note: body.note ?? body.reason ?? body.comment ?? null,
        data: { ...change.data, ...(hashes.length > 0 ? { attachments: hashes } : {}) },
      });
      if (hashes.length > 0) {
        await linkAttachments(
          tx,
          hashes.map((hash) => ({ event_id: row.id, hash, user_id: user.id, at: at.toISOString() })),
        );
      }
      // 定难度 the difficulty's clock replaces the running one; the old clock's timers are withdrawn
      if (keeper && action === 'classify') await keeper.enter(tx, row.id, plan, at, 'superseded');
      if (keeper && moved) {
        if (decision.to === 'suspended') await keeper.pause(tx, row.id, at);
        else if (row.state === 'suspended') await keeper.resume(tx, row.id, at, timing!);
        else await keeper.enter(tx, row.id, plan, at);
      }
      if (keeper && typeof extensionDays === 'number') {
        await keeper.extend(tx, row.id, extensionDays, timing!);
      }
      await this.publishChange(tx, row, decision.to, action, at);
    });
    if (via.followCode === 'verified') return this.detail(await this.rowById(row.id), user, departmentId);
    const fresh = await this.visibleRowAfter(row.id, user, departmentId);
    return fresh;
  }

  /** The live stream and the webhooks hear of every change, committed with it. */
  private async publishChange(
    tx: Executor,
    row: EventRow,
    state: string,
    action: EventAction,
    at: Date,
  ): Promise<void> {
    await this.deps.stream?.publishIn(tx, {
      type: eventChangeType(action),
      id: row.id,
      gridPath: row.gridPath,
      state,
      at,
    });
    await this.deps.webhooks?.dispatch(tx, eventChangeType(action), {
      id: row.id,
      number: row.number,
      state,
      at: at.toISOString(),
    });
  }

  /** After an action the actor may no longer see the event (a return takes it off a department's desk). */
  private async visibleRowAfter(id: number, user: AuthUser, departmentId: number | null) {
    const [row] = await this.db.select().from(events).where(eq(events.id, id));
    if (!row) throw errors.notFound(EVENT, String(id));
    return this.detail(row, user, departmentId);
  }

  private roleFor(action: EventAction, user: AuthUser): Role | null {
    return primaryRole(user.roles);
  }

  private stale(row: EventRow): AppError {
    return errors.conflict(
      'stale',
      '事件已被他人更新，请刷新后重试',
      'The event was changed meanwhile; reload and try again',
      { id: row.id },
    );
  }

  private async checkUploads(hashes: string[], user: AuthUser, eventId: number): Promise<void> {
    const known = await this.db
      .selectDistinct({ hash: attachments.hash })
      .from(attachments)
      .where(
        and(
          inArray(attachments.hash, hashes),
          sql`(${attachments.uploadedBy} = ${user.id} or ${attachments.eventId} = ${eventId})`,
        ),
      );
    const have = new Set(known.map((row) => row.hash));
    const missing = hashes.map((hash, i) => ({ hash, i })).filter(({ hash }) => !have.has(hash));
    if (missing.length > 0) {
      throw errors.unprocessable(
        'unknown_attachment',
        '附件不存在（请先上传）',
        'No such uploaded attachment (upload it first)',
        missing.map(({ i }) => ({
          field: `/body/attachments/${i}`,
          zh: '附件不存在',
          en: 'unknown attachment',
        })),
      );
    }
  }

  /** What an action changes besides the state, after checking its body against the event. */
  private async changeOf(
    action: EventAction,
    body: ActionBody,
    row: EventRow,
    user: AuthUser,
    to: EventState,
    at: Date,
  ): Promise<{ set: Partial<typeof events.$inferInsert>; data: Record<string, unknown> }> {
    switch (action) {
      case 'claim':
        return { set: { claimedBy: user.id }, data: {} };
      case 'accept': {
        const category = await this.category(row.categoryCode);
        this.checkStandards(
          body.filingStandards ?? [],
          category?.filingStandards ?? [],
          '/body/filingStandards',
        );
        return {
          set: {
            claimedBy: row.claimedBy ?? user.id,
            ...(body.difficulty ? { difficulty: body.difficulty } : {}),
          },
          data: {
            filingStandards: body.filingStandards,
            ...(body.difficulty ? { difficulty: body.difficulty } : {}),
          },
        };
      }
      case 'decline':
        return { set: { claimedBy: row.claimedBy ?? user.id, closedAt: at }, data: {} };
      case 'request_field_check': {
        await this.checkFieldWorker(body.assigneeUserId!, row);
        return {
          set: { claimedBy: row.claimedBy ?? user.id, fieldCheckUserId: body.assigneeUserId! },
          data: { assigneeUserId: body.assigneeUserId },
        };
      }
      case 'report_field_check':
        return { set: {}, data: { confirmed: body.confirmed } };
      case 'dispatch':
        return this.dispatchChange(body, row);
      case 'pass_up':
        return {
          set: { claimedBy: null, assignedDepartmentId: null, handlingGridId: null, handlingGridPath: null },
          data: {
            previousDepartmentId: row.assignedDepartmentId,
            previousHandlingGridId: row.handlingGridId,
          },
        };
      case 'return':
        // the assignment stays on record until the dispatcher corrects it
        return {
          set: {},
          data: { departmentId: row.assignedDepartmentId, handlingGridId: row.handlingGridId },
        };
      case 'start':
      case 'handle':
      case 'verify':
      case 'rework':
        return { set: {}, data: {} };
      case 'self_handle':
        return {
          set: { selfHandled: true, handlingGridId: row.gridId, handlingGridPath: row.gridPath },
          data: {},
        };
      case 'close': {
        const category = await this.category(row.categoryCode);
        this.checkStandards(
          body.closingStandards ?? [],
          category?.closingStandards ?? [],
          '/body/closingStandards',
        );
        return { set: { closedAt: at }, data: { closingStandards: body.closingStandards } };
      }
      case 'rate':
        return {
          set: { rating: body.score!, ratingComment: body.comment ?? null },
          data: { score: body.score },
        };
      case 'request_suspension':
      case 'request_extension':
      case 'request_cancellation':
      case 'request_force_close': {
        const kind = (
          {
            request_suspension: 'suspension',
            request_extension: 'extension',
            request_cancellation: 'cancellation',
            request_force_close: 'force_close',
          } as const
        )[action];
        const pending: PendingRequest = {
          kind,
          byUserId: user.id,
          byName: user.username,
          at: at.toISOString(),
          reason: body.reason!,
          ...(body.days !== undefined ? { days: body.days } : {}),
        };
        return {
          set: { pendingRequest: pending },
          data: { kind, ...(body.days ? { days: body.days } : {}) },
        };
      }
      case 'approve': {
        const pending = row.pendingRequest as PendingRequest;
        const set: Partial<typeof events.$inferInsert> = { pendingRequest: null };
        if (pending.kind === 'suspension') set.suspendedFrom = row.state;
        if (to === 'closed' || to === 'cancelled') set.closedAt = at;
        // 延期: the days granted are on the timeline and move the running stage clocks (DeadlineKeeper.extend)
        return {
          set,
          data: {
            kind: pending.kind,
            requestedBy: pending.byUserId,
            ...(pending.days ? { days: pending.days } : {}),
          },
        };
      }
      case 'reject_request': {
        const pending = row.pendingRequest as PendingRequest;
        return { set: { pendingRequest: null }, data: { kind: pending.kind, requestedBy: pending.byUserId } };
      }
      case 'resume':
        return { set: { suspendedFrom: null }, data: {} };
      case 'classify': {
        if (body.difficulty === row.difficulty) {
          throw errors.unprocessable(
            'difficulty_unchanged',
            '事件已是该难度',
            'The event already has this difficulty',
            [{ field: '/body/difficulty', zh: '难度未改变', en: 'the difficulty is unchanged' }],
          );
        }
        return {
          set: { difficulty: body.difficulty! },
          data: { difficulty: body.difficulty, previous: row.difficulty },
        };
      }
    }
  }

  private checkStandards(ticked: number[], standards: unknown[], field: string): void {
    const missing = standards.map((_, i) => i).filter((i) => !ticked.includes(i));
    const unknown = ticked.filter((i) => i >= standards.length);
    if (missing.length > 0 || unknown.length > 0) {
      throw errors.unprocessable(
        'standards_not_met',
        '须勾选该分类的全部标准',
        'Every standard of the category must be ticked',
        [
          {
            field,
            zh: `未勾选：${missing.join(', ') || '无'}；不存在：${unknown.join(', ') || '无'}`,
            en: `not ticked: ${missing.join(', ') || 'none'}; unknown: ${unknown.join(', ') || 'none'}`,
          },
        ],
      );
    }
  }

  private async checkFieldWorker(userId: number, row: EventRow): Promise<void> {
    const bound = rowsOf<{ path: string; roles: string[] }>(
      await this.db.execute(sql`
        select g.path, u.roles from ${users} u
        join ${userGrids} ug on ug.user_id = u.id join ${grids} g on g.id = ug.grid_id
        where u.id = ${userId} and not u.disabled`),
    );
    const ok = bound.some((b) => b.roles.includes('grid_worker') && row.gridPath.startsWith(b.path));
    if (!ok) {
      throw errors.unprocessable(
        'not_a_grid_worker_here',
        '核实人必须是事件所在网格的网格员',
        'The field check goes to a grid worker of the event’s grid',
        [{ field: '/body/assigneeUserId', zh: '不是该网格的网格员', en: 'not a grid worker of this grid' }],
      );
    }
  }

  private async dispatchChange(body: ActionBody, row: EventRow) {
    const suggestion = body.useSuggestion ? row.suggestion : null;
    const departmentId = body.departmentId ?? suggestion?.departmentId;
    const gridCode = body.handlingGridCode ?? suggestion?.handlingGridCode;
    if (departmentId === undefined && gridCode === undefined) {
      throw errors.unprocessable(
        'no_assignee',
        '请选择承办部门或承办网格',
        'Choose a department or a handling grid',
        [
          {
            field: '/body/departmentId',
            zh: '承办部门或承办网格至少选一个',
            en: 'a department or a handling grid is needed',
          },
        ],
      );
    }
    let handling: { id: number; path: string } | undefined;
    if (departmentId !== undefined) {
      const [department] = await this.db
        .select({ id: organisations.id })
        .from(organisations)
        .where(and(eq(organisations.id, departmentId), eq(organisations.kind, 'department')));
      if (!department) {
        throw errors.unprocessable('unknown_department', '承办部门不存在', 'No such department', [
          { field: '/body/departmentId', zh: '部门不存在', en: 'no such department' },
        ]);
      }
    }
    if (gridCode !== undefined) {
      const [grid] = await this.db
        .select({ id: grids.id, path: grids.path })
        .from(grids)
        .where(and(eq(grids.code, gridCode), sql`${grids.retiredAt} is null`));
      if (!grid) {
        throw errors.unprocessable(
          'unknown_grid',
          `网格「${gridCode}」不存在`,
          `Grid "${gridCode}" does not exist`,
          [{ field: '/body/handlingGridCode', zh: '网格不存在', en: 'no such grid', grids: [gridCode] }],
        );
      }
      handling = grid;
    }
    const followed =
      row.suggestion !== null &&
      row.suggestion !== undefined &&
      (row.suggestion.departmentId ?? null) === (departmentId ?? null) &&
      (row.suggestion.handlingGridCode ?? null) === (gridCode ?? null);
    return {
      set: {
        assignedDepartmentId: departmentId ?? null,
        handlingGridId: handling?.id ?? null,
        handlingGridPath: handling?.path ?? null,
      },
      data: {
        departmentId: departmentId ?? null,
        handlingGridCode: gridCode ?? null,
        suggestion: row.suggestion ? (followed ? 'followed' : 'overridden') : 'none',
      },
    };
  }

  // ── attachments ─────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Stores an uploaded file (type by its magic bytes, size limited) and records it, for an event the uploader
   * may read, or on its own to be referenced by hash in a report.
   */
  async upload(bytes: Buffer, user: AuthUser, eventId?: number) {
    if (bytes.length > this.deps.policy.maxAttachmentBytes) {
      throw new AppError(
        413,
        'too_large',
        '文件过大',
        `The file is larger than ${this.deps.policy.maxAttachmentBytes} bytes`,
      );
    }
    const mime = sniffType(bytes);
    if (!mime) {
      throw new AppError(
        415,
        'unsupported_type',
        '只接受 JPEG、PNG、WebP、HEIC 图片和 PDF 文件',
        'Only JPEG, PNG, WebP, HEIC images and PDF files are accepted',
      );
    }
    if (eventId !== undefined) {
      const departmentId = await this.departmentOf(user);
      await this.visibleRow(eventId, user, departmentId);
    }
    const hash = await this.files.put(bytes);
    await this.db.insert(attachments).values({
      hash,
      mime,
      size: bytes.length,
      eventId: eventId ?? null,
      uploadedBy: user.id,
      createdAt: this.deps.clock.now(),
    });
    return { hash, mime, size: bytes.length, url: `/api/attachments/${hash}` };
  }

  /** The bytes of a file the reader uploaded or may see through one of its events; otherwise 404. */
  async readAttachment(hash: string, user: AuthUser): Promise<{ bytes: Buffer; mime: string }> {
    const rows = await this.db
      .select({ mime: attachments.mime, eventId: attachments.eventId, uploadedBy: attachments.uploadedBy })
      .from(attachments)
      .where(eq(attachments.hash, hash));
    let allowed = rows.some((row) => row.uploadedBy === user.id);
    if (!allowed) {
      const eventIds = [...new Set(rows.map((row) => row.eventId).filter((id): id is number => id !== null))];
      if (eventIds.length > 0) {
        const departmentId = await this.departmentOf(user);
        const candidates = await this.db.select().from(events).where(inArray(events.id, eventIds));
        allowed = candidates.some((row) => this.canRead(row, user, departmentId));
      }
    }
    if (!allowed) throw errors.notFound(ATTACHMENT, hash);
    const bytes = await this.files.get(hash);
    if (!bytes) throw errors.notFound(ATTACHMENT, hash);
    return { bytes, mime: rows[0]!.mime };
  }
}
