import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthUser } from '../accounts/auth.js';
import type { Role } from '../accounts/roles.js';
import { Scope } from '../accounts/scope.js';
import { rowsOf } from '../core/db.js';
import type { Cell, ParsedRow, RowProblem, SheetContext, SheetDefinition } from '../sheets/types.js';
import { buildTestServices } from '../../test/helpers.js';
import { buildPerson } from '../../test/factories.js';
import { A11, M111, M21, S1, importSmallMap } from '../../test/grid-fixtures.js';
import { coBuildingUnitSheet, partyMemberSheet } from './sheets.js';

type Built = Awaited<ReturnType<typeof buildTestServices>>;

describe('party member and co-building unit sheets against a fresh database', () => {
  let t: Built;
  let admin: AuthUser;
  let leader: AuthUser;
  let department: AuthUser;
  const persons: { id: number; name: string }[] = [];
  let masses: { id: number; name: string };

  async function userOf(roles: Role[], gridCodes: string[], id: number): Promise<AuthUser> {
    const paths = rowsOf<{ path: string }>(
      await t.database.db.execute(
        sql`select path from grids where code = any(${sql.param(gridCodes)}::text[])`,
      ),
    ).map((row) => row.path);
    return {
      id,
      username: `sheet${id}`,
      displayName: `sheet${id}`,
      roles,
      gridCodes,
      scope: roles.includes('admin') ? Scope.everything() : Scope.of(paths),
    };
  }

  function context(user: AuthUser, executor = t.database.db): SheetContext {
    return { executor, user, today: '2026-11-25' };
  }

  function parse<T>(sheet: SheetDefinition<T>, rows: Record<string, Cell>[]) {
    const parsed: ParsedRow<T>[] = [];
    const problems: RowProblem[] = [];
    rows.forEach((cells, i) => {
      const result = sheet.parseRow(cells, i + 2);
      problems.push(...result.problems);
      if (result.value !== undefined) parsed.push({ row: i + 2, value: result.value });
    });
    return { parsed, problems };
  }

  /** What the machinery does: check, then write in one transaction only when nothing is wrong. */
  async function importRows<T>(sheet: SheetDefinition<T>, user: AuthUser, rows: Record<string, Cell>[]) {
    const { parsed, problems } = parse(sheet, rows);
    expect(problems).toEqual([]);
    expect(await sheet.check(parsed, context(user))).toEqual([]);
    return t.database.db.transaction((tx) => sheet.write(parsed, context(user, tx)));
  }

  beforeAll(async () => {
    t = await buildTestServices();
    await importSmallMap(t.services);
    admin = await userOf(['admin'], [], 1);
    leader = await userOf(['grid_leader'], [A11], 2);
    department = await userOf(['department'], [S1], 3);
    for (const name of ['王建国', '李红梅']) {
      const person = await buildPerson(t.services, { gridCode: M111, name, politicalStatus: 'cpc_member' });
      persons.push({ id: person.id, name });
    }
    const other = await buildPerson(t.services, { gridCode: M111, name: '赵群众' });
    masses = { id: other.id, name: '赵群众' };
    const [grid] = rowsOf<{ id: number; path: string }>(
      await t.database.db.execute(sql`select id, path from grids where code = ${A11}`),
    );
    const [m21] = rowsOf<{ id: number }>(
      await t.database.db.execute(sql`select id from grids where code = ${M21}`),
    );
    await t.database.db.execute(sql`insert into party_organisations (name, kind, depth, path, grid_id)
      values ('西片区网格党支部', 'grid_branch', 0, '/', ${grid!.id}), ('二号支部', 'grid_branch', 0, '/', ${m21!.id})`);
    await t.database.db.execute(sql`update party_organisations set path = '/' || id || '/'`);
  });
  afterAll(async () => t.close());

  it('parses a member row, naming every bad cell', () => {
    const good = partyMemberSheet.parseRow(
      {
        personId: 12,
        name: '王建国',
        gridCode: A11,
        organisation: '支部',
        role: '书记',
        since: new Date(Date.UTC(2024, 0, 1)),
        joinedPartyOn: '1998/7/1',
      },
      2,
    );
    expect(good).toEqual({
      value: {
        personId: 12,
        name: '王建国',
        gridCode: A11,
        organisation: '支部',
        role: 'secretary',
        since: '2024-01-01',
        joinedPartyOn: '1998-07-01',
      },
      problems: [],
    });
    const bad = partyMemberSheet.parseRow(
      {
        personId: 'abc',
        name: null,
        gridCode: A11,
        organisation: '支部',
        role: '主任',
        since: '2024-02-30',
        joinedPartyOn: null,
      },
      7,
    );
    expect(bad.value).toBeUndefined();
    expect(bad.problems.map((problem) => [problem.row, problem.column])).toEqual([
      [7, 'personId'],
      [7, 'name'],
      [7, 'role'],
      [7, 'since'],
    ]);
  });

  it("checks members against the database and the importer's grids", async () => {
    const rows = [
      {
        personId: persons[0]!.id,
        name: persons[0]!.name,
        gridCode: A11,
        organisation: '西片区网格党支部',
        role: '书记',
        since: '2024-01-01',
      },
      {
        personId: persons[1]!.id,
        name: '错名字',
        gridCode: A11,
        organisation: '西片区网格党支部',
        role: '党员',
        since: '2024-01-01',
      },
      {
        personId: masses.id,
        name: masses.name,
        gridCode: A11,
        organisation: '西片区网格党支部',
        role: '党员',
        since: '2024-01-01',
      },
      {
        personId: persons[1]!.id,
        name: persons[1]!.name,
        gridCode: A11,
        organisation: '没有的支部',
        role: '党员',
        since: '2024-01-01',
      },
      {
        personId: persons[1]!.id,
        name: persons[1]!.name,
        gridCode: M21,
        organisation: '二号支部',
        role: '党员',
        since: '2024-01-01',
      },
      {
        personId: persons[0]!.id,
        name: persons[0]!.name,
        gridCode: A11,
        organisation: '西片区网格党支部',
        role: '党员',
        since: '2024-01-01',
      },
    ];
    const { parsed } = parse(partyMemberSheet, rows);
    const problems = await partyMemberSheet.check(parsed, context(leader));
    expect(problems.map((problem) => [problem.row, problem.column])).toEqual([
      [3, 'name'],
      [4, 'personId'],
      [5, 'organisation'],
      [6, 'gridCode'], // M21 is outside the A11 leader's grids
      [7, 'personId'], // the same member twice
    ]);
  });

  it('writes members (created, then updated on re-import) and exports them masked per role', async () => {
    const rows = persons.map((person, i) => ({
      personId: person.id,
      name: person.name,
      gridCode: A11,
      organisation: '西片区网格党支部',
      role: i === 0 ? '书记' : '党员',
      since: '2024-01-01',
    }));
    expect(await importRows(partyMemberSheet, leader, rows)).toEqual({ created: 2, updated: 0 });
    expect(await importRows(partyMemberSheet, leader, [{ ...rows[1]!, role: '委员' }])).toEqual({
      created: 0,
      updated: 1,
    });
    const stored = rowsOf<{ personId: number; role: string }>(
      await t.database.db.execute(
        sql`select person_id as "personId", role from party_members where until is null order by person_id`,
      ),
    );
    expect(stored).toEqual([
      { personId: persons[0]!.id, role: 'secretary' },
      { personId: persons[1]!.id, role: 'committee_member' },
    ]);
    const [audits] = rowsOf<{ n: number }>(
      await t.database.db.execute(
        sql`select count(*)::int as n from audit_log where action = 'party_member.import'`,
      ),
    );
    expect(audits!.n).toBe(3);

    const exported = await partyMemberSheet.exportRows(context(leader));
    expect(exported.map((row) => [row.name, row.role])).toEqual([
      ['王建国', '书记'],
      ['李红梅', '委员'],
    ]);
    const masked = await partyMemberSheet.exportRows(context(department));
    expect(masked.map((row) => row.name)).toEqual(['王**', '李**']);
    expect(await partyMemberSheet.exportRows(context(await userOf(['grid_leader'], [M21], 4)))).toEqual([]);
  });

  it('imports co-building units one strength per row, replaces strengths on re-import, and exports them', async () => {
    const rows: Record<string, Cell>[] = [
      {
        name: '区图书馆',
        kind: '事业单位',
        gridCode: M111,
        strengthType: '场地',
        strengthDescription: '阅览室',
        strengthQuantity: 200,
        strengthMeasure: '平方米',
      },
      {
        name: '区图书馆',
        kind: '事业单位',
        gridCode: M111,
        strengthType: 'volunteers',
        strengthDescription: '读书会',
        strengthQuantity: '12',
        strengthMeasure: '人',
      },
      { name: '宝林公司', kind: '民营企业', gridCode: A11, agreementSignedOn: '2025-01-01' },
    ];
    const bad = parse(coBuildingUnitSheet, [
      { name: '甲', kind: '寺庙', gridCode: M111 },
      { name: '乙', kind: '其他', gridCode: M111, strengthDescription: '没有类型', strengthQuantity: -1 },
    ]);
    expect(bad.problems.map((problem) => [problem.row, problem.column])).toEqual([
      [2, 'kind'],
      [3, 'strengthQuantity'],
      [3, 'strengthType'],
    ]);
    const inconsistent = parse(coBuildingUnitSheet, [
      rows[0]!,
      { ...rows[1]!, kind: '学校' },
      { ...rows[2]!, gridCode: M21 },
    ]);
    expect(
      (await coBuildingUnitSheet.check(inconsistent.parsed, context(leader))).map((problem) => [
        problem.row,
        problem.column,
      ]),
    ).toEqual([
      [3, 'kind'],
      [4, 'gridCode'],
    ]);

    expect(await importRows(coBuildingUnitSheet, leader, rows)).toEqual({ created: 2, updated: 0 });
    expect(await importRows(coBuildingUnitSheet, admin, [rows[0]!])).toEqual({ created: 0, updated: 1 });
    const strengths = rowsOf<{ name: string; type: string; quantity: number }>(
      await t.database.db.execute(sql`select u.name, s.type, s.quantity::float8 as quantity
        from co_building_strengths s join co_building_units u on u.id = s.unit_id order by s.id`),
    );
    expect(strengths).toEqual([{ name: '区图书馆', type: 'venues', quantity: 200 }]);
    const exported = await coBuildingUnitSheet.exportRows(context(leader));
    expect(exported.map((row) => [row.name, row.strengthType, row.strengthQuantity])).toEqual([
      ['宝林公司', null, null],
      ['区图书馆', '场地', 200],
    ]);
  });
});
