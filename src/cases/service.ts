import { and, eq, inArray, sql } from 'drizzle-orm';
import type { AuthUser } from '../accounts/auth.js';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database, type Executor, type Tx } from '../core/db.js';
import type { Policy } from '../core/policy.js';
import type { JobRunner } from '../jobs/runner.js';
import { errors } from '../core/errors.js';
import { recordAudit } from '../core/audit.js';
import type { EventService } from '../events/service.js';
import { SimilarityIndex } from './similarity.js';
import { cases } from './tables.js';

export interface CaseServiceDeps {
  database: Database;
  clock: Clock;
  events: EventService;
  /** With the runner, the sweep runs as a durable job that reschedules itself (Policy.caseLibrary.sweepSeconds). */
  jobs?: JobRunner;
  policy?: Policy;
}

/** 案例库归集 the durable sweep job: one pending row at a time (key), rescheduled by each run. */
export const CASE_SWEEP_JOB = 'cases.sweep';
const CASE_SWEEP_KEY = 'sweep';
const DEFAULT_SWEEP_SECONDS = 300;

type CaseRow = typeof cases.$inferSelect;
const CASE = { zh: '案例', en: 'Case' };

/** 案例库 (E7): closed events become cases; similar cases for a text or an event. */
export class CaseService {
  private index: { stamp: string; index: SimilarityIndex } | null = null;

  constructor(private readonly deps: CaseServiceDeps) {
    deps.jobs?.register(CASE_SWEEP_JOB, { run: (tx) => this.sweepJob(tx) });
  }

  private get sweepSeconds(): number {
    return this.deps.policy?.caseLibrary.sweepSeconds ?? DEFAULT_SWEEP_SECONDS;
  }

  /**
   * Schedules the first sweep unless one is pending: several servers starting together, or a restart, keep the one
   * row; a sweep that fails is retried by the runner, and the insert is idempotent (one case per event).
   */
  async ensureScheduled(executor: Executor): Promise<void> {
    await this.deps.jobs?.schedule(executor, {
      kind: CASE_SWEEP_JOB,
      key: CASE_SWEEP_KEY,
      runAt: new Date(this.deps.clock.now().getTime() + this.sweepSeconds * 1000),
      ifPending: 'keep',
    });
  }

  /** The job: sweep in the job's transaction, then schedule the next run. */
  private async sweepJob(tx: Tx): Promise<void> {
    await this.sweep(undefined, tx);
    await this.deps.jobs!.schedule(tx, {
      kind: CASE_SWEEP_JOB,
      key: CASE_SWEEP_KEY,
      runAt: new Date(this.deps.clock.now().getTime() + this.sweepSeconds * 1000),
    });
  }

  private get db() {
    return this.deps.database.db;
  }

  /**
   * The sweep: every closed (or rated) event without a case becomes one, its solution the handling and closing
   * notes of the timeline in order. The durable job runs it every few minutes; reads run it too, so a case exists as
   * soon as its event closed.
   */
  async sweep(eventId?: number, executor: Executor = this.db): Promise<number> {
    const only = eventId === undefined ? sql`true` : sql`e.id = ${eventId}`;
    const at = this.deps.clock.now();
    const inserted = rowsOf<{ id: number }>(
      await executor.execute(sql`
        insert into cases (event_id, category_code, title, description, solution, grid_id, grid_path, closed_at,
          created_at, updated_at)
        select e.id, e.category_code, e.title, e.description,
          coalesce((select string_agg(t.note, E'\n' order by t.id) from event_timeline t
            where t.event_id = e.id and t.action in ('handle', 'self_handle', 'verify', 'close')
              and t.note is not null and t.note <> ''), ''),
          e.grid_id, e.grid_path, coalesce(e.closed_at, e.updated_at), ${at}, ${at}
        from events e
        where e.state in ('closed', 'rated') and ${only}
          and not exists (select 1 from cases c where c.event_id = e.id)
        on conflict (event_id) do nothing
        returning id`),
    );
    return inserted.length;
  }

  /** The in-memory index, rebuilt when the library changed (another server's change included). */
  private async currentIndex(): Promise<SimilarityIndex> {
    const [stamp] = rowsOf<{ n: number; at: string | null }>(
      await this.db.execute(sql`select count(*)::int as n, max(updated_at)::text as at from cases`),
    );
    const key = `${stamp!.n}|${stamp!.at ?? ''}`;
    if (this.index?.stamp === key) return this.index.index;
    const rows = await this.db
      .select({
        id: cases.id,
        categoryCode: cases.categoryCode,
        title: cases.title,
        description: cases.description,
      })
      .from(cases);
    const index = new SimilarityIndex(
      rows.map((row) => ({
        id: row.id,
        categoryCode: row.categoryCode,
        text: `${row.title} ${row.title} ${row.description}`,
      })),
    );
    this.index = { stamp: key, index };
    return index;
  }

  async fromEvent(eventId: number, user: AuthUser) {
    const event = await this.deps.events.get(eventId, user);
    if (event.state !== 'closed' && event.state !== 'rated') {
      throw errors.conflict('event_not_closed', '事件尚未结案', 'The event is not closed yet');
    }
    await this.sweep(eventId);
    const [row] = await this.db.select().from(cases).where(eq(cases.eventId, eventId));
    return present(row!);
  }

  async similar(
    text: string,
    categoryCode: string | undefined,
    limit: number,
    user: AuthUser,
    excludeEvent?: number,
  ) {
    await this.sweep();
    const index = await this.currentIndex();
    // score widely, then keep what the user may see
    const hits = index.search(text, { categoryCode, limit: Math.max(limit * 5, 50) });
    if (hits.length === 0) return { items: [] };
    const rows = await this.db
      .select()
      .from(cases)
      .where(
        and(
          inArray(
            cases.id,
            hits.map((hit) => hit.id),
          ),
          user.scope.pathCondition(cases.gridPath),
        ),
      );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const items = hits
      .filter((hit) => byId.has(hit.id) && byId.get(hit.id)!.eventId !== excludeEvent)
      .slice(0, limit)
      .map((hit) => ({ ...present(byId.get(hit.id)!), score: hit.score }));
    return { items };
  }

  async similarToEvent(eventId: number, limit: number, user: AuthUser) {
    const event = await this.deps.events.get(eventId, user);
    return this.similar(`${event.title} ${event.description}`, event.categoryCode, limit, user, eventId);
  }

  async update(id: number, body: { solution?: string; typical?: boolean }, user: AuthUser) {
    const [row] = await this.db.select().from(cases).where(eq(cases.id, id));
    if (!row || !user.scope.coversPath(row.gridPath)) throw errors.notFound(CASE, String(id));
    const at = this.deps.clock.now();
    const updated = await this.db.transaction(async (tx) => {
      const [changed] = await tx
        .update(cases)
        .set({
          ...(body.solution !== undefined ? { solution: body.solution } : {}),
          ...(body.typical !== undefined ? { typical: body.typical } : {}),
          updatedAt: at,
        })
        .where(eq(cases.id, id))
        .returning();
      await recordAudit(tx, { userId: user.id, name: user.username }, at, [
        { action: 'case.update', entity: 'case', entityKey: String(id), gridId: row.gridId },
      ]);
      return changed!;
    });
    return present(updated);
  }
}

function present(row: CaseRow) {
  return {
    id: row.id,
    eventId: row.eventId,
    categoryCode: row.categoryCode,
    title: row.title,
    description: row.description,
    solution: row.solution,
    closedAt: row.closedAt.toISOString(),
    typical: row.typical,
  };
}
