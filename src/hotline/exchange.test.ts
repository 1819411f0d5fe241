import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, engine, login, type TestApp } from '../../test/helpers.js';
import { createRoleUsers, importSmallMap, PASSWORD, S1 } from '../../test/grid-fixtures.js';
import { buildCategory, buildDepartment } from '../../test/factories.js';
import { decodeText, encodeGbk } from './file.js';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/hotline');
const SECRET = 'test-hotline-secret';
const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Headers = Record<string, string>;

describe(`12345 hotline files (${engine})`, () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T12:00:00+08:00');
  const as: Record<string, Headers> = {};

  beforeAll(async () => {
    t = await buildTestApp({ clock, config: { hotlineSecret: SECRET } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    for (const code of ['0101', '0701', '0702']) {
      await buildCategory(t.services, { code, filingStandards: [], closingStandards: [] });
    }
    for (const name of ['centre1', 'worker111', 'dept1', 'leader11', 'district']) {
      as[name] = await login(t.app, name, PASSWORD);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  async function hotlineEvents(): Promise<
    {
      hotline_ticket: string;
      category_code: string;
      title: string;
      description: string;
      reporter_name: string;
    }[]
  > {
    return rowsOf(
      await t.database.db.execute(sql`select hotline_ticket, category_code, title, description, reporter_name
        from events where source = 'hotline' order by hotline_ticket`),
    );
  }
  async function upload(file: string | Buffer, type = CSV, query = '', who = 'centre1') {
    return t.app.inject({
      method: 'POST',
      url: `/api/hotline/imports${query}`,
      headers: { ...as[who], 'content-type': type },
      payload: typeof file === 'string' ? fs.readFileSync(path.join(fixtures, file)) : file,
    });
  }

  it('refuses users outside the command centre and anonymous callers', async () => {
    expect((await upload('tickets-utf8.csv', CSV, '', 'worker111')).statusCode).toBe(403);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/hotline/imports',
      headers: { 'content-type': CSV },
      payload: fs.readFileSync(path.join(fixtures, 'tickets-utf8.csv')),
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await hotlineEvents()).toHaveLength(0);
  });

  it('checks the whole file first: every bad row is listed and nothing is written', async () => {
    const response = await upload('tickets-bad.csv');
    expect(response.statusCode, response.body).toBe(422);
    const body = response.json<{ code: string; rows: { row: number; column: string }[] }>();
    expect(body.code).toBe('sheet_rows_invalid');
    const found = body.rows.map((problem) => `${problem.row}:${problem.column}`).sort();
    expect(found).toEqual(
      ['2:工单编号', '3:来电时间', '4:经度', '5:经度', '6:纬度', '7:联系电话', '9:工单编号'].sort(),
    );
    expect(await hotlineEvents()).toHaveLength(0);
    const [tickets] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from hotline_tickets`),
    );
    expect(tickets!.n).toBe(0);
  });

  it('a dry run counts and writes nothing; the import files located tickets and holds the rest', async () => {
    const dry = await upload('tickets-utf8.csv', CSV, '?dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, rows: 3, created: 2, unlocated: 1, unchanged: 0 });
    expect(await hotlineEvents()).toHaveLength(0);

    const first = await upload('tickets-utf8.csv');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      dryRun: false,
      format: 'csv',
      encoding: 'utf-8',
      rows: 3,
      created: 2,
      unlocated: 1,
      unchanged: 0,
      rejected: 0,
    });
    const filed = await hotlineEvents();
    expect(filed.map((row) => [row.hotline_ticket, row.category_code, row.reporter_name])).toEqual([
      ['2026112500201', '0701', '张先生'],
      ['2026112500202', '0101', '李女士'],
    ]);
    expect(filed[1]!.description).toBe('小区门口垃圾堆放两天未清运, 气味很大');
    const [held] = rowsOf<{ event_id: number | null; due_at: Date | string | null; phone_cipher: string }>(
      await t.database.db.execute(
        sql`select event_id, due_at, phone_cipher from hotline_tickets where ticket = '2026112500203'`,
      ),
    );
    expect(held!.event_id).toBeNull();
    expect(held!.phone_cipher).not.toContain('13900139000');
    const [timed] = rowsOf<{ due_at: Date | string }>(
      await t.database.db.execute(sql`select due_at from hotline_tickets where ticket = '2026112500201'`),
    );
    expect(new Date(timed!.due_at).toISOString()).toBe(new Date('2026-11-27T17:00:00+08:00').toISOString());

    const again = await upload('tickets-utf8.csv');
    expect(again.json()).toMatchObject({ created: 0, unchanged: 3, unlocated: 0 });
    expect(await hotlineEvents()).toHaveLength(2);
  });

  it('reads the GBK export with header variants; a ticket already filed stays one event', async () => {
    const bytes = fs.readFileSync(path.join(fixtures, 'tickets-gbk.csv'));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const response = await upload(bytes);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      encoding: 'gb18030',
      rows: 2,
      created: 1,
      unchanged: 1,
      ignoredColumns: ['备注'],
    });
    const filed = await hotlineEvents();
    expect(filed).toHaveLength(3);
    const fresh = filed.find((row) => row.hotline_ticket === '2026112500204')!;
    expect(fresh).toMatchObject({
      category_code: '0702',
      title: '消火栓漏水',
      description: '淞南镇长江路口消火栓漏水，路面结冰危险',
      reporter_name: '赵女士',
    });
  });

  it('a ticket delivered by the webhook and then in a file is one event', async () => {
    const hook = await t.app.inject({
      method: 'POST',
      url: '/api/hotline/tickets',
      headers: { 'x-hotline-secret': SECRET },
      payload: { ticket: 'W-1', content: '垃圾堆放', location: { lng: 121.41, lat: 31.31 } },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const csv = '工单编号,诉求内容,经度,纬度\nW-1,垃圾堆放,121.41,31.31\n';
    const response = await upload(Buffer.from(csv));
    expect(response.json()).toMatchObject({ created: 0, unchanged: 1 });
    const [row] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from events where hotline_ticket = 'W-1'`),
    );
    expect(row!.n).toBe(1);
  });

  it('reads .xlsx exports: numeric ticket numbers and date cells in China time', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('工单');
    sheet.addRow(['工单编号', '来电时间', '诉求内容', '经度', '纬度']);
    // Excel keeps the wall-clock time; exceljs hands it over as a UTC instant with the same digits
    sheet.addRow([2026112500501, new Date(Date.UTC(2026, 10, 25, 8, 30)), '消防通道被占', 121.425, 31.325]);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const response = await upload(buffer, XLSX);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ format: 'xlsx', created: 1 });
    const [row] = rowsOf<{ called_at: Date | string; category_code: string }>(
      await t.database.db.execute(sql`select h.called_at, e.category_code from hotline_tickets h
        join events e on e.id = h.event_id where h.ticket = '2026112500501'`),
    );
    expect(new Date(row!.called_at).toISOString()).toBe(new Date('2026-11-25T08:30:00+08:00').toISOString());
    expect(row!.category_code).toBe('0701');
  });

  it('the centre locates a waiting ticket: it becomes an event once', async () => {
    const list = await t.app.inject({ url: '/api/hotline/tickets/unlocated', headers: as.centre1! });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((item: { ticket: string }) => item.ticket)).toEqual(['2026112500203']);
    const locate = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/hotline/tickets/2026112500203/locate',
        headers: as.centre1!,
        payload: { location: { lng: 121.445, lat: 31.345 } },
      });
    const first = await locate();
    expect(first.statusCode, first.body).toBe(201);
    const second = await locate();
    expect(second.statusCode).toBe(200);
    expect(second.json().eventId).toBe(first.json().eventId);
    const [row] = rowsOf<{ reporter_phone_cipher: string | null; reporter_name: string }>(
      await t.database.db.execute(
        sql`select reporter_phone_cipher, reporter_name from events where hotline_ticket = '2026112500203'`,
      ),
    );
    expect(row!.reporter_name).toBe('王先生');
    expect(row!.reporter_phone_cipher).not.toBeNull();
    const after = await t.app.inject({ url: '/api/hotline/tickets/unlocated', headers: as.centre1! });
    expect(after.json().items).toEqual([]);
  });

  it('exports the status in the hotline’s words: closed, department, result, overdue', async () => {
    const [event] = rowsOf<{ id: number }>(
      await t.database.db.execute(sql`select id from events where hotline_ticket = '2026112500202'`),
    );
    const ids = rowsOf<{ id: number; username: string }>(
      await t.database.db.execute(sql`select id, username from users where username = 'dept1'`),
    );
    const department = await buildDepartment(t.services, {
      gridCode: S1,
      name: '环卫所',
      userIds: [Number(ids[0]!.id)],
    });
    const act = async (who: string, action: string, body: Record<string, unknown> = {}) => {
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/events/${event!.id}/actions/${action}`,
        headers: as[who]!,
        payload: body,
      });
      expect(response.statusCode, `${action}: ${response.body}`).toBe(200);
    };
    await act('centre1', 'accept', { filingStandards: [] });
    await act('centre1', 'dispatch', { departmentId: department.id });
    await act('dept1', 'start');
    await act('dept1', 'handle', { note: '已清运，地面已冲洗' });
    await act('leader11', 'verify');
    await act('centre1', 'close', { closingStandards: [] });

    const csv = await t.app.inject({ url: '/api/hotline/tickets/export?format=csv', headers: as.centre1! });
    expect(csv.statusCode, csv.body).toBe(200);
    expect([...csv.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.rawPayload.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('工单编号,事件编号,办理状态,承办部门,办理结果,办结时间,满意度评价,是否超期');
    const byTicket = new Map(lines.slice(1).map((line) => [line.split(',')[0], line.split(',')]));
    // 202 was due at 11:00 on the 25th and closed at noon: overdue by the hotline's own limit
    expect(byTicket.get('2026112500202')).toEqual([
      '2026112500202',
      expect.stringMatching(/^E20261125-/),
      '已办结',
      '环卫所',
      '已清运，地面已冲洗',
      '2026-11-25 12:00:00',
      '',
      '是',
    ]);
    expect(byTicket.get('2026112500201')?.slice(2)).toEqual(['受理', '', '', '', '', '否']);
    expect(byTicket.has('W-1')).toBe(true);

    const gbk = await t.app.inject({
      url: '/api/hotline/tickets/export?format=csv&encoding=gbk',
      headers: as.centre1!,
    });
    expect(decodeText(gbk.rawPayload)).toEqual({
      encoding: 'gb18030',
      text: lines.join('\r\n') + '\r\n',
    });

    const xlsx = await t.app.inject({ url: '/api/hotline/tickets/export?format=xlsx', headers: as.centre1! });
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const values = book.worksheets[0]!.getRow(1).values as unknown[];
    expect(values.slice(1, 4)).toEqual(['工单编号', '事件编号', '办理状态']);
    expect(book.worksheets[0]!.rowCount).toBe(lines.length);

    const later = await t.app.inject({
      url: `/api/hotline/tickets/export?since=${encodeURIComponent('2026-11-26T00:00:00+08:00')}`,
      headers: as.centre1!,
    });
    expect(later.rawPayload.subarray(3).toString('utf8').trim().split('\r\n')).toHaveLength(1);
    const bad = await t.app.inject({
      url: '/api/hotline/tickets/export?since=yesterday',
      headers: as.centre1!,
    });
    expect(bad.statusCode).toBe(400);
    expect(
      (await t.app.inject({ url: '/api/hotline/tickets/export', headers: as.worker111! })).statusCode,
    ).toBe(403);
  });

  it('encodes GBK so that a GBK decoder gives the text back', () => {
    const sample = '工单编号,已办结,消火栓 ABC 123，（全角）';
    expect(new TextDecoder('gb18030').decode(encodeGbk(sample))).toBe(sample);
  });
});
