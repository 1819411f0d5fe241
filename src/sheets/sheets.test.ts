import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { buildPerson } from '../../test/factories.js';
import { M111, M112, M21, PASSWORD, createRoleUsers, importSmallMap } from '../../test/grid-fixtures.js';
import { makeIdNumber } from '../people/identity.js';
import { XLSX_TYPE } from './routes.js';

type Headers = { authorization: string };
type Value = string | number | null;

async function xlsx(headers: string[], rows: Value[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('人员');
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function readXlsx(buffer: Buffer): Promise<Value[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const out: Value[][] = [];
  workbook.worksheets[0]!.eachRow((row) => {
    out.push((row.values as Value[]).slice(1).map((value) => value ?? null));
  });
  return out;
}

const HEADERS = [
  '姓名',
  '性别',
  '身份证号',
  '手机号',
  '住址',
  '政治面貌',
  '网格编码',
  '户号',
  '户主',
  '标签',
  '特殊群体',
];
const ID = {
  zhang: makeIdNumber('310113', '1950-03-07', 11),
  li: makeIdNumber('310113', '1988-08-08', 22),
  wang: makeIdNumber('310113', '1990-01-01', 33),
};

describe('spreadsheets: templates, all-or-nothing import, export that round-trips', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T09:00:00+08:00');
  const as: Record<string, Headers> = {};

  async function counts() {
    const [row] = rowsOf<{
      persons: number;
      households: number;
      audit: number;
      members: number;
      positions: number;
    }>(
      await t.database.db.execute(sql`select (select count(*)::int from persons) as persons,
        (select count(*)::int from households) as households, (select count(*)::int from audit_log) as audit,
        (select count(*)::int from special_group_members) as members, (select count(*)::int from positions) as positions`),
    );
    return row!;
  }

  async function personsSnapshot(): Promise<string[]> {
    return rowsOf<{ row: string }>(
      await t.database.db.execute(
        sql`select (to_jsonb(p) - 'updated_at')::text as row from persons p order by id`,
      ),
    ).map((row) => row.row);
  }

  async function upload(who: string, key: string, buffer: Buffer, query = '') {
    return t.app.inject({
      method: 'POST',
      url: `/api/sheets/${key}/import${query}`,
      headers: { ...as[who], 'content-type': XLSX_TYPE },
      payload: buffer,
    });
  }

  beforeAll(async () => {
    t = await buildTestApp({ clock, config: { dataKey: Buffer.alloc(32, 7).toString('base64') } });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    for (const username of ['admin', 'leader11', 'worker111', 'district']) {
      as[username] = await login(t.app, username, PASSWORD);
    }
  });
  afterAll(async () => t.close());

  it('lists the sheets each role may use', async () => {
    const leader = await t.app.inject({ url: '/api/sheets', headers: as.leader11 });
    const items = leader.json<{ items: { key: string; canImport: boolean; canExport: boolean }[] }>().items;
    expect(items.map((item) => [item.key, item.canImport, item.canExport])).toEqual([
      ['persons', true, true],
      ['positions', true, true],
      ['party-members', true, true],
      ['co-building-units', true, true],
    ]);
    const district = await t.app.inject({ url: '/api/sheets', headers: as.district });
    expect(
      district
        .json<{ items: { key: string; canImport: boolean }[] }>()
        .items.map((i) => [i.key, i.canImport]),
    ).toEqual([
      ['persons', false],
      ['positions', true],
      ['party-members', false],
      ['co-building-units', false],
    ]);
    const template = await t.app.inject({ url: '/api/sheets/persons/template', headers: as.district });
    expect(template.statusCode).toBe(403);
  });

  it('gives a template that opens with exceljs: Chinese headers, English in the notes, drop-downs', async () => {
    const response = await t.app.inject({ url: '/api/sheets/persons/template', headers: as.worker111 });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain(XLSX_TYPE);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const headers = (sheet.getRow(1).values as string[]).slice(1);
    expect(headers).toEqual(
      expect.arrayContaining(['系统编号', '姓名', '性别', '身份证号', '网格编码', '特殊群体']),
    );
    const nameCell = sheet.getRow(1).getCell(headers.indexOf('姓名') + 1);
    const note = typeof nameCell.note === 'string' ? nameCell.note : JSON.stringify(nameCell.note);
    expect(note).toContain('Name');
    expect(note).toContain('张三');
    const genderColumn = String.fromCharCode(65 + headers.indexOf('性别'));
    const validation = (sheet as unknown as { dataValidations: { model: Record<string, { type: string }> } })
      .dataValidations.model;
    const rule = Object.entries(validation).find(([address]) => address.startsWith(`${genderColumn}2`));
    expect(rule?.[1].type).toBe('list');
    expect(sheet.getColumn(headers.indexOf('身份证号') + 1).width).toBeGreaterThan(15);
    const unknown = await t.app.inject({ url: '/api/sheets/nothing/template', headers: as.worker111 });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses a file with bad rows: every problem with row and column, nothing written', async () => {
    await buildPerson(t.services, { gridCode: M111, name: '已登记', idNumber: ID.wang });
    const before = await counts();
    const badCheck = `${ID.zhang.slice(0, 17)}${ID.zhang[17] === '1' ? '2' : '1'}`;
    const file = await xlsx(HEADERS, [
      ['张三', null, ID.zhang, '13812345678', '友谊路1号', '群众', M111, 'H-1', '是', null, null], // good
      [null, '男', badCheck, '1381234', null, '党员', M111, null, null, null, null], // name, ID, phone, status
      ['李四', null, ID.li, null, null, null, 'NO-SUCH-GRID', null, null, null, null], // unknown grid
      ['赵五', null, ID.zhang, null, null, null, M111, null, null, null, '外星人'], // duplicate ID, group
      ['钱六', '女', ID.li.slice(0, 17) + 'X', null, null, null, M21, null, null, null, null], // ID; M21 outside A11
      ['孙七', null, ID.wang, null, null, null, M112, 'H-2', '是', '志愿者', null], // ok: updates 已登记
      ['周八', null, null, null, null, null, M112, 'H-2', '是', null, null], // second head of H-2
    ]);
    const response = await upload('leader11', 'persons', file);
    expect(response.statusCode, response.body).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const body = response.json<{
      code: string;
      rows: { row: number; column: string; zh: string; en: string }[];
    }>();
    expect(body.code).toBe('sheet_rows_invalid');
    const found = body.rows.map((problem) => `${problem.row}:${problem.column}`);
    const expected = [
      '3:name',
      '3:idNumber',
      '3:phone',
      '3:politicalStatus',
      '4:gridCode',
      '5:idNumber',
      '5:specialGroups',
      '8:householdHead',
    ];
    expect(found).toEqual(expect.arrayContaining(expected));
    // row 6: the ID number is either malformed or (if the check digit happens to be X) the grid is outside
    expect(found.filter((key) => key.startsWith('6:')).length).toBeGreaterThan(0);
    expect(found.some((key) => key.startsWith('2:') || key.startsWith('7:'))).toBe(false);
    for (const problem of body.rows) {
      expect(problem.zh.length).toBeGreaterThan(0);
      expect(problem.en.length).toBeGreaterThan(0);
    }
    expect(await counts()).toEqual(before);
  });

  it('reports a grid outside the importer’s grids as a row problem', async () => {
    const file = await xlsx(HEADERS, [['吴九', null, null, null, null, null, M21, null, null, null, null]]);
    const response = await upload('leader11', 'persons', file);
    expect(response.statusCode).toBe(422);
    expect(response.json<{ rows: unknown[] }>().rows).toEqual([
      expect.objectContaining({ row: 2, column: 'gridCode' }),
    ]);
  });

  it('checks only on a dry run, then writes every row of a good file in one go', async () => {
    const before = await counts();
    const file = await xlsx(HEADERS, [
      [
        '张三',
        null,
        ID.zhang,
        '13812345678',
        '友谊路1号',
        '群众',
        M111,
        'H-1',
        '是',
        '志愿者、楼组长',
        '独居老人',
      ],
      ['李四', null, ID.li, '13900000002', '友谊路1号', '中共党员', M111, 'H-1', '否', null, null],
      ['无证人员', '女', null, '13700000003', null, null, M112, null, null, null, null],
      ['孙七', null, ID.wang, null, null, null, M112, 'H-2', '是', '志愿者', null],
    ]);
    const dry = await upload('leader11', 'persons', file, '?dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, rows: 4, created: 0, updated: 0 });
    expect(await counts()).toEqual(before);

    const response = await upload('leader11', 'persons', file);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ dryRun: false, rows: 4, created: 3, updated: 1, unchanged: 0 });
    const after = await counts();
    expect(after.persons).toBe(before.persons + 3);
    expect(after.households).toBe(before.households + 2);
    expect(after.members).toBe(before.members + 1);

    const found = await t.app.inject({ url: `/api/people?idNumber=${ID.zhang}`, headers: as.leader11 });
    const zhang = found.json<{
      items: { name: string; birthDate: string; tags: string[]; specialGroups: { group: string }[] }[];
    }>().items[0]!;
    expect(zhang).toMatchObject({ name: '张三', birthDate: '1950-03-07', tags: ['志愿者', '楼组长'] });
    expect(zhang.specialGroups.map((group) => group.group)).toEqual(['elderly_alone']);
    const moved = await t.app.inject({ url: `/api/people?idNumber=${ID.wang}`, headers: as.leader11 });
    expect(moved.json<{ items: { name: string; gridCode: string }[] }>().items[0]).toMatchObject({
      name: '孙七',
      gridCode: M112,
    });
  });

  it('exports unmasked for the admin, and importing that export changes nothing', async () => {
    const before = await personsSnapshot();
    const beforeCounts = await counts();
    const exported = await t.app.inject({ url: '/api/sheets/persons/export?unmask=true', headers: as.admin });
    expect(exported.statusCode).toBe(200);
    const rows = await readXlsx(exported.rawPayload);
    expect(rows.length).toBe(1 + beforeCounts.persons);
    expect(rows.flat()).toContain(ID.zhang);
    // every person revealed in the export was audited
    const unmasked = rowsOf<{ n: number }>(
      await t.database.db.execute(sql`select count(*)::int as n from audit_log where action = 'person.unmask'
        and detail->>'via' = 'export'`),
    )[0]!.n;
    expect(unmasked).toBe(beforeCounts.persons);

    const reimport = await upload('admin', 'persons', exported.rawPayload);
    expect(reimport.statusCode, reimport.body).toBe(200);
    expect(reimport.json()).toMatchObject({ created: 0, updated: 0, unchanged: beforeCounts.persons });
    expect(await personsSnapshot()).toEqual(before);
    const again = await t.app.inject({ url: '/api/sheets/persons/export?unmask=true', headers: as.admin });
    expect(await readXlsx(again.rawPayload)).toEqual(rows);
  });

  it('exports masked ID numbers and phones to a grid worker, who may not unmask', async () => {
    const exported = await t.app.inject({ url: '/api/sheets/persons/export', headers: as.worker111 });
    expect(exported.statusCode).toBe(200);
    const cells = (await readXlsx(exported.rawPayload)).flat().map(String);
    expect(cells).not.toContain(ID.zhang);
    expect(cells).toContain(`310113********${ID.zhang.slice(-4)}`);
    expect(cells).toContain('138****5678');
    expect(cells).not.toContain('孙七'); // M112 is outside the worker's micro-grid
    const refused = await t.app.inject({
      url: '/api/sheets/persons/export?unmask=true',
      headers: as.worker111,
    });
    expect(refused.statusCode).toBe(403);
  });

  it('accepts English headers and a multipart upload, and imports positions by ID number or name and phone', async () => {
    const file = await xlsx(
      ['Grid code', 'Position', 'Duty', 'ID number', 'Name', 'Phone', 'Since', 'Until'],
      [
        [M111, '网格长', null, ID.zhang, null, null, '2026-01-01', null],
        [M111, 'grid_worker_part_time', null, null, '无证人员', '13700000003', '2025-03-01', '2026-03-01'],
      ],
    );
    const boundary = 'gezhi-boundary';
    const payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="positions.xlsx"\r\n` +
          `Content-Type: ${XLSX_TYPE}\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/sheets/positions/import',
      headers: { ...as.leader11, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ created: 2, updated: 0 });
    const held = await t.app.inject({
      url: `/api/grids/${M111}/positions?history=true`,
      headers: as.leader11,
    });
    expect(
      held
        .json<{ items: { kind: string; holder: { name: string }; to: string | null }[] }>()
        .items.map((item) => [item.kind, item.holder.name, item.to]),
    ).toEqual([
      ['grid_leader', '张三', null],
      ['grid_worker_part_time', '无证人员', '2026-03-01'],
    ]);
    const exported = await t.app.inject({
      url: '/api/sheets/positions/export?unmask=true',
      headers: as.admin,
    });
    const again = await upload('admin', 'positions', exported.rawPayload);
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
  });

  it('answers a too large file with 413, a JSON body with 415 and a broken file with 422', async () => {
    const before = await counts();
    const big = await upload('admin', 'persons', Buffer.alloc(21 * 1024 * 1024, 1));
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'sheet_too_large' });
    expect(big.json<{ zh: string }>().zh).toContain('20 MB');
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/sheets/persons/import',
      headers: as.admin,
      payload: { rows: [] },
    });
    expect(json.statusCode).toBe(415);
    const broken = await upload('admin', 'persons', Buffer.from('not a spreadsheet'));
    expect(broken.statusCode).toBe(422);
    expect(broken.json()).toMatchObject({ code: 'sheet_unreadable' });
    const unknownColumn = await upload(
      'admin',
      'persons',
      await xlsx(['姓名', '网格编码', '鞋码'], [['甲', M111, 42]]),
    );
    expect(unknownColumn.statusCode).toBe(422);
    expect(unknownColumn.json<{ rows: unknown[] }>().rows).toEqual([
      expect.objectContaining({ row: 1, column: '鞋码' }),
    ]);
    expect(await counts()).toEqual(before);
  });
});
