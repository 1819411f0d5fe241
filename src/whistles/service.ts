import { randomInt } from 'node:crypto';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database, type Executor, type Tx } from '../core/db.js';
import { errors } from '../core/errors.js';
import { recordAudit } from '../core/audit.js';
import type { AuthUser } from '../accounts/auth.js';
import { may, type Role } from '../accounts/roles.js';
import { Scope } from '../accounts/scope.js';
import { users } from '../accounts/tables.js';
import type { DutyService } from '../duties/service.js';
import type { EventService } from '../events/service.js';
import { FINAL_STATES } from '../events/machine.js';
import { events, eventTimeline } from '../events/tables.js';
import { grids } from '../grids/tables.js';
import type { JobRunner } from '../jobs/runner.js';
import type { NotificationService } from '../notifications/service.js';
import { organisations } from '../people/tables.js';
import { whistlePolicyFor, type WhistlePolicies, type WhistlePolicy } from './policy.js';
import { publishedSpan, ratingBlocks } from './aggregate.js';
import type { BlowWhistleBody, RateBody, RespondBody } from './schema.js';
import {
  whistleNotes,
  whistleParties,
  whistleRatingBallots,
  whistleRatingTokens,
  whistles,
} from './tables.js';

export interface WhistleServiceDeps {
  database: Database;
  clock: Clock;
  events: EventService;
  duties: DutyService;
  jobs: JobRunner;
  notifications: NotificationService;
  /** The defaults and the per-street overrides (Policy.whistles). */
  policy: WhistlePolicies;
}

type WhistleRow = typeof whistles.$inferSelect;
type PartyRow = typeof whistleParties.$inferSelect;

const WHISTLE = { zh: '吹哨', en: 'Whistle' };
const DEPARTMENT = { zh: '职能部门', en: 'Department' };
export const WHISTLE_DEADLINE_JOB = 'whistle.deadline';
export const RATING_COUNT_JOB = 'whistle.ratings.count';
/** Roles that see the whistles blown inside their grids. */
const GRID_READERS: readonly Role[] = ['admin', 'district', 'command_centre', 'area_leader', 'grid_leader'];
/** Roles that answer for a summoned grid. */
const GRID_RESPONDERS: readonly Role[] = ['command_centre', 'area_leader', 'grid_leader'];

/** The calendar date in China (UTC+8): the only time a rating keeps. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Writes a timeline entry on an event inside the caller's transaction (the timeline is append-only; the event's
 * state is unchanged, so from and to are the current state).
 */
export async function appendEventTimeline(
  tx: Executor,
  entry: {
    eventId: number;
    action: string;
    state: string;
    user: AuthUser;
    at: Date;
    note?: string | null;
    data?: Record<string, unknown>;
  },
): Promise<void> {
  await tx.insert(eventTimeline).values({
    eventId: entry.eventId,
    action: entry.action,
    fromState: entry.state,
    toState: entry.state,
    actorUserId: entry.user.id,
    actorName: entry.user.username,
    actorRole: entry.user.roles[0] ?? null,
    at: entry.at,
    note: entry.note ?? null,
    data: entry.data ?? {},
  });
}

/** 吹哨 — 响应 — 联合处置 — 评价 (E6). */
export class WhistleService {
  constructor(private readonly deps: WhistleServiceDeps) {
    deps.jobs.register<{ whistleId: number }>(WHISTLE_DEADLINE_JOB, (tx, job) =>
      this.deadlinePassed(tx, job.payload.whistleId),
    );
    deps.jobs.register(RATING_COUNT_JOB, async (tx) => {
      await countBallots(tx);
    });
  }

  private get db(): Executor {
    return this.deps.database.db;
  }

  // ── blowing ─────────────────────────────────────────────────────────────────────────────────────────────

