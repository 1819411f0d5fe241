/**
 * 12345 hotline files (E1): importing the hotline's ticket exports (CSV in UTF-8 or GBK, .xlsx) and exporting the
 * handling status back in the hotline's words. Every ticket goes through the same events intake as the webhook,
 * keeps its number, and is filed once however often it arrives (file, webhook, or both).
 */
import { eq, inArray, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { Type, type Static } from 'typebox';
import type { AuthUser } from '../accounts/auth.js';
import type { Role } from '../accounts/roles.js';
import { recordAudit } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database } from '../core/db.js';
import { AppError, errors } from '../core/errors.js';
import type { CreateEventBody } from '../events/schema.js';
import type { EventService } from '../events/service.js';
import type { GridService } from '../grids/service.js';
import type { DataProtector } from '../people/protection.js';
import { rowProblems } from '../sheets/service.js';
import type { RowProblem } from '../sheets/types.js';
import {
  csvField,
  encodeGbk,
  HOTLINE_COLUMNS,
  readHotlineFile,
  type HotlineColumn,
  type RawCell,
} from './file.js';
import type { HotlineService } from './service.js';
import { hotlineTickets } from './tables.js';

/** Who may exchange files with the hotline: the street command centre and those above it. */
export const HOTLINE_ROLES: readonly Role[] = ['admin', 'district', 'command_centre'];

/** Largest hotline file accepted. */
export const HOTLINE_MAX_BYTES = 20 * 1024 * 1024;

/** Reports written at once: the intake batches them into a few transactions. */
const WRITE_CHUNK = 200;

/**
 * Our states in the hotline's words (the status export): 受理 received, 办理中 in hand, 已办结 closed, 已回访 the
 * caller's rating is in, 退回 not ours (declined), 已撤销 cancelled, 挂起 suspended.
 */
export const HOTLINE_STATE_WORDS: Record<string, string> = {
  reported: '受理',
  field_check: '受理',
  accepted: '办理中',
  dispatched: '办理中',
  returned: '办理中',
  in_progress: '办理中',
  handled: '办理中',
  verified: '办理中',
  suspended: '挂起',
  closed: '已办结',
  rated: '已回访',
  declined: '退回',
  cancelled: '已撤销',
};
/** A ticket that waits for the command centre to locate it (no event yet). */
export const UNLOCATED_WORD = '受理';

export const HotlineImportResult = Type.Object({
  dryRun: Type.Boolean(),
  format: Type.String({ description: 'csv | xlsx' }),
  encoding: Type.Union([Type.String(), Type.Null()], { description: 'utf-8 | gb18030 for CSV' }),
  rows: Type.Integer(),
  created: Type.Integer({ description: 'tickets filed as new events' }),
  unchanged: Type.Integer({ description: 'tickets filed before (by file or webhook): nothing changed' }),
  unlocated: Type.Integer({
    description: 'tickets without coordinates, waiting for the centre to locate them',
  }),
  rejected: Type.Integer({
    description: 'tickets the intake refused while writing (listed in `rejections`)',
  }),
  rejections: Type.Array(
    Type.Object({ row: Type.Integer(), ticket: Type.String(), zh: Type.String(), en: Type.String() }),
  ),
  ignoredColumns: Type.Array(Type.String()),
});
export type HotlineImportResultValue = Static<typeof HotlineImportResult>;

export const UnlocatedTicket = Type.Object({
  ticket: Type.String(),
  title: Type.String(),
  description: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  categoryCode: Type.String(),
  calledAt: Type.Union([Type.String(), Type.Null()]),
  dueAt: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.String(),
});

export interface HotlineImportOptions {
  dryRun?: boolean;
  onProgress?: (stage: 'parse' | 'check' | 'write', done: number, total: number) => void;
}

export interface HotlineExportRow {
  ticket: string;
  eventNumber: string | null;
  state: string;
  department: string | null;
  note: string | null;
  closedAt: Date | null;
  rating: number | null;
  overdue: boolean;
}

/** The export's columns, in the hotline's words. */
export const EXPORT_HEADERS = [
  '工单编号',
  '事件编号',
  '办理状态',
  '承办部门',
  '办理结果',
  '办结时间',
  '满意度评价',
  '是否超期',
] as const;

