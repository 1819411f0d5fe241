/**
 * Group commit of reports (E1). One transaction per report tops out at a few hundred commits a second; here
 * concurrent reports queue and are written together by one statement in one transaction, and each caller's
 * promise resolves only after that commit. Reports are validated before they join a batch, so a batch fails only
 * on what the database alone can see (a hotline ticket or an Idempotency-Key taken meanwhile); then its members
 * are written one by one and only the offender fails.
 */
import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../core/db.js';
import { rowsOf } from '../core/db.js';
import { FINAL_STATES } from './machine.js';
import type { EventGridLink, RoutingSuggestion } from './tables.js';

/** A validated report, ready to be written. */
export interface PreparedReport {
  numberPrefix: string;
  source: string;
  categoryCode: string;
  title: string;
  description: string;
  lng: number;
  lat: number;
  address: string | null;
  gridId: number;
  gridPath: string;
  gridChain: EventGridLink[];
  reporterUserId: number | null;
  reporterName: string | null;
  reporterPhoneCipher: string | null;
  reporterPhoneHash: string | null;
  urgency: string;
  difficulty: string;
  hotlineTicket: string | null;
  suggestion: RoutingSuggestion | null;
  actorName: string;
  actorRole: string | null;
  at: Date;
  idempotency: { client: string; key: string; requestHash: string } | null;
  attachments: string[];
  /** 时限 the accept-stage clock planned before the batch (E4): written with the event, its timers in bulk. */
  clock?: {
    stage: string;
    clockType: string;
    seconds: number;
    warnAt: Date | null;
    dueAt: Date | null;
    ladder: unknown[];
    /** The ladder's clock (escalation steps count on it). */
    ladderClockType?: string;
  } | null;
}

export interface WrittenReport {
  id: number;
  number: string;
  possibleDuplicateOf: number | null;
  /**
   * Set when the report's Idempotency-Key was already used: nothing was written, and this is the stored first
   * answer with the hash of the request that made it.
   */
  earlier?: { response: Record<string, unknown>; requestHash: string };
}

interface Member {
  report: PreparedReport;
  resolve: (written: WrittenReport) => void;
  reject: (error: unknown) => void;
}

/** Within this distance (metres) and time a report of the same category is flagged as a likely duplicate. */
export const DUPLICATE_METRES = 50;
export const DUPLICATE_HOURS = 24;
const METRES_PER_DEGREE = 111_320;
/** First key of the advisory locks that order the duplicate check per category (second key: the category). */
const DUPLICATE_LOCK_CLASS = 7263010;

/**
 * Side of a duplicate-lock cell in degrees: at least 120 m (more than twice DUPLICATE_METRES) in both directions up
 * to 66° of latitude. A constant in degrees, so that every process puts a point in the same cell.
 */
const LOCK_CELL_LAT = 120 / METRES_PER_DEGREE;
const LOCK_CELL_LNG = 120 / (METRES_PER_DEGREE * Math.cos((66 * Math.PI) / 180));

/**
 * The lock keys of a report: its category in the four cells around the cell corner nearest to it. A point lies
 * within half a cell (≥ 60 m) of that corner in each direction, so any point within DUPLICATE_METRES of it lies
 * inside the 2×2 block — in a cell that the other report also locks, its own. Two possible duplicates therefore
 * always share a key; reports far apart never wait for each other.
 */
export function duplicateLockKeys(report: { categoryCode: string; lng: number; lat: number }): string[] {
  const fx = report.lng / LOCK_CELL_LNG;
  const fy = report.lat / LOCK_CELL_LAT;
  const x = Math.floor(fx);
  const y = Math.floor(fy);
  const nx = fx - x < 0.5 ? x - 1 : x + 1;
  const ny = fy - y < 0.5 ? y - 1 : y + 1;
  return [
    [x, y],
    [nx, y],
    [x, ny],
    [nx, ny],
  ].map(([cx, cy]) => `${report.categoryCode}:${cx}:${cy}`);
}

export function distanceMetres(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const dy = (a.lat - b.lat) * METRES_PER_DEGREE;
  const dx = (a.lng - b.lng) * METRES_PER_DEGREE * Math.cos((a.lat * Math.PI) / 180);
  return Math.sqrt(dx * dx + dy * dy);
}