  async blow(eventId: number, body: BlowWhistleBody, user: AuthUser) {
    // the events service decides who may see the event: outside the whistler's reach it is 404
    await this.deps.events.get(eventId, user);
    const [event] = await this.db
      .select({
        id: events.id,
        gridId: events.gridId,
        gridPath: events.gridPath,
        gridChain: events.gridChain,
        state: events.state,
      })
      .from(events)
      .where(eq(events.id, eventId));
    if (!event) throw errors.notFound({ zh: '事件', en: 'Event' }, String(eventId));
    if (!user.scope.coversPath(event.gridPath)) {
      throw errors.forbidden('只能对本网格的事件吹哨', 'You can whistle only on events of your grids');
    }
    if ((FINAL_STATES as readonly string[]).includes(event.state)) {
      throw errors.conflict('event_finished', '事件已结束，不能吹哨', 'The event is finished');
    }
    const departmentIds = body.departmentIds ?? [];
    const gridCodes = body.gridCodes ?? [];
    if (departmentIds.length + gridCodes.length === 0) {
      throw errors.unprocessable('no_parties', '请至少选择一个部门或网格', 'Summon a department or a grid', [
        { field: '/body/departmentIds', zh: '部门或网格至少选一个', en: 'a department or a grid is needed' },
      ]);
    }
    const problems: { field: string; zh: string; en: string }[] = [];
    const departments =
      departmentIds.length === 0
        ? []
        : await this.db
            .select({ id: organisations.id, name: organisations.name })
            .from(organisations)
            .where(and(inArray(organisations.id, departmentIds), eq(organisations.kind, 'department')));
    departmentIds.forEach((id, i) => {
      if (!departments.some((row) => row.id === id)) {
        problems.push({ field: `/body/departmentIds/${i}`, zh: '部门不存在', en: 'no such department' });
      }
    });
    const summonedGrids =
      gridCodes.length === 0
        ? []
        : await this.db
            .select({ id: grids.id, code: grids.code, path: grids.path })
            .from(grids)
            .where(and(inArray(grids.code, gridCodes), sql`${grids.retiredAt} is null`));
    gridCodes.forEach((code, i) => {
      if (!summonedGrids.some((row) => row.code === code)) {
        problems.push({
          field: `/body/gridCodes/${i}`,
          zh: `网格「${code}」不存在`,
          en: `no grid "${code}"`,
        });
      }
    });
    if (problems.length > 0) {
      throw errors.unprocessable(
        'unknown_party',
        '被召集的部门或网格不存在',
        'No such department or grid',
        problems,
      );
    }
    // department users are read before the transaction: PGlite has one connection
    const departmentUsers = new Map<number, number[]>();
    for (const department of departments) {
      departmentUsers.set(
        department.id,
        (await this.deps.duties.usersOf(department.id)).map((u) => u.id),
      );
    }
    const at = this.deps.clock.now();
    const urgent = body.urgent ?? false;
    // the street's own response deadlines (per-street policy), else the defaults
    const policy = whistlePolicyFor(
      this.deps.policy,
      event.gridChain.map((link) => link.code),
    );
    const seconds =
      body.responseSeconds ?? (urgent ? policy.urgentResponseSeconds : policy.normalResponseSeconds);
    const respondBy = new Date(at.getTime() + seconds * 1000);
    const id = await this.deps.database.db.transaction(async (tx) => {
      const [whistle] = await tx
        .insert(whistles)
        .values({
          eventId,
          gridId: event.gridId,
          gridPath: event.gridPath,
          whistlerUserId: user.id,
          whistlerName: user.displayName,
          reason: body.reason,
          urgent,
          respondBy,
          createdAt: at,
        })
        .returning({ id: whistles.id });
      const whistleId = whistle!.id;
      await tx
        .insert(whistleParties)
        .values([
          ...departments.map((d) => ({ whistleId, kind: 'department', departmentId: d.id })),
          ...summonedGrids.map((g) => ({ whistleId, kind: 'grid', gridId: g.id })),
        ]);
      await appendEventTimeline(tx, {
        eventId,
        action: 'whistled',
        state: event.state,
        user,
        at,
        note: body.reason,
        data: {
          whistleId,
          departmentIds: departments.map((d) => d.id),
          gridCodes: summonedGrids.map((g) => g.code),
          respondBy: respondBy.toISOString(),
        },
      });
      const message = {
        kind: 'whistle.summoned',
        title: { zh: urgent ? '紧急吹哨：请及时响应' : '吹哨：请响应', en: 'A whistle summons you' },
        body: { zh: body.reason, en: body.reason },
        link: `/whistles/${whistleId}`,
        data: { whistleId, eventId, respondBy: respondBy.toISOString() },
      };
      await this.deps.notifications.notify(tx, [...departmentUsers.values()].flat(), message);
      if (summonedGrids.length > 0) {
        await this.deps.notifications.notifyRoleInGrids(tx, {
          roles: ['grid_leader', 'area_leader'],
          gridIds: summonedGrids.map((g) => g.id),
          exceptUserIds: [user.id],
          message,
        });
      }
      await this.deps.jobs.schedule(tx, {
        kind: WHISTLE_DEADLINE_JOB,
        key: String(whistleId),
        runAt: respondBy,
        payload: { whistleId },
      });
      await recordAudit(tx, { userId: user.id, name: user.username }, at, [
        {
          action: 'whistle.blow',
          entity: 'whistle',
          entityKey: String(whistleId),
          gridId: event.gridId,
          detail: {
            eventId,
            departmentIds: departments.map((d) => d.id),
            gridCodes: summonedGrids.map((g) => g.code),
          },
        },
      ]);
      return whistleId;
    });
    return this.get(id, user);
  }