/** The events intake's body of a hotline ticket; the location is missing while the ticket waits for the centre. */
interface PendingReport {
  source: 'hotline';
  categoryCode: string;
  title: string;
  description: string;
  location?: { lng: number; lat: number };
  address?: string;
  reporterName?: string;
  reporterPhone?: string;
  hotlineTicket: string;
}

interface CheckedRow {
  row: number;
  ticket: string;
  body: PendingReport;
  calledAt: Date | null;
  dueAt: Date | null;
}

const PHONE = /^\+?[0-9 -]{5,20}$/;

function text(value: RawCell): string | null {
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  return value;
}

/**
 * A time in the file, read as China time: 2026-11-25 09:12[:00], 2026/11/25 9:12, 2026-11-25, or a date cell of
 * Excel (which holds the wall-clock time, read by exceljs as if it were UTC).
 */
export function parseChinaTime(value: RawCell): Date | null | 'bad' {
  if (value === null) return null;
  if (value instanceof Date) return new Date(value.getTime() - 8 * 3600_000);
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(
    String(value).trim(),
  );
  if (!match) return 'bad';
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  const date = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h - 8, +mi, +s));
  const check = new Date(date.getTime() + 8 * 3600_000);
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +h > 23) return 'bad';
  return date;
}

function coordinate(value: RawCell, min: number, max: number): number | null | 'bad' {
  if (value === null) return null;
  const number = typeof value === 'number' ? value : Number(String(value));
  if (!Number.isFinite(number) || number < min || number > max) return 'bad';
  return number;
}

