import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AuthUser } from '../accounts/auth.js';
import { users } from '../accounts/tables.js';
import type { Role } from '../accounts/roles.js';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database } from '../core/db.js';
import { errors } from '../core/errors.js';
import { recordAudit } from '../core/audit.js';
import type { CreateEventBody } from '../events/schema.js';
import type { EventService } from '../events/service.js';
import { grids } from '../grids/tables.js';
import { maskName, present, visibility } from '../people/masking.js';
import { persons } from '../people/tables.js';
import type { CreatePatrolBody, PatrolQueryValue } from './schema.js';
import { patrols, type PatrolFinding } from './tables.js';

export interface PatrolServiceDeps {
  database: Database;
  clock: Clock;
  events: EventService;
}

type PatrolRow = typeof patrols.$inferSelect;
const PATROL = { zh: '巡查日志', en: 'Patrol' };
const GRID = { zh: '网格', en: 'Grid' };

/** 民情日志: patrols and visits of grid workers; a finding becomes an event in one step. */
export class PatrolService {
  constructor(private readonly deps: PatrolServiceDeps) {}

  private get db() {
    return this.deps.database.db;
  }

  async create(body: CreatePatrolBody, user: AuthUser) {
    const [grid] = await this.db
      .select({ id: grids.id, path: grids.path })
      .from(grids)
      .where(eq(grids.code, body.gridCode));
    if (!grid || !user.scope.coversPath(grid.path)) throw errors.notFound(GRID, body.gridCode);
    const problems: { field: string; zh: string; en: string }[] = [];
    if (body.endedAt && Date.parse(body.endedAt) < Date.parse(body.startedAt)) {
      problems.push({
        field: '/body/endedAt',
        zh: '结束时间早于开始时间',
        en: 'endedAt is before startedAt',
      });
    }
    const personIds = body.visitedPersonIds ?? [];
    if (personIds.length > 0) {
      const known = new Set(
        (await this.db.select({ id: persons.id }).from(persons).where(inArray(persons.id, personIds))).map(
          (row) => row.id,
        ),
      );
      personIds.forEach((id, i) => {
        if (!known.has(id)) {
          problems.push({ field: `/body/visitedPersonIds/${i}`, zh: '人员不存在', en: 'No such person' });
        }
      });
    }
    if (problems.length > 0) {
      throw errors.unprocessable('invalid_patrol', problems[0]!.zh, problems[0]!.en, problems);
    }
    const at = this.deps.clock.now();
    const findings: PatrolFinding[] = (body.findings ?? []).map((finding) => ({
      text: finding.text,
      ...(finding.categoryCode ? { categoryCode: finding.categoryCode } : {}),
      ...(finding.point ? { point: finding.point } : {}),
      photos: finding.photos ?? [],
    }));
    const row = await this.db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(patrols)
        .values({
          workerUserId: user.id,
          gridId: grid.id,
          gridPath: grid.path,
          startedAt: new Date(body.startedAt),
          endedAt: body.endedAt ? new Date(body.endedAt) : null,
          route: body.route ?? [],
          places: body.places ?? [],
          visitedPersonIds: personIds,
          findings,
          note: body.note ?? null,
          createdAt: at,
        })
        .returning();
      await recordAudit(tx, { userId: user.id, name: user.username }, at, [
        { action: 'patrol.create', entity: 'patrol', entityKey: String(inserted!.id), gridId: grid.id },
      ]);
      return inserted!;
    });
    return (await this.present([row], user))[0]!;
  }

  async list(query: PatrolQueryValue, user: AuthUser) {
    const conditions: SQL[] = [user.scope.pathCondition(patrols.gridPath)];
    if (query.grid) {
      const [grid] = await this.db.select({ path: grids.path }).from(grids).where(eq(grids.code, query.grid));
      if (!grid || !user.scope.coversPath(grid.path)) throw errors.notFound(GRID, query.grid);
      conditions.push(sql`${patrols.gridPath} like ${`${grid.path}%`}`);
    }
    if (query.worker) conditions.push(eq(patrols.workerUserId, query.worker));
    if (query.from) conditions.push(sql`${patrols.startedAt} >= ${query.from}::timestamptz`);
    if (query.to) conditions.push(sql`${patrols.startedAt} < ${query.to}::timestamptz`);
    const where = and(...conditions);
    const [count] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(patrols)
      .where(where);
    const rows = await this.db
      .select()
      .from(patrols)
      .where(where)
      .orderBy(desc(patrols.startedAt), desc(patrols.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize);
    return { items: await this.present(rows, user), total: count!.n };
  }

  private async visible(id: number, user: AuthUser): Promise<PatrolRow> {
    const [row] = await this.db.select().from(patrols).where(eq(patrols.id, id));
    if (!row || !user.scope.coversPath(row.gridPath)) throw errors.notFound(PATROL, String(id));
    return row;
  }

  async get(id: number, user: AuthUser) {
    return (await this.present([await this.visible(id, user)], user))[0]!;
  }

  /**
   * A finding becomes an event (source patrol), reported in the name of the worker who found it. Idempotent
   * twice over: the link stored on the finding, and an Idempotency-Key per finding for two calls racing.
   */
  async reportFinding(id: number, index: number, categoryCode: string | undefined, user: AuthUser) {
    const row = await this.visible(id, user);
    const finding = row.findings[index];
    if (!finding) throw errors.notFound({ zh: '发现', en: 'Finding' }, `${id}/${index}`);
    if (finding.eventId !== undefined) {
      const [existing] = rowsOf<{ number: string }>(
        await this.db.execute(sql`select number from events where id = ${finding.eventId}`),
      );
      return { eventId: finding.eventId, number: existing?.number ?? '', created: false };
    }
    const category = categoryCode ?? finding.categoryCode;
    const problems: { field: string; zh: string; en: string }[] = [];
    if (!category) {
      problems.push({ field: '/body/categoryCode', zh: '请指定事件分类', en: 'Give the event category' });
    }
    if (!finding.point) {
      problems.push({
        field: `/findings/${index}/point`,
        zh: '该发现没有位置',
        en: 'The finding has no point',
      });
    }
    if (problems.length > 0) {
      throw errors.unprocessable('finding_incomplete', problems[0]!.zh, problems[0]!.en, problems);
    }
    const [worker] = await this.db.select().from(users).where(eq(users.id, row.workerUserId));
    const reporter: AuthUser = {
      id: worker!.id,
      username: worker!.username,
      displayName: worker!.displayName,
      roles: worker!.roles as Role[],
      gridCodes: [],
      scope: user.scope,
    };
    const title = [...finding.text].slice(0, 60).join('');
    const created = await this.deps.events.report(
      {
        source: 'patrol',
        categoryCode: category!,
        title,
        description: finding.text,
        location: finding.point!,
        ...(finding.photos.length > 0 ? { attachments: finding.photos } : {}),
      } as unknown as CreateEventBody,
      reporter,
      `patrol-${row.id}-finding-${index}`,
    );
    await this.db.transaction(async (tx) => {
      await tx.execute(sql`
        update patrols set findings = jsonb_set(findings, ${`{${index},eventId}`}::text[], to_jsonb(${created.id}::int))
        where id = ${row.id}`);
      await recordAudit(tx, { userId: user.id, name: user.username }, this.deps.clock.now(), [
        {
          action: 'patrol.finding_reported',
          entity: 'patrol',
          entityKey: `${row.id}/${index}`,
          gridId: row.gridId,
        },
      ]);
    });
    return { eventId: created.id, number: created.number, created: true };
  }

  private async present(rows: PatrolRow[], user: AuthUser) {
    const gridIds = [...new Set(rows.map((row) => row.gridId))];
    const personIds = [...new Set(rows.flatMap((row) => row.visitedPersonIds))];
    const codes = new Map(
      gridIds.length === 0
        ? []
        : (
            await this.db
              .select({ id: grids.id, code: grids.code })
              .from(grids)
              .where(inArray(grids.id, gridIds))
          ).map((g) => [g.id, g.code]),
    );
    const names = new Map(
      personIds.length === 0
        ? []
        : (
            await this.db
              .select({ id: persons.id, name: persons.name })
              .from(persons)
              .where(inArray(persons.id, personIds))
          ).map((p) => [p.id, p.name]),
    );
    const nameVisibility = visibility(user.roles, 'name');
    return rows.map((row) => ({
      id: row.id,
      workerUserId: row.workerUserId,
      gridCode: codes.get(row.gridId) ?? '',
      startedAt: row.startedAt.toISOString(),
      endedAt: row.endedAt?.toISOString() ?? null,
      route: row.route,
      places: row.places,
      visited: row.visitedPersonIds.map((personId) => ({
        personId,
        name: present(names.get(personId) ?? null, nameVisibility, maskName),
      })),
      findings: row.findings.map((finding) => ({
        text: finding.text,
        categoryCode: finding.categoryCode ?? null,
        point: finding.point ?? null,
        photos: finding.photos,
        eventId: finding.eventId ?? null,
      })),
      note: row.note,
    }));
  }
}