  /** The deadline: who has not answered is overdue; the whistler and the command centre hear of it. */
  private async deadlinePassed(tx: Tx, whistleId: number): Promise<void> {
    const [whistle] = await tx.select().from(whistles).where(eq(whistles.id, whistleId));
    if (!whistle || whistle.state !== 'open') return;
    const overdue = await tx
      .update(whistleParties)
      .set({ status: 'overdue' })
      .where(and(eq(whistleParties.whistleId, whistleId), eq(whistleParties.status, 'summoned')))
      .returning({ id: whistleParties.id });
    if (overdue.length === 0) return;
    const message = {
      kind: 'whistle.overdue',
      title: {
        zh: `吹哨超时：${overdue.length} 个单位未响应`,
        en: `Whistle overdue: ${overdue.length} parties did not respond`,
      },
      link: `/whistles/${whistleId}`,
      data: { whistleId, eventId: whistle.eventId, partyIds: overdue.map((p) => p.id) },
    };
    const centre = await this.deps.notifications.recipientsByRoleInGrids(tx, {
      roles: ['command_centre'],
      gridPaths: [whistle.gridPath],
    });
    await this.deps.notifications.notify(tx, [whistle.whistlerUserId, ...centre], message);
    await recordAudit(tx, { userId: null, name: 'system' }, this.deps.clock.now(), [
      {
        action: 'whistle.overdue',
        entity: 'whistle',
        entityKey: String(whistleId),
        gridId: whistle.gridId,
        detail: { partyIds: overdue.map((p) => p.id) },
      },
    ]);
  }

  // ── reading ─────────────────────────────────────────────────────────────────────────────────────────────

  /** A whistle closes with its event (the events module knows nothing of whistles, so this catches up). */
  private async closeFinished(): Promise<void> {
    const finals = `{${FINAL_STATES.join(',')}}`;
    await this.db.execute(sql`
      update whistles w set state = 'closed', closed_at = coalesce(e.closed_at, ${this.deps.clock.now()})
      from events e
      where e.id = w.event_id and w.state = 'open' and e.state = any(${finals}::text[])`);
  }

  private async departmentOf(user: AuthUser): Promise<number | null> {
    if (!user.roles.includes('department')) return null;
    return (await this.deps.duties.departmentOf(user.id))?.id ?? null;
  }

  private readCondition(user: AuthUser, departmentId: number | null): SQL {
    const conditions: SQL[] = [sql`w.whistler_user_id = ${user.id}`];
    if (user.roles.some((role) => GRID_READERS.includes(role))) {
      conditions.push(user.scope.pathCondition(sql`w.grid_path`));
    }
    if (departmentId !== null) {
      conditions.push(
        sql`exists (select 1 from whistle_parties p where p.whistle_id = w.id and p.department_id = ${departmentId})`,
      );
    }
    if (user.roles.some((role) => GRID_RESPONDERS.includes(role))) {
      conditions.push(sql`exists (select 1 from whistle_parties p join grids g on g.id = p.grid_id
        where p.whistle_id = w.id and ${user.scope.pathCondition(sql`g.path`)})`);
    }
    return sql`(${sql.join(conditions, sql` or `)})`;
  }