function formatChina(date: Date | null): string {
  if (!date) return '';
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export class HotlineExchange {
  constructor(
    private readonly deps: {
      database: Database;
      clock: Clock;
      events: EventService;
      grids: GridService;
      hotline: HotlineService;
      protector: () => DataProtector;
    },
  ) {}

  checkRole(user: AuthUser): void {
    if (!user.roles.some((role) => HOTLINE_ROLES.includes(role))) {
      throw errors.forbidden(
        '只有城运中心可以导入导出热线工单',
        'Only the command centre exchanges hotline files',
      );
    }
  }

  private header(column: HotlineColumn): string {
    return HOTLINE_COLUMNS[column].headers[0]!;
  }

  /** The active minor classes, for codes given in the category column. */
  private async activeCategories(): Promise<Set<string>> {
    const rows = rowsOf<{ code: string }>(
      await this.deps.database.db.execute(sql`select code from event_categories where level = 2 and active`),
    );
    return new Set(rows.map((row) => row.code));
  }

  /** Every row is checked before anything is written; the problems of all rows are answered together. */
  private async check(
    rows: Awaited<ReturnType<typeof readHotlineFile>>['rows'],
    user: AuthUser,
    progress: (done: number) => void,
  ): Promise<CheckedRow[]> {
    const problems: RowProblem[] = [];
    const categories = await this.activeCategories();
    const seen = new Map<string, number>();
    const checked: CheckedRow[] = [];
    rows.forEach(({ row, cells }, i) => {
      const problem = (column: HotlineColumn, zh: string, en: string) =>
        problems.push({ row, column: this.header(column), zh, en });
      const before = problems.length;
      const ticket = text(cells.ticket ?? null);
      if (ticket === null) problem('ticket', '工单编号必填', 'the ticket number is required');
      else if (ticket.length > 64) problem('ticket', '工单编号最长 64 个字符', 'at most 64 characters');
      else if (seen.has(ticket))
        problem(
          'ticket',
          `与第 ${seen.get(ticket)} 行工单编号重复`,
          `same ticket as row ${seen.get(ticket)}`,
        );
      else seen.set(ticket, row);
      const content = text(cells.content ?? null);
      const titleCell = text(cells.title ?? null);
      if (content === null && titleCell === null)
        problem('content', '诉求内容和标题不能都为空', 'a complaint or a title is required');
      if (content !== null && content.length > 5000)
        problem('content', '诉求内容最长 5000 字', 'at most 5000 characters');
      if (titleCell !== null && [...titleCell].length > 200)
        problem('title', '标题最长 200 字', 'at most 200 characters');
      const calledAt = parseChinaTime(cells.calledAt ?? null);
      if (calledAt === 'bad')
        problem('calledAt', '时间格式应为 2026-11-25 09:30', 'expected a time like 2026-11-25 09:30');
      const dueAt = parseChinaTime(cells.dueAt ?? null);
      if (dueAt === 'bad')
        problem('dueAt', '时间格式应为 2026-11-25 09:30', 'expected a time like 2026-11-25 09:30');
      const lng = coordinate(cells.lng ?? null, -180, 180);
      const lat = coordinate(cells.lat ?? null, -90, 90);
      if (lng === 'bad') problem('lng', '经度应为 -180 至 180 的数', 'a longitude between -180 and 180');
      if (lat === 'bad') problem('lat', '纬度应为 -90 至 90 的数', 'a latitude between -90 and 90');
      if ((lng === null) !== (lat === null) && lng !== 'bad' && lat !== 'bad')
        problem(lng === null ? 'lng' : 'lat', '经度和纬度须同时填写', 'give both longitude and latitude');
      let location: { lng: number; lat: number } | undefined;
      if (typeof lng === 'number' && typeof lat === 'number') {
        const chain = this.deps.grids.locate(lng, lat);
        const path = `/${chain.map((entry) => entry.id).join('/')}/`;
        if (chain.length === 0)
          problem('lng', '该位置不在任何网格内', 'the location lies outside every grid');
        else if (!user.scope.coversPath(path))
          problem('lng', '该位置不在您的管辖网格内', 'the location lies outside your grids');
        else location = { lng, lat };
      }
      const categoryCell = text(cells.category ?? null);
      let categoryCode: string;
      if (categoryCell !== null && /^[0-9]{4}$/.test(categoryCell)) {
        categoryCode = categoryCell;
      } else {
        categoryCode = this.deps.hotline.categoryOf(
          [categoryCell, titleCell, content].filter((part) => part !== null).join(' '),
        );
      }
      if (!categories.has(categoryCode))
        problem(
          'category',
          `分类「${categoryCode}」不存在、已停用或不是小类`,
          `category "${categoryCode}" does not exist, is inactive or is not a minor class`,
        );
      const phone = text(cells.callerPhone ?? null)?.replace(/[\s-]/g, '') ?? null;
      if (phone !== null && !PHONE.test(phone))
        problem('callerPhone', '联系电话格式不正确', 'not a phone number');
      const caller = text(cells.callerName ?? null);
      if (caller !== null && caller.length > 100)
        problem('callerName', '来电人最长 100 字', 'at most 100 characters');
      const address = text(cells.address ?? null);
      if (address !== null && address.length > 500)
        problem('address', '地址最长 500 字', 'at most 500 characters');
      progress(i + 1);
      if (problems.length > before || ticket === null) return;
      const description = content ?? titleCell!;
      checked.push({
        row,
        ticket,
        calledAt: calledAt as Date | null,
        dueAt: dueAt as Date | null,
        body: {
          source: 'hotline',
          categoryCode,
          title: titleCell ?? [...description].slice(0, 60).join(''),
          description,
          ...(location ? { location } : {}),
          ...(address !== null ? { address } : {}),
          ...(caller !== null ? { reporterName: caller } : {}),
          ...(phone !== null ? { reporterPhone: phone } : {}),
          hotlineTicket: ticket,
        },
      });
    });
    if (problems.length > 0) throw rowProblems(problems);
    return checked;
  }

  /** Tickets already known: filed as events, or waiting for a location. */
  private async known(tickets: string[]): Promise<{ filed: Set<string>; pending: Set<string> }> {
    const filed = new Set<string>();
    const pending = new Set<string>();
    for (let i = 0; i < tickets.length; i += 5000) {
      const part = tickets.slice(i, i + 5000);
      const rows = rowsOf<{ ticket: string; filed: boolean }>(
        await this.deps.database.db.execute(sql`
          select t as ticket,
            exists (select 1 from events e where e.hotline_ticket = t) as filed
          from jsonb_array_elements_text(${JSON.stringify(part)}::jsonb) as x(t)
          where exists (select 1 from events e where e.hotline_ticket = t)
             or exists (select 1 from hotline_tickets h where h.ticket = t)`),
      );
      for (const row of rows) (row.filed ? filed : pending).add(row.ticket);
    }
    return { filed, pending };
  }

  /**
   * 导入 the hotline's export. All rows are checked first (422 `sheet_rows_invalid` with every problem, nothing
   * written); then each new ticket with coordinates is filed through the events intake, each without them waits
   * for the centre, and tickets already known change nothing.
   */
  async importFile(
    bytes: Buffer,
    user: AuthUser,
    options: HotlineImportOptions = {},
  ): Promise<HotlineImportResultValue> {
    this.checkRole(user);
    const progress = options.onProgress ?? (() => undefined);
    const file = await readHotlineFile(bytes);
    progress('parse', file.rows.length, file.rows.length);
    const rows = await this.check(file.rows, user, (done) => {
      if (done % 500 === 0 || done === file.rows.length) progress('check', done, file.rows.length);
    });
    const { filed, pending } = await this.known(rows.map((row) => row.ticket));
    const toFile = rows.filter((row) => !filed.has(row.ticket) && row.body.location);
    const toHold = rows.filter(
      (row) => !filed.has(row.ticket) && !row.body.location && !pending.has(row.ticket),
    );
    const result: HotlineImportResultValue = {
      dryRun: options.dryRun ?? false,
      format: file.format,
      encoding: file.encoding,
      rows: rows.length,
      created: 0,
      unchanged: rows.length - toFile.length - toHold.length,
      unlocated: toHold.length,
      rejected: 0,
      rejections: [],
      ignoredColumns: file.ignored,
    };
    if (options.dryRun) {
      result.created = toFile.length;
      return result;
    }
    const serviceUser = await this.deps.hotline.serviceUser();
    const at = this.deps.clock.now();
    let done = 0;
    for (let i = 0; i < toFile.length; i += WRITE_CHUNK) {
      const chunk = toFile.slice(i, i + WRITE_CHUNK);
      const outcomes = await Promise.allSettled(
        chunk.map((row) => this.deps.events.report(row.body as unknown as CreateEventBody, serviceUser)),
      );
      const filedNow: { ticket: string; eventId: number; row: CheckedRow }[] = [];
      outcomes.forEach((outcome, k) => {
        const row = chunk[k]!;
        if (outcome.status === 'fulfilled') {
          filedNow.push({ ticket: row.ticket, eventId: outcome.value.id, row });
          result.created += 1;
        } else if (outcome.reason instanceof AppError && outcome.reason.code === 'duplicate_hotline_ticket') {
          // the webhook filed it meanwhile
          result.unchanged += 1;
        } else if (outcome.reason instanceof AppError) {
          result.rejected += 1;
          result.rejections.push({
            row: row.row,
            ticket: row.ticket,
            zh: outcome.reason.zh,
            en: outcome.reason.en,
          });
        } else {
          throw outcome.reason;
        }
      });
      if (filedNow.length > 0) {
        await this.deps.database.db.execute(sql`
          insert into hotline_tickets (ticket, event_id, channel, called_at, due_at, received_at, located_at)
          select x.ticket, x.event_id, 'file', x.called_at, x.due_at, ${at}, null
          from jsonb_to_recordset(${JSON.stringify(
            filedNow.map(({ ticket, eventId, row }) => ({
              ticket,
              event_id: eventId,
              called_at: row.calledAt?.toISOString() ?? null,
              due_at: row.dueAt?.toISOString() ?? null,
            })),
          )}::jsonb) as x(ticket text, event_id int, called_at timestamptz, due_at timestamptz)
          on conflict (ticket) do update set event_id = excluded.event_id, pending = null, phone_cipher = null,
            called_at = coalesce(hotline_tickets.called_at, excluded.called_at),
            due_at = coalesce(hotline_tickets.due_at, excluded.due_at)`);
      }
      done += chunk.length;
      progress('write', done, toFile.length + toHold.length);
    }
    if (toHold.length > 0) {
      const protector = toHold.some((row) => row.body.reporterPhone) ? this.deps.protector() : null;
      await this.deps.database.db
        .insert(hotlineTickets)
        .values(
          toHold.map((row) => {
            const { reporterPhone, ...rest } = row.body;
            return {
              ticket: row.ticket,
              channel: 'file',
              calledAt: row.calledAt,
              dueAt: row.dueAt,
              pending: rest as Record<string, unknown>,
              phoneCipher: reporterPhone && protector ? protector.encrypt(reporterPhone) : null,
              receivedAt: at,
            };
          }),
        )
        .onConflictDoNothing();
      progress('write', toFile.length + toHold.length, toFile.length + toHold.length);
    }
    await recordAudit(this.deps.database.db, { userId: user.id, name: user.username }, at, [
      {
        action: 'hotline.import',
        entity: 'hotline',
        detail: {
          rows: result.rows,
          created: result.created,
          unchanged: result.unchanged,
          unlocated: result.unlocated,
          rejected: result.rejected,
        },
      },
    ]);
    return result;
  }

  /** 待定位 tickets that arrived without coordinates. */
  async unlocated(user: AuthUser): Promise<Static<typeof UnlocatedTicket>[]> {
    this.checkRole(user);
    const rows = await this.deps.database.db
      .select()
      .from(hotlineTickets)
      .where(sql`${hotlineTickets.eventId} is null and ${hotlineTickets.pending} is not null`)
      .orderBy(hotlineTickets.receivedAt, hotlineTickets.ticket);
    return rows.map((row) => {
      const body = row.pending as unknown as CheckedRow['body'];
      return {
        ticket: row.ticket,
        title: body.title,
        description: body.description ?? '',
        address: body.address ?? null,
        categoryCode: body.categoryCode,
        calledAt: row.calledAt?.toISOString() ?? null,
        dueAt: row.dueAt?.toISOString() ?? null,
        receivedAt: row.receivedAt.toISOString(),
      };
    });
  }

  /** 定位 the centre places a waiting ticket on the map: it is filed as an event like any other. */
  async locate(
    ticket: string,
    location: { lng: number; lat: number },
    user: AuthUser,
    categoryCode?: string,
  ): Promise<{ ticket: string; eventId: number; created: boolean }> {
    this.checkRole(user);
    const [row] = await this.deps.database.db
      .select()
      .from(hotlineTickets)
      .where(eq(hotlineTickets.ticket, ticket));
    if (!row || row.eventId !== null || row.pending === null) {
      const [event] = rowsOf<{ id: number }>(
        await this.deps.database.db.execute(sql`select id from events where hotline_ticket = ${ticket}`),
      );
      if (event) return { ticket, eventId: event.id, created: false };
      throw errors.notFound({ zh: '待定位热线工单', en: 'Unlocated hotline ticket' }, ticket);
    }
    const chain = this.deps.grids.locate(location.lng, location.lat);
    if (chain.length > 0 && !user.scope.coversPath(`/${chain.map((entry) => entry.id).join('/')}/`)) {
      throw errors.unprocessable(
        'outside_your_grids',
        '该位置不在您的管辖网格内',
        'The location lies outside your grids',
        [{ field: '/body/location', zh: '不在管辖网格内', en: 'outside your grids' }],
      );
    }
    const pending = row.pending as unknown as CheckedRow['body'];
    const body = {
      ...pending,
      ...(categoryCode ? { categoryCode } : {}),
      location,
      ...(row.phoneCipher ? { reporterPhone: this.deps.protector().decrypt(row.phoneCipher) } : {}),
    } as CreateEventBody;
    let eventId: number;
    try {
      eventId = (await this.deps.events.report(body, await this.deps.hotline.serviceUser())).id;
    } catch (error) {
      if (error instanceof AppError && error.code === 'duplicate_hotline_ticket') {
        const [event] = rowsOf<{ id: number }>(
          await this.deps.database.db.execute(sql`select id from events where hotline_ticket = ${ticket}`),
        );
        if (event) return { ticket, eventId: event.id, created: false };
      }
      throw error;
    }
    const at = this.deps.clock.now();
    await this.deps.database.db.transaction(async (tx) => {
      await tx
        .update(hotlineTickets)
        .set({ eventId, pending: null, phoneCipher: null, locatedAt: at })
        .where(eq(hotlineTickets.ticket, ticket));
      await recordAudit(tx, { userId: user.id, name: user.username }, at, [
        { action: 'hotline.locate', entity: 'hotline_ticket', entityKey: ticket, detail: { eventId } },
      ]);
    });
    return { ticket, eventId, created: true };
  }

  /** 回传 the handling status of the hotline's tickets changed since `since`, in the user's grids. */
  async exportRows(user: AuthUser, since: Date | null): Promise<HotlineExportRow[]> {
    this.checkRole(user);
    const nowText = this.deps.clock.now().toISOString();
    const sinceText = since?.toISOString() ?? null;
    const rows = rowsOf<{
      ticket: string;
      number: string | null;
      state: string | null;
      department: string | null;
      note: string | null;
      closed_at: string | Date | null;
      rating: number | null;
      overdue: boolean;
    }>(
      await this.deps.database.db.execute(sql`
        select e.hotline_ticket as ticket, e.number, e.state, o.name as department, n.note, e.closed_at, e.rating,
          (exists (select 1 from event_deadlines d where d.event_id = e.id and d.overdue)
            or (h.due_at is not null and coalesce(e.closed_at, ${nowText}::timestamptz) > h.due_at)) as overdue,
          e.updated_at as changed_at, e.id as ord
        from events e
        left join organisations o on o.id = e.assigned_department_id
        left join hotline_tickets h on h.ticket = e.hotline_ticket
        left join lateral (
          select t.note from event_timeline t
          where t.event_id = e.id and t.note is not null and t.action in ('handle', 'self_handle', 'close', 'decline', 'approve')
          order by t.at desc, t.id desc limit 1) n on true
        where e.hotline_ticket is not null and ${user.scope.pathCondition(sql`e.grid_path`)}
          and (${sinceText}::timestamptz is null or e.updated_at >= ${sinceText}::timestamptz)
        union all
        select h.ticket, null, null, null, null, null, null,
          (h.due_at is not null and ${nowText}::timestamptz > h.due_at), h.received_at, 0
        from hotline_tickets h
        where h.event_id is null and h.pending is not null
          and (${sinceText}::timestamptz is null or h.received_at >= ${sinceText}::timestamptz)
        order by changed_at, ord, ticket`),
    );
    return rows.map((row) => ({
      ticket: row.ticket,
      eventNumber: row.number,
      state: row.state === null ? UNLOCATED_WORD : (HOTLINE_STATE_WORDS[row.state] ?? row.state),
      department: row.department,
      note: row.note,
      closedAt: row.closed_at === null ? null : new Date(row.closed_at),
      rating: row.rating,
      overdue: row.overdue,
    }));
  }

  private exportCells(row: HotlineExportRow): (string | number | null)[] {
    return [
      row.ticket,
      row.eventNumber ?? '',
      row.state,
      row.department ?? '',
      row.note ?? '',
      formatChina(row.closedAt),
      row.rating,
      row.overdue ? '是' : '否',
    ];
  }

  /** CSV in UTF-8 with a BOM (Excel opens it right), or GBK for the hotline systems that read only GBK. */
  async exportCsv(user: AuthUser, since: Date | null, encoding: 'utf-8' | 'gbk' = 'utf-8'): Promise<Buffer> {
    const rows = await this.exportRows(user, since);
    const lines = [
      EXPORT_HEADERS.join(','),
      ...rows.map((row) => this.exportCells(row).map(csvField).join(',')),
    ];
    const text = `${lines.join('\r\n')}\r\n`;
    return encoding === 'gbk'
      ? encodeGbk(text)
      : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
  }

  async exportXlsx(user: AuthUser, since: Date | null): Promise<Buffer> {
    const rows = await this.exportRows(user, since);
    const workbook = new ExcelJS.Workbook();
    workbook.creator = 'gezhi 格治';
    const sheet = workbook.addWorksheet('工单办理情况', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = EXPORT_HEADERS.map((header, i) => ({
      header,
      key: String(i),
      width: i === 4 ? 40 : 18,
      style: { numFmt: '@' },
    }));
    sheet.getRow(1).font = { bold: true };
    for (const row of rows) sheet.addRow(this.exportCells(row));
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  /** The stored tickets by number (tests and the CLI summary). */
  async ticketsOf(tickets: string[]) {
    if (tickets.length === 0) return [];
    return this.deps.database.db.select().from(hotlineTickets).where(inArray(hotlineTickets.ticket, tickets));
  }
}

/** `since` of the export: a date (China midnight) or an ISO instant. */
export function parseSince(value: string | undefined): Date | null {
  if (value === undefined || value === '') return null;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00+08:00`) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw errors.invalid([
      {
        field: '/querystring/since',
        zh: 'since 应为日期 2026-11-25 或时间 2026-11-25T09:00:00+08:00',
        en: 'since must be a date 2026-11-25 or an instant 2026-11-25T09:00:00+08:00',
      },
    ]);
  }
  return date;
}