export interface IntakeOptions {
  /** Most reports in one transaction. */
  maxBatch?: number;
  /** Batches written at once: 1 on PGlite (one connection), a few on PostgreSQL. */
  concurrency?: number;
}

export class IntakeBatcher {
  private queue: Member[] = [];
  private running = 0;
  /** Transactions written and reports in them, for the benchmark's average batch size. */
  readonly stats = { batches: 0, reports: 0, writeMs: 0 };
  private readonly maxBatch: number;
  private readonly concurrency: number;

  constructor(
    private readonly database: Database,
    options: IntakeOptions = {},
  ) {
    // PostgreSQL: two batches of up to 64 in flight, so that the server writes one while this process reads the
    // requests of the next (measured: 3,000/s against 2,100–2,600/s with one batch of all waiting reports)
    this.maxBatch = options.maxBatch ?? (database.engine === 'pglite' ? 500 : 64);
    this.concurrency = options.concurrency ?? (database.engine === 'pglite' ? 1 : 2);
  }

  /** Resolves once the report is committed. */
  submit(report: PreparedReport): Promise<WrittenReport> {
    return new Promise<WrittenReport>((resolve, reject) => {
      this.queue.push({ report, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      this.running += 1;
      void this.gatherAndFlush().finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  /**
   * Waits one turn of the event loop before taking the queue. PGlite answers from WebAssembly in microtasks, so a
   * request can run from parsing to commit without the event loop ever reading the other sockets: without this
   * pause every batch would hold one report.
   */
  private async gatherAndFlush(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length > 0) await this.flush(batch);
  }

  /**
   * On PostgreSQL batches are written side by side (and by several servers): two batches must not both miss each
   * other's report of the same spot. Each report takes a transaction lock on its category in the 2×2 block of
   * duplicate cells around it (see duplicateLockKeys), all keys of a batch in one fixed order (no deadlock), before
   * the insert; the insert's snapshot, taken after the locks, sees what an earlier batch of the same spot
   * committed. Batches of different places or categories do not wait for each other. PGlite has one connection and
   * one writer, so it needs none.
   */
  private async write(tx: Executor, reports: PreparedReport[]): Promise<WrittenReport[]> {
    if (this.database.engine === 'postgres') {
      const keys = [...new Set(reports.flatMap(duplicateLockKeys))].sort();
      await tx.execute(sql`
        select pg_advisory_xact_lock(${DUPLICATE_LOCK_CLASS}, hashtext(k))
        from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) with ordinality as t(k, i)
        order by i`);
    }
    return writeReports(tx, reports);
  }

  private async flush(batch: Member[]): Promise<void> {
    const started = performance.now();
    try {
      const written = await this.database.db.transaction((tx) =>
        this.write(
          tx,
          batch.map((member) => member.report),
        ),
      );
      this.stats.writeMs += performance.now() - started;
      this.stats.batches += 1;
      this.stats.reports += batch.length;
      batch.forEach((member, i) => member.resolve(written[i]!));
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
    }
    // one member spoilt the batch: write each alone, so that only the offender fails
    for (const member of batch) {
      try {
        const [written] = await this.database.db.transaction((tx) => this.write(tx, [member.report]));
        member.resolve(written!);
      } catch (error) {
        member.reject(error);
      }
    }
  }
}

/** Likely duplicates among the batch itself: the database cannot see rows of the statement that inserts them. */
function duplicatesWithinBatch(reports: PreparedReport[]): (number | null)[] {
  return reports.map((report, i) => {
    for (let j = 0; j < i; j++) {
      const other = reports[j]!;
      if (
        other.categoryCode === report.categoryCode &&
        Math.abs(other.at.getTime() - report.at.getTime()) <= DUPLICATE_HOURS * 3600_000 &&
        distanceMetres(report, other) <= DUPLICATE_METRES
      ) {
        return j;
      }
    }
    return null;
  });
}

/**
 * Writes the reports, their first timeline entries (`reported`), their Idempotency-Keys and attachment links in
 * one statement (plus one for attachments); answers in the order given.
 */
export async function writeReports(executor: Executor, reports: PreparedReport[]): Promise<WrittenReport[]> {
  const withinBatch = duplicatesWithinBatch(reports);
  const rows = reports.map((report, ord) => ({
    ord,
    number_prefix: report.numberPrefix,
    source: report.source,
    category_code: report.categoryCode,
    title: report.title,
    description: report.description,
    lng: report.lng,
    lat: report.lat,
    address: report.address,
    grid_id: report.gridId,
    grid_path: report.gridPath,
    grid_chain: report.gridChain,
    grid_links: report.gridChain.map(({ code, level, name }) => ({ code, level, name })),
    reporter_user_id: report.reporterUserId,
    reporter_name: report.reporterName,
    reporter_phone_cipher: report.reporterPhoneCipher,
    reporter_phone_hash: report.reporterPhoneHash,
    urgency: report.urgency,
    difficulty: report.difficulty,
    hotline_ticket: report.hotlineTicket,
    suggestion: report.suggestion,
    batch_duplicate_ord: withinBatch[ord],
    client: report.idempotency?.client ?? null,
    idem_key: report.idempotency?.key ?? null,
    request_hash: report.idempotency?.requestHash ?? null,
    actor_name: report.actorName,
    actor_role: report.actorRole,
    at: report.at.toISOString(),
    clock_stage: report.clock?.stage ?? null,
    clock_type: report.clock?.clockType ?? null,
    clock_seconds: report.clock?.seconds ?? null,
    warn_at: report.clock?.warnAt?.toISOString() ?? null,
    due_at: report.clock?.dueAt?.toISOString() ?? null,
    ladder: report.clock?.ladder ?? null,
    ladder_clock: report.clock?.ladderClockType ?? null,
  }));
  const finalStates = sql.join(
    FINAL_STATES.map((state) => sql`${state}`),
    sql`, `,
  );
  const latBand = DUPLICATE_METRES / METRES_PER_DEGREE;
  const result = await executor.execute(sql`
    with r as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
        ord int, number_prefix text, source text, category_code text, title text, description text,
        lng float8, lat float8, address text, grid_id int, grid_path text, grid_chain jsonb, grid_links jsonb,
        reporter_user_id int, reporter_name text, reporter_phone_cipher text, reporter_phone_hash text,
        urgency text, difficulty text, hotline_ticket text, suggestion jsonb, batch_duplicate_ord int,
        client text, idem_key text, request_hash text, actor_name text, actor_role text, at timestamptz,
        clock_stage text, clock_type text, clock_seconds int, warn_at timestamptz, due_at timestamptz,
        ladder jsonb, ladder_clock text)
    ),
    k as (
      select r.ord, k.response, k.request_hash
      from r join event_idempotency_keys k on k.client = r.client and k.key = r.idem_key
    ),
    n as materialized (
      select r.*, nextval('events_id_seq')::int as id, nextval('event_number_seq') as seq
      from r where not exists (select 1 from k where k.ord = r.ord) order by r.ord
    ),
    d as (
      select n.ord, (
        select e.id from events e
        where e.category_code = n.category_code
          and e.lat between n.lat - ${latBand} and n.lat + ${latBand}
          and e.lng between n.lng - ${latBand} / cos(radians(n.lat)) and n.lng + ${latBand} / cos(radians(n.lat))
          and e.created_at > n.at - make_interval(hours => ${DUPLICATE_HOURS})
          and e.state not in (${finalStates})
          and ((e.lat - n.lat) * ${METRES_PER_DEGREE}) ^ 2
            + ((e.lng - n.lng) * ${METRES_PER_DEGREE} * cos(radians(n.lat))) ^ 2 <= ${DUPLICATE_METRES ** 2}
        order by e.id limit 1) as dup_id
      from n
    ),
    ins as (
      insert into events (id, number, source, category_code, title, description, lng, lat, address, grid_id,
        grid_path, grid_chain, reporter_user_id, reporter_name, reporter_phone_cipher, reporter_phone_hash,
        urgency, state, version, difficulty, hotline_ticket, possible_duplicate_of, duplicate_flag, suggestion,
        created_at, updated_at)
      select n.id,
        n.number_prefix || case when length(n.seq::text) < 6 then lpad(n.seq::text, 6, '0') else n.seq::text end,
        n.source, n.category_code, n.title, n.description, n.lng, n.lat, n.address, n.grid_id, n.grid_path,
        n.grid_chain, n.reporter_user_id, n.reporter_name, n.reporter_phone_cipher, n.reporter_phone_hash,
        n.urgency, 'reported', 1, n.difficulty, n.hotline_ticket, coalesce(d.dup_id, b.id),
        coalesce(d.dup_id, b.id) is not null, n.suggestion, n.at, n.at
      from n join d on d.ord = n.ord left join n b on b.ord = n.batch_duplicate_ord
      returning id, number, possible_duplicate_of
    ),
    tl as (
      insert into event_timeline (event_id, action, from_state, to_state, actor_user_id, actor_name, actor_role,
        at, data)
      select n.id, 'reported', null, 'reported', n.reporter_user_id, n.actor_name, n.actor_role, n.at,
        jsonb_build_object('source', n.source)
      from n
    ),
    dl as (
      insert into event_deadlines (event_id, stage, clock_type, seconds, started_at, warn_at, due_at)
      select n.id, n.clock_stage, n.clock_type, n.clock_seconds, n.at, n.warn_at, n.due_at
      from n where n.clock_stage is not null
      returning id, event_id, warn_at, due_at
    ),
    jb as (
      insert into jobs (kind, key, run_at, payload, max_attempts, created_at)
      select 'event.deadline.warn', dl.id::text, dl.warn_at, jsonb_build_object('deadlineId', dl.id), 5, n.at
      from dl join n on n.id = dl.event_id
      where dl.warn_at is not null and dl.due_at is not null and dl.warn_at < dl.due_at
      union all
      select 'event.deadline.due', dl.id::text, dl.due_at,
        jsonb_build_object('deadlineId', dl.id, 'eventId', dl.event_id, 'level', 0, 'ladder', n.ladder,
          'ladderClock', n.ladder_clock), 5, n.at
      from dl join n on n.id = dl.event_id
      where dl.due_at is not null
    ),
    ik as (
      insert into event_idempotency_keys (client, key, request_hash, event_id, response, created_at)
      select n.client, n.idem_key, n.request_hash, n.id,
        jsonb_build_object('id', n.id, 'number', ins.number, 'state', 'reported', 'grids', n.grid_links), n.at
      from n join ins on ins.id = n.id
      where n.idem_key is not null
    )
    select n.ord, ins.id, ins.number, ins.possible_duplicate_of as "possibleDuplicateOf",
      null::jsonb as response, null::text as "requestHash"
    from n join ins on ins.id = n.id
    union all
    select k.ord, null, null, null, k.response, k.request_hash from k`);
  const byOrd = new Map(
    rowsOf<{
      ord: number;
      id: number | null;
      number: string | null;
      possibleDuplicateOf: number | null;
      response: Record<string, unknown> | null;
      requestHash: string | null;
    }>(result).map((row) => [row.ord, row]),
  );
  const written: WrittenReport[] = reports.map((_, ord) => {
    const row = byOrd.get(ord)!;
    if (row.response !== null) {
      return {
        id: 0,
        number: '',
        possibleDuplicateOf: null,
        earlier: { response: row.response, requestHash: row.requestHash! },
      };
    }
    return { id: row.id!, number: row.number!, possibleDuplicateOf: row.possibleDuplicateOf };
  });
  const links = reports.flatMap((report, ord) =>
    written[ord]!.earlier
      ? []
      : report.attachments.map((hash) => ({
          event_id: written[ord]!.id,
          hash,
          user_id: report.reporterUserId,
          at: report.at.toISOString(),
        })),
  );
  if (links.length > 0) await linkAttachments(executor, links);
  return written;
}

/** Attach already stored files (by hash) to events: one row per event and file. */
export async function linkAttachments(
  executor: Executor,
  links: { event_id: number; hash: string; user_id: number | null; at: string }[],
): Promise<void> {
  await executor.execute(sql`
    insert into attachments (hash, mime, size, event_id, uploaded_by, created_at)
    select x.hash, a.mime, a.size, x.event_id, x.user_id, x.at::timestamptz
    from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as x(event_id int, hash text, user_id int, at text)
    join lateral (select mime, size from attachments where hash = x.hash order by id limit 1) a on true
    where not exists (select 1 from attachments o where o.hash = x.hash and o.event_id = x.event_id)`);
}