  private async visible(id: number, user: AuthUser): Promise<WhistleRow> {
    await this.closeFinished();
    const departmentId = await this.departmentOf(user);
    const rows = rowsOf<{ id: number }>(
      await this.db.execute(
        sql`select w.id from whistles w where w.id = ${id} and ${this.readCondition(user, departmentId)}`,
      ),
    );
    if (rows.length === 0) throw errors.notFound(WHISTLE, String(id));
    const [row] = await this.db.select().from(whistles).where(eq(whistles.id, id));
    return row!;
  }

  async list(query: { state?: 'open' | 'closed'; eventId?: number }, user: AuthUser) {
    await this.closeFinished();
    const departmentId = await this.departmentOf(user);
    const conditions = [this.readCondition(user, departmentId)];
    if (query.state) conditions.push(sql`w.state = ${query.state}`);
    if (query.eventId) conditions.push(sql`w.event_id = ${query.eventId}`);
    const ids = rowsOf<{ id: number }>(
      await this.db.execute(sql`select w.id from whistles w where ${sql.join(conditions, sql` and `)}
        order by w.created_at desc, w.id desc limit 200`),
    ).map((row) => row.id);
    if (ids.length === 0) return { items: [] };
    const rows = await this.db.select().from(whistles).where(inArray(whistles.id, ids));
    const parties = await this.partiesOf(ids);
    const gridCodes = await this.gridCodes(rows.map((row) => row.gridId));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return {
      items: ids.map((id) => this.summary(byId.get(id)!, parties.get(id) ?? [], gridCodes)),
    };
  }

  async get(id: number, user: AuthUser) {
    const row = await this.visible(id, user);
    const parties = await this.partiesOf([id]);
    const notes = await this.db
      .select()
      .from(whistleNotes)
      .where(eq(whistleNotes.whistleId, id))
      .orderBy(asc(whistleNotes.id));
    return {
      ...this.summary(row, parties.get(id) ?? [], await this.gridCodes([row.gridId])),
      notes: notes.map((note) => ({
        id: note.id,
        partyId: note.partyId,
        author: note.authorName,
        note: note.note,
        at: note.at.toISOString(),
      })),
    };
  }

  private async gridCodes(ids: number[]): Promise<Map<number, string>> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return new Map();
    const rows = await this.db
      .select({ id: grids.id, code: grids.code })
      .from(grids)
      .where(inArray(grids.id, wanted));
    return new Map(rows.map((row) => [row.id, row.code]));
  }

  private async partiesOf(whistleIds: number[]) {
    const rows = rowsOf<{
      id: number;
      whistle_id: number;
      kind: 'department' | 'grid';
      department_id: number | null;
      grid_code: string | null;
      name: string;
      status: 'summoned' | 'accepted' | 'overdue';
      late: boolean;
      responded_at: Date | string | null;
      handler_user_id: number | null;
      handler_name: string | null;
      rated: boolean;
    }>(
      await this.db.execute(sql`
        select p.id, p.whistle_id, p.kind, p.department_id, g.code as grid_code,
          coalesce(o.name, g.name) as name, p.status, p.late, p.responded_at, p.handler_user_id, p.handler_name,
          exists (select 1 from whistle_rating_tokens t where t.party_id = p.id) as rated
        from whistle_parties p
        left join organisations o on o.id = p.department_id
        left join grids g on g.id = p.grid_id
        where p.whistle_id = any(${`{${whistleIds.join(',')}}`}::int[])
        order by p.id`),
    );
    const out = new Map<number, ReturnType<typeof presentParty>[]>();
    for (const row of rows) {
      const list = out.get(row.whistle_id) ?? [];
      list.push(presentParty(row));
      out.set(row.whistle_id, list);
    }
    return out;
  }

  private summary(
    row: WhistleRow,
    parties: ReturnType<typeof presentParty>[],
    gridCodes: Map<number, string>,
  ) {
    return {
      id: row.id,
      eventId: row.eventId,
      gridCode: gridCodes.get(row.gridId) ?? '',
      whistler: { userId: row.whistlerUserId, name: row.whistlerName },
      reason: row.reason,
      urgent: row.urgent,
      state: row.state as 'open' | 'closed',
      respondBy: row.respondBy.toISOString(),
      createdAt: row.createdAt.toISOString(),
      closedAt: row.closedAt?.toISOString() ?? null,
      parties,
    };
  }

  // ── responding and joint handling ───────────────────────────────────────────────────────────────────────

  /** The summoned parties this user answers for. */
  private async myParties(whistleId: number, user: AuthUser): Promise<PartyRow[]> {
    const departmentId = await this.departmentOf(user);
    const parties = await this.db
      .select()
      .from(whistleParties)
      .where(eq(whistleParties.whistleId, whistleId));
    const gridIds = parties.map((p) => p.gridId).filter((id): id is number => id !== null);
    const paths = new Map<number, string>();
    if (gridIds.length > 0 && user.roles.some((role) => GRID_RESPONDERS.includes(role))) {
      const rows = await this.db
        .select({ id: grids.id, path: grids.path })
        .from(grids)
        .where(inArray(grids.id, gridIds));
      for (const row of rows) paths.set(row.id, row.path);
    }
    return parties.filter(
      (p) =>
        (p.departmentId !== null && p.departmentId === departmentId) ||
        (p.gridId !== null && paths.has(p.gridId) && user.scope.coversPath(paths.get(p.gridId)!)),
    );
  }

  private isWhistlingSide(whistle: WhistleRow, user: AuthUser): boolean {
    return (
      whistle.whistlerUserId === user.id ||
      (may(user.roles, 'whistle.blow') && user.scope.coversPath(whistle.gridPath))
    );
  }

  private ensureOpen(whistle: WhistleRow): void {
    if (whistle.state !== 'open') {
      throw errors.conflict('whistle_closed', '该吹哨已结束', 'The whistle is closed');
    }
  }

  async respond(id: number, body: RespondBody, user: AuthUser) {
    const whistle = await this.visible(id, user);
    const mine = await this.myParties(id, user);
    if (mine.length === 0) {
      throw errors.forbidden('您所在的部门或网格未被召集', 'Your department or grid was not summoned');
    }
    let party: PartyRow | undefined;
    if (body.partyId !== undefined) {
      party = mine.find((p) => p.id === body.partyId);
      if (!party) throw errors.forbidden('您不能代该单位响应', 'You cannot respond for that party');
    } else if (mine.length === 1) {
      party = mine[0];
    } else {
      throw errors.unprocessable('party_needed', '请指明代哪个单位响应', 'Say which party you respond for', [
        { field: '/body/partyId', zh: '须指明单位', en: 'a party is needed' },
      ]);
    }
    this.ensureOpen(whistle);
    if (party!.status === 'accepted') {
      throw errors.conflict('already_responded', '该单位已响应', 'This party has already responded');
    }
    let handlerName = body.handlerName ?? null;
    if (body.handlerUserId !== undefined) {
      const [handler] = await this.db
        .select({ id: users.id, displayName: users.displayName })
        .from(users)
        .where(and(eq(users.id, body.handlerUserId), eq(users.disabled, false)));
      if (!handler) {
        throw errors.unprocessable('unknown_handler', '处置人不存在', 'No such handler', [
          { field: '/body/handlerUserId', zh: '用户不存在', en: 'no such user' },
        ]);
      }
      handlerName ??= handler.displayName;
    }
    const handlerUserId = body.handlerUserId ?? (handlerName === null ? user.id : null);
    handlerName ??= user.displayName;
    const at = this.deps.clock.now();
    const late = at.getTime() > whistle.respondBy.getTime();
    await this.deps.database.db.transaction(async (tx) => {
      const updated = await tx
        .update(whistleParties)
        .set({
          status: 'accepted',
          late,
          respondedAt: at,
          responderUserId: user.id,
          handlerUserId,
          handlerName,
        })
        .where(and(eq(whistleParties.id, party!.id), sql`${whistleParties.status} <> 'accepted'`))
        .returning({ id: whistleParties.id });
      if (updated.length === 0) {
        throw errors.conflict('already_responded', '该单位已响应', 'This party has already responded');
      }
      if (body.note !== undefined) {
        await tx.insert(whistleNotes).values({
          whistleId: id,
          partyId: party!.id,
          authorUserId: user.id,
          authorName: user.displayName,
          note: body.note,
          at,
        });
      }
      await this.deps.notifications.notify(tx, [whistle.whistlerUserId], {
        kind: 'whistle.responded',
        title: {
          zh: late ? '吹哨已响应（超时）' : '吹哨已响应',
          en: late ? 'Whistle answered late' : 'Whistle answered',
        },
        link: `/whistles/${id}`,
        data: { whistleId: id, partyId: party!.id, late },
      });
      await recordAudit(tx, { userId: user.id, name: user.username }, at, [
        {
          action: 'whistle.respond',
          entity: 'whistle',
          entityKey: String(id),
          gridId: whistle.gridId,
          detail: { partyId: party!.id, late },
        },
      ]);
    });
    return this.get(id, user);
  }

  async addNote(id: number, note: string, user: AuthUser) {
    const whistle = await this.visible(id, user);
    const mine = await this.myParties(id, user);
    if (mine.length === 0 && !this.isWhistlingSide(whistle, user)) {
      throw errors.forbidden(
        '只有吹哨方和被召集单位可记录处置进展',
        'Only the whistler and summoned parties add notes',
      );
    }
    this.ensureOpen(whistle);
    const at = this.deps.clock.now();
    await this.deps.database.db.transaction(async (tx) => {
      await tx.insert(whistleNotes).values({
        whistleId: id,
        partyId: mine[0]?.id ?? null,
        authorUserId: user.id,
        authorName: user.displayName,
        note,
        at,
      });
      await recordAudit(tx, { userId: user.id, name: user.username }, at, [
        { action: 'whistle.note', entity: 'whistle', entityKey: String(id), gridId: whistle.gridId },
      ]);
    });
    return this.get(id, user);
  }

  async close(id: number, user: AuthUser) {
    const whistle = await this.visible(id, user);
    if (!this.isWhistlingSide(whistle, user)) {
      throw errors.forbidden('只有吹哨方可结束吹哨', 'Only the whistling side closes a whistle');
    }
    this.ensureOpen(whistle);
    const at = this.deps.clock.now();
    await this.deps.database.db.transaction(async (tx) => {
      const updated = await tx
        .update(whistles)
        .set({ state: 'closed', closedAt: at })
        .where(and(eq(whistles.id, id), eq(whistles.state, 'open')))
        .returning({ id: whistles.id });
      if (updated.length === 0)
        throw errors.conflict('whistle_closed', '该吹哨已结束', 'The whistle is closed');
      await this.deps.jobs.cancel(tx, WHISTLE_DEADLINE_JOB, String(id));
      await recordAudit(tx, { userId: user.id, name: user.username }, at, [
        { action: 'whistle.close', entity: 'whistle', entityKey: String(id), gridId: whistle.gridId },
      ]);
    });
    return this.get(id, user);
  }

  // ── anonymous rating 一键评价 ─────────────────────────────────────────────────────────────────────────────

  /**
   * The whistling side rates each responding party once. What is stored cannot be traced back to the rater or the
   * whistle: a token (whistle, party) without score, and a rating (department or grid, score, comment, date)
   * without whistle or rater, with a random id, inserted in random order. The audit says only that a rating was
   * given for the whistle.
   */
  async rate(id: number, body: RateBody, user: AuthUser): Promise<{ whistleId: number; rated: number }> {
    const whistle = await this.visible(id, user);
    if (!this.isWhistlingSide(whistle, user)) {
      throw errors.forbidden('只有吹哨方可评价', 'Only the whistling side rates');
    }
    if (whistle.state !== 'closed') {
      throw errors.conflict('whistle_open', '吹哨结束后才能评价', 'Rate after the whistle is closed');
    }
    const parties = await this.db.select().from(whistleParties).where(eq(whistleParties.whistleId, id));
    const problems: { field: string; zh: string; en: string }[] = [];
    const seen = new Set<number>();
    body.ratings.forEach((rating, i) => {
      const party = parties.find((p) => p.id === rating.partyId);
      if (!party || party.status !== 'accepted') {
        problems.push({
          field: `/body/ratings/${i}/partyId`,
          zh: '不是已响应的被召集单位',
          en: 'not a responding party',
        });
      } else if (seen.has(rating.partyId)) {
        problems.push({ field: `/body/ratings/${i}/partyId`, zh: '重复的单位', en: 'party given twice' });
      }
      seen.add(rating.partyId);
    });
    if (problems.length > 0) {
      throw errors.unprocessable(
        'invalid_rating',
        '评价对象不符合要求',
        'The rating names a wrong party',
        problems,
      );
    }
    const ratedOn = chinaDate(this.deps.clock.now());
    const byId = new Map(parties.map((p) => [p.id, p]));
    await this.deps.database.db.transaction(async (tx) => {
      const tokens = await tx
        .insert(whistleRatingTokens)
        .values(body.ratings.map((r) => ({ whistleId: id, partyId: r.partyId })))
        .onConflictDoNothing()
        .returning({ partyId: whistleRatingTokens.partyId });
      if (tokens.length !== body.ratings.length) {
        throw errors.conflict('already_rated', '该单位已评价过', 'This party has already been rated');
      }
      await tx.insert(whistleRatingBallots).values(
        shuffled(body.ratings).map((r) => {
          const party = byId.get(r.partyId)!;
          return {
            departmentId: party.departmentId,
            gridId: party.gridId,
            score: r.score,
            comment: r.comment ?? null,
            ratedOn,
          };
        }),
      );
      // the ballots are counted after China's midnight, all of the day together
      const tomorrow = new Date(`${ratedOn}T00:00:00+08:00`).getTime() + 86_400_000;
      await this.deps.jobs.schedule(tx, {
        kind: RATING_COUNT_JOB,
        key: 'daily',
        runAt: new Date(tomorrow + randomInt(3_600_000)),
        ifPending: 'keep',
      });
      // no actor, no score, no party, and the day only: the audit must not undo the anonymity
      await recordAudit(tx, { userId: null, name: 'anonymous' }, new Date(`${ratedOn}T00:00:00+08:00`), [
        { action: 'whistle.rated', entity: 'whistle', entityKey: String(id) },
      ]);
    });
    return { whistleId: id, rated: body.ratings.length };
  }

  private async departmentFor(id: number, user: AuthUser): Promise<{ id: number; name: string }> {
    if (user.roles.includes('department') && !user.roles.some((role) => GRID_READERS.includes(role))) {
      const own = await this.departmentOf(user);
      if (own !== id) throw errors.notFound(DEPARTMENT, String(id));
    }
    const department = await this.deps.duties.getDepartment(
      id,
      user.roles.includes('department') ? Scope.everything() : user.scope,
    );
    return { id: department.id, name: department.name };
  }

  /** The whistle settings of each department's street (its grid chain); departments without a grid get the defaults. */
  private async departmentPolicies(ids: number[]): Promise<Map<number, WhistlePolicy>> {
    const chains = new Map<number, string[]>();
    if (ids.length > 0) {
      const rows = rowsOf<{ id: number; codes: string[] }>(
        await this.db.execute(sql`
          select o.id, array_agg(a.code order by length(a.path)) as codes
          from organisations o join grids g on g.id = o.grid_id join grids a on g.path like a.path || '%'
          where o.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::int)
          group by o.id`),
      );
      for (const row of rows) chains.set(Number(row.id), row.codes);
    }
    return new Map(ids.map((id) => [id, whistlePolicyFor(this.deps.policy, chains.get(id) ?? [])]));
  }

  /** Rating days of departments: how many ratings each day brought, and their sum. */
  private async ratingDays(ids: number[]) {
    const rows = rowsOf<{ department_id: number; day: string; n: number; total: number | string }>(
      await this.db.execute(sql`select department_id, rated_on::text as day, count(*)::int as n,
          sum(score)::int as total
        from whistle_ratings
        where department_id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::int)
        group by department_id, rated_on`),
    );
    const byDepartment = new Map<number, { day: string; count: number; total: number }[]>();
    for (const row of rows) {
      const list = byDepartment.get(Number(row.department_id)) ?? [];
      list.push({ day: row.day, count: Number(row.n), total: Number(row.total) });
      byDepartment.set(Number(row.department_id), list);
    }
    return byDepartment;
  }

  /**
   * A department's ratings, only as an aggregate of at least k (k-anonymity) and only over whole blocks of rating
   * days holding at least k each (./aggregate.ts), so that no two answers differ by fewer than k ratings.
   */
  async departmentRatings(id: number, period: { from?: string; to?: string }, user: AuthUser) {
    const department = await this.departmentFor(id, user);
    const k = (await this.departmentPolicies([id])).get(id)!.minimumRatingsShown;
    const days = (await this.ratingDays([id])).get(id) ?? [];
    const span = publishedSpan(ratingBlocks(days, k), period);
    const rows = span
      ? rowsOf<{ score: number; comment: string | null }>(
          await this.db.execute(sql`select score, comment from whistle_ratings
            where department_id = ${id} and rated_on between ${span.from}::date and ${span.to}::date`),
        )
      : [];
    const base = {
      departmentId: department.id,
      name: department.name,
      from: period.from ?? null,
      to: period.to ?? null,
      minimum: k,
    };
    if (rows.length < k) {
      return {
        ...base,
        enough: false,
        message: { zh: `评价不足 ${k} 条，暂不显示`, en: `Fewer than ${k} ratings yet; nothing is shown` },
        count: null,
        average: null,
        distribution: null,
        comments: null,
      };
    }
    const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
    for (const row of rows) distribution[String(row.score) as keyof typeof distribution] += 1;
    const comments = rows.map((row) => row.comment).filter((c): c is string => c !== null);
    return {
      ...base,
      enough: true,
      message: null,
      count: rows.length,
      average: Math.round((rows.reduce((sum, row) => sum + Number(row.score), 0) / rows.length) * 100) / 100,
      distribution,
      comments: comments.length >= k ? shuffled(comments) : null,
    };
  }

  /** Every department in reach for a period; published only over whole blocks of at least k ratings. */
  async ratingRollup(period: { from?: string; to?: string }, user: AuthUser) {
    let departments = (
      await this.deps.duties.listDepartments(
        user.roles.includes('department') ? Scope.everything() : user.scope,
      )
    ).map((d) => ({ id: d.id, name: d.name }));
    if (user.roles.includes('department') && !user.roles.some((role) => GRID_READERS.includes(role))) {
      const own = await this.departmentOf(user);
      departments = departments.filter((d) => d.id === own);
    }
    const ids = departments.map((d) => d.id);
    const policies = await this.departmentPolicies(ids);
    const days = await this.ratingDays(ids);
    return {
      from: period.from ?? null,
      to: period.to ?? null,
      minimum: this.deps.policy.defaults.minimumRatingsShown,
      items: departments.map((d) => {
        const k = policies.get(d.id)!.minimumRatingsShown;
        const own = days.get(d.id) ?? [];
        const span = publishedSpan(ratingBlocks(own, k), period);
        if (!span || span.count < k) {
          return { departmentId: d.id, name: d.name, enough: false, count: null, average: null };
        }
        const total = own
          .filter((day) => day.day >= span.from && day.day <= span.to)
          .reduce((sum, day) => sum + day.total, 0);
        return {
          departmentId: d.id,
          name: d.name,
          enough: true,
          count: span.count,
          average: Math.round((total / span.count) * 100) / 100,
        };
      }),
    };
  }

  private periodCondition(period: { from?: string; to?: string }): SQL {
    const conditions: SQL[] = [sql`true`];
    if (period.from) conditions.push(sql`rated_on >= ${period.from}::date`);
    if (period.to) conditions.push(sql`rated_on <= ${period.to}::date`);
    return sql.join(conditions, sql` and `);
  }
}

/** Moves every waiting ballot into the ratings, in random order, in one transaction. */
export async function countBallots(tx: Executor): Promise<number> {
  const moved = rowsOf<{ id: string }>(
    await tx.execute(sql`
      with taken as (delete from whistle_rating_ballots returning department_id, grid_id, score, comment, rated_on)
      insert into whistle_ratings (department_id, grid_id, score, comment, rated_on)
      select department_id, grid_id, score, comment, rated_on from taken order by random()
      returning id`),
  );
  return moved.length;
}

function presentParty(row: {
  id: number;
  kind: 'department' | 'grid';
  department_id: number | null;
  grid_code: string | null;
  name: string;
  status: 'summoned' | 'accepted' | 'overdue';
  late: boolean;
  responded_at: Date | string | null;
  handler_user_id: number | null;
  handler_name: string | null;
  rated: boolean;
}) {
  return {
    id: row.id,
    kind: row.kind,
    departmentId: row.department_id,
    gridCode: row.grid_code,
    name: row.name,
    status: row.status,
    late: row.late,
    respondedAt: row.responded_at === null ? null : new Date(row.responded_at).toISOString(),
    handler: row.status === 'accepted' ? { userId: row.handler_user_id, name: row.handler_name } : null,
    rated: row.rated,
  };
}
