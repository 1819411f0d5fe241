/**
 * Spreadsheet sheets of the party domain (see src/sheets/types.ts for the contract): party members (党员名册)
 * and co-building units with their strengths (共驻共建单位及所能所长). The machinery reads the file, calls
 * parseRow for each row, check once for the file, and write inside one transaction when no row has a problem.
 */
import { sql } from 'drizzle-orm';
import { recordAudit } from '../core/audit.js';
import { rowsOf, type Executor } from '../core/db.js';
import type { AuthUser } from '../accounts/auth.js';
import { maskName, visibility } from '../people/masking.js';
import type { Cell, ParsedRow, RowProblem, SheetContext, SheetDefinition } from '../sheets/types.js';
import { CO_BUILDING_KINDS, MEMBER_ROLES, STRENGTH_TYPES } from './schema.js';

// ── cells ────────────────────────────────────────────────────────────────────────────────────────────────────

const DATE_PATTERN = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;

function dateOf(cell: Cell): string | undefined {
  if (cell instanceof Date) {
    // exceljs gives a date cell as UTC midnight of the day in the sheet
    return Number.isNaN(cell.getTime()) ? undefined : cell.toISOString().slice(0, 10);
  }
  if (typeof cell !== 'string') return undefined;
  const match = DATE_PATTERN.exec(cell.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

function textOf(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  const value = String(cell).trim();
  return value === '' ? null : value;
}

class Reader {
  readonly problems: RowProblem[] = [];
  constructor(
    private readonly cells: Record<string, Cell>,
    private readonly row: number,
  ) {}

  problem(column: string, zh: string, en: string): void {
    this.problems.push({ row: this.row, column, zh, en });
  }

  text(column: string, required: boolean, max: number): string | null {
    const value = textOf(this.cells[column]);
    if (value === null) {
      if (required) this.problem(column, '必填', 'required');
      return null;
    }
    if ([...value].length > max) {
      this.problem(column, `不能超过 ${max} 个字符`, `at most ${max} characters`);
      return null;
    }
    return value;
  }

  date(column: string, required: boolean): string | null {
    const cell = this.cells[column] ?? null;
    if (textOf(cell) === null) {
      if (required) this.problem(column, '必填', 'required');
      return null;
    }
    const value = dateOf(cell);
    if (value === undefined) this.problem(column, '日期格式应为 YYYY-MM-DD', 'a date must read YYYY-MM-DD');
    return value ?? null;
  }

  /** A choice by its key or its Chinese label. */
  choice<T extends string>(column: string, labels: Record<T, string>, required: boolean): T | null {
    const value = textOf(this.cells[column] ?? null);
    if (value === null) {
      if (required) this.problem(column, '必填', 'required');
      return null;
    }
    const found = (Object.keys(labels) as T[]).find((key) => key === value || labels[key] === value);
    if (!found) {
      this.problem(
        column,
        `应为：${Object.values(labels).join('、')}`,
        `must be one of ${Object.keys(labels).join(', ')}`,
      );
      return null;
    }
    return found;
  }

  number(column: string, options: { integer?: boolean; required: boolean; min?: number }): number | null {
    const cell = this.cells[column] ?? null;
    if (textOf(cell) === null) {
      if (options.required) this.problem(column, '必填', 'required');
      return null;
    }
    const value = typeof cell === 'number' ? cell : Number(textOf(cell));
    if (
      !Number.isFinite(value) ||
      (options.integer && !Number.isSafeInteger(value)) ||
      value < (options.min ?? 0)
    ) {
      this.problem(
        column,
        options.integer ? '应为正整数' : '应为不小于 0 的数',
        options.integer ? 'must be a whole number' : 'must be a number ≥ 0',
      );
      return null;
    }
    return value;
  }
}

function actorOf(user: AuthUser) {
  return { userId: user.id, name: user.username };
}

interface GridHit {
  id: number;
  code: string;
  path: string;
}

/** The grids of these codes that the user may see (unknown and out-of-scope alike are absent). */
async function gridsInScope(
  executor: Executor,
  codes: string[],
  user: AuthUser,
): Promise<Map<string, GridHit>> {
  if (codes.length === 0) return new Map();
  const rows = rowsOf<GridHit>(
    await executor.execute(sql`select id, code, path from grids
      where code = any(${sql.param([...new Set(codes)])}::text[]) and retired_at is null`),
  );
  return new Map(rows.filter((row) => user.scope.coversPath(row.path)).map((row) => [row.code, row]));
}

function unknownGrid(row: number, column: string): RowProblem {
  return { row, column, zh: '网格不存在或不在管辖范围内', en: 'unknown grid or outside your grids' };
}

// ── party members 党员名册 ─────────────────────────────────────────────────────────────────────────────────────

const ROLE_LABELS: Record<(typeof MEMBER_ROLES)[number], string> = {
  secretary: '书记',
  deputy_secretary: '副书记',
  committee_member: '委员',
  group_leader: '党小组长',
  member: '党员',
};

export interface PartyMemberRow {
  personId: number;
  name: string;
  gridCode: string;
  organisation: string;
  role: (typeof MEMBER_ROLES)[number];
  since: string;
  joinedPartyOn: string | null;
}

/** Rows resolved by check and used by write: the organisation and an existing current membership. */
async function resolveMembers(rows: ParsedRow<PartyMemberRow>[], context: SheetContext) {
  const { executor, user } = context;
  const grids = await gridsInScope(
    executor,
    rows.map((row) => row.value.gridCode),
    user,
  );
  const organisations = rowsOf<{ id: number; name: string; gridId: number }>(
    await executor.execute(sql`select id, name, grid_id as "gridId" from party_organisations
      where retired_on is null and grid_id = any(${sql.param([...new Set([...grids.values()].map((grid) => grid.id))])}::int[])`),
  );
  const persons = new Map(
    rowsOf<{ id: number; name: string; politicalStatus: string }>(
      await executor.execute(sql`select id, name, political_status as "politicalStatus" from persons
        where id = any(${sql.param([...new Set(rows.map((row) => row.value.personId))])}::int[])`),
    ).map((row) => [row.id, row]),
  );
  return { grids, organisations, persons };
}

export const partyMemberSheet: SheetDefinition<PartyMemberRow> = {
  key: 'party-members',
  title: { zh: '党员名册', en: 'Party members' },
  permission: 'party.write',
  exportPermission: 'grid.read',
  columns: [
    {
      key: 'personId',
      header: { zh: '人员编号', en: 'Person ID' },
      required: true,
      example: '1024',
      note: { zh: '人员名册中的编号', en: 'the ID of the person record' },
      width: 12,
    },
    { key: 'name', header: { zh: '姓名', en: 'Name' }, required: true, example: '王建国', width: 12 },
    {
      key: 'gridCode',
      header: { zh: '党组织所在网格编码', en: 'Grid code' },
      required: true,
      example: '310113003001',
      width: 18,
    },
    {
      key: 'organisation',
      header: { zh: '党组织名称', en: 'Organisation' },
      required: true,
      example: '第一网格党支部',
      width: 24,
    },
    {
      key: 'role',
      header: { zh: '党内职务', en: 'Role' },
      required: true,
      choices: Object.values(ROLE_LABELS),
      example: '党员',
      width: 12,
    },
    {
      key: 'since',
      header: { zh: '任职日期', en: 'Since' },
      required: true,
      example: '2024-01-01',
      width: 12,
    },
    {
      key: 'joinedPartyOn',
      header: { zh: '入党日期', en: 'Joined the party' },
      example: '1998-07-01',
      width: 12,
    },
  ],

  parseRow(cells, row) {
    const reader = new Reader(cells, row);
    const personId = reader.number('personId', { integer: true, required: true, min: 1 });
    const name = reader.text('name', true, 50);
    const gridCode = reader.text('gridCode', true, 32);
    const organisation = reader.text('organisation', true, 100);
    const role = reader.choice('role', ROLE_LABELS, true);
    const since = reader.date('since', true);
    const joinedPartyOn = reader.date('joinedPartyOn', false);
    if (joinedPartyOn && since && joinedPartyOn > since) {
      reader.problem('joinedPartyOn', '入党日期晚于任职日期', 'joined the party after `since`');
    }
    if (reader.problems.length > 0) return { problems: reader.problems };
    return {
      value: {
        personId: personId!,
        name: name!,
        gridCode: gridCode!,
        organisation: organisation!,
        role: role!,
        since: since!,
        joinedPartyOn,
      },
      problems: [],
    };
  },

  async check(rows, context) {
    const problems: RowProblem[] = [];
    const { grids, organisations, persons } = await resolveMembers(rows, context);
    const seen = new Set<string>();
    for (const { row, value } of rows) {
      const person = persons.get(value.personId);
      if (!person) problems.push({ row, column: 'personId', zh: '人员不存在', en: 'unknown person' });
      else if (person.name !== value.name) {
        problems.push({
          row,
          column: 'name',
          zh: '姓名与人员编号不符',
          en: 'the name differs from the person record',
        });
      } else if (!['cpc_member', 'cpc_probationary'].includes(person.politicalStatus)) {
        problems.push({
          row,
          column: 'personId',
          zh: '政治面貌不是中共党员',
          en: 'not recorded as a party member',
        });
      }
      const grid = grids.get(value.gridCode);
      if (!grid) {
        problems.push(unknownGrid(row, 'gridCode'));
        continue;
      }
      const matches = organisations.filter(
        (item) => item.gridId === grid.id && item.name === value.organisation,
      );
      if (matches.length !== 1) {
        problems.push({
          row,
          column: 'organisation',
          zh: matches.length === 0 ? '该网格没有此党组织' : '该网格有多个同名党组织',
          en:
            matches.length === 0 ? 'no such organisation in the grid' : 'several organisations of this name',
        });
        continue;
      }
      const key = `${value.personId}/${matches[0]!.id}`;
      if (seen.has(key))
        problems.push({ row, column: 'personId', zh: '同一党员重复出现', en: 'the same member twice' });
      seen.add(key);
    }
    return problems;
  },

  async write(rows, context) {
    const { executor, user } = context;
    const { grids, organisations } = await resolveMembers(rows, context);
    let created = 0;
    let updated = 0;
    const audit = [];
    for (const { value } of rows) {
      const grid = grids.get(value.gridCode)!;
      const organisation = organisations.find(
        (item) => item.gridId === grid.id && item.name === value.organisation,
      )!;
      const changed = rowsOf<{ id: number }>(
        await executor.execute(sql`update party_members set role = ${value.role},
            joined_party_on = coalesce(${value.joinedPartyOn}::date, joined_party_on)
          where organisation_id = ${organisation.id} and person_id = ${value.personId} and until is null
          returning id`),
      );
      let id = changed[0]?.id;
      if (id !== undefined) updated += 1;
      else {
        const [row] = rowsOf<{ id: number }>(
          await executor.execute(sql`insert into party_members (organisation_id, person_id, role, joined_party_on, since)
            values (${organisation.id}, ${value.personId}, ${value.role}, ${value.joinedPartyOn}, ${value.since})
            returning id`),
        );
        id = row!.id;
        created += 1;
      }
      audit.push({
        action: 'party_member.import',
        entity: 'party_member',
        entityKey: String(id),
        gridId: grid.id,
        detail: { organisationId: organisation.id, personId: value.personId, role: value.role },
      });
    }
    // the sheet context carries no clock; the audit time is the moment of the import
    await recordAudit(executor, actorOf(user), new Date(), audit);
    return { created, updated };
  },

  async exportRows(context) {
    const { executor, user } = context;
    const rows = rowsOf<{
      personId: number;
      name: string;
      gridCode: string;
      organisation: string;
      role: (typeof MEMBER_ROLES)[number];
      since: string;
      joinedPartyOn: string | null;
    }>(
      await executor.execute(sql`
        select m.person_id as "personId", p.name, g.code as "gridCode", o.name as organisation, m.role,
          m.since::text as since, m.joined_party_on::text as "joinedPartyOn"
        from party_members m
        join party_organisations o on o.id = m.organisation_id
        join grids g on g.id = o.grid_id
        join persons p on p.id = m.person_id
        where m.since <= ${context.today}::date and (m.until is null or m.until > ${context.today}::date)
          and ${user.scope.pathCondition(sql`g.path`)}
        order by o.path, array_position(${sql.param([...MEMBER_ROLES])}::text[], m.role), p.name, m.id`),
    );
    const full = visibility(user.roles, 'name') === 'full';
    return rows.map((row) => ({
      ...row,
      name: full ? row.name : maskName(row.name),
      role: ROLE_LABELS[row.role] ?? row.role,
    }));
  },
};

// ── co-building units 共驻共建单位 ──────────────────────────────────────────────────────────────────────────────

const KIND_LABELS: Record<(typeof CO_BUILDING_KINDS)[number], string> = {
  government_agency: '机关',
  public_institution: '事业单位',
  state_enterprise: '国有企业',
  private_enterprise: '民营企业',
  social_organisation: '社会组织',
  school: '学校',
  hospital: '医院',
  other: '其他',
};

const STRENGTH_LABELS: Record<(typeof STRENGTH_TYPES)[number], string> = {
  venues: '场地',
  volunteers: '志愿者',
  expertise: '专业技能',
  funds: '资金',
  other: '其他',
};

/**
 * One row per strength: rows with the same unit name and grid belong to one unit, so a unit with three strengths
 * takes three rows (the unit's own columns repeated); a unit without strengths takes one row with them empty.
 */
export interface CoBuildingUnitRow {
  name: string;
  kind: (typeof CO_BUILDING_KINDS)[number];
  gridCode: string;
  address: string | null;
  agreementSignedOn: string | null;
  strength: {
    type: (typeof STRENGTH_TYPES)[number];
    description: string;
    quantity: number | null;
    measure: string | null;
  } | null;
}

export const coBuildingUnitSheet: SheetDefinition<CoBuildingUnitRow> = {
  key: 'co-building-units',
  title: { zh: '共驻共建单位', en: 'Co-building units' },
  permission: 'party.write',
  exportPermission: 'grid.read',
  columns: [
    { key: 'name', header: { zh: '单位名称', en: 'Unit' }, required: true, example: '区图书馆', width: 24 },
    {
      key: 'kind',
      header: { zh: '单位类型', en: 'Kind' },
      required: true,
      choices: Object.values(KIND_LABELS),
      example: '事业单位',
      width: 12,
    },
    {
      key: 'gridCode',
      header: { zh: '所在网格编码', en: 'Grid code' },
      required: true,
      example: '310113003001',
      width: 18,
    },
    { key: 'address', header: { zh: '地址', en: 'Address' }, width: 24 },
    {
      key: 'agreementSignedOn',
      header: { zh: '共建协议签订日期', en: 'Agreement signed on' },
      example: '2024-06-01',
      width: 14,
    },
    {
      key: 'strengthType',
      header: { zh: '所能所长类型', en: 'Strength type' },
      choices: Object.values(STRENGTH_LABELS),
      example: '场地',
      note: {
        zh: '一行一项所能所长；同一单位多项时重复单位信息',
        en: 'one strength per row; repeat the unit for more',
      },
      width: 12,
    },
    {
      key: 'strengthDescription',
      header: { zh: '所能所长内容', en: 'Strength' },
      example: '阅览室',
      width: 24,
    },
    { key: 'strengthQuantity', header: { zh: '数量', en: 'Quantity' }, example: '200', width: 10 },
    { key: 'strengthMeasure', header: { zh: '单位', en: 'Measure' }, example: '平方米', width: 10 },
  ],

  parseRow(cells, row) {
    const reader = new Reader(cells, row);
    const name = reader.text('name', true, 200);
    const kind = reader.choice('kind', KIND_LABELS, true);
    const gridCode = reader.text('gridCode', true, 32);
    const address = reader.text('address', false, 200);
    const agreementSignedOn = reader.date('agreementSignedOn', false);
    const type = reader.choice('strengthType', STRENGTH_LABELS, false);
    const description = reader.text('strengthDescription', false, 500);
    const quantity = reader.number('strengthQuantity', { required: false });
    const measure = reader.text('strengthMeasure', false, 20);
    if (type !== null && description === null)
      reader.problem('strengthDescription', '须填写所能所长内容', 'a strength needs a description');
    if (type === null && (description !== null || quantity !== null || measure !== null)) {
      reader.problem('strengthType', '须填写所能所长类型', 'a strength needs a type');
    }
    if (reader.problems.length > 0) return { problems: reader.problems };
    return {
      value: {
        name: name!,
        kind: kind!,
        gridCode: gridCode!,
        address,
        agreementSignedOn,
        strength: type !== null ? { type, description: description!, quantity, measure } : null,
      },
      problems: [],
    };
  },

  async check(rows, context) {
    const problems: RowProblem[] = [];
    const grids = await gridsInScope(
      context.executor,
      rows.map((row) => row.value.gridCode),
      context.user,
    );
    const units = new Map<string, CoBuildingUnitRow & { row: number }>();
    for (const { row, value } of rows) {
      if (!grids.has(value.gridCode)) {
        problems.push(unknownGrid(row, 'gridCode'));
        continue;
      }
      const key = `${value.gridCode}/${value.name}`;
      const first = units.get(key);
      if (!first) units.set(key, { ...value, row });
      else if (
        first.kind !== value.kind ||
        first.address !== value.address ||
        first.agreementSignedOn !== value.agreementSignedOn
      ) {
        problems.push({
          row,
          column: 'kind',
          zh: `同一单位的信息与第 ${first.row} 行不一致`,
          en: `the unit's columns differ from row ${first.row}`,
        });
      }
    }
    return problems;
  },

  async write(rows, context) {
    const { executor, user } = context;
    const grids = await gridsInScope(
      executor,
      rows.map((row) => row.value.gridCode),
      user,
    );
    const byUnit = new Map<string, CoBuildingUnitRow[]>();
    for (const { value } of rows) {
      const key = `${value.gridCode}/${value.name}`;
      byUnit.set(key, [...(byUnit.get(key) ?? []), value]);
    }
    let created = 0;
    let updated = 0;
    const audit = [];
    for (const values of byUnit.values()) {
      const unit = values[0]!;
      const grid = grids.get(unit.gridCode)!;
      const [existing] = rowsOf<{ id: number }>(
        await executor.execute(
          sql`select id from co_building_units where grid_id = ${grid.id} and name = ${unit.name}`,
        ),
      );
      let id: number;
      if (existing) {
        id = existing.id;
        await executor.execute(sql`update co_building_units set kind = ${unit.kind},
            address = coalesce(${unit.address}, address),
            agreement_signed_on = coalesce(${unit.agreementSignedOn}::date, agreement_signed_on), updated_at = now()
          where id = ${id}`);
        updated += 1;
      } else {
        const [row] = rowsOf<{ id: number }>(
          await executor.execute(sql`insert into co_building_units (name, kind, grid_id, address, agreement_signed_on)
            values (${unit.name}, ${unit.kind}, ${grid.id}, ${unit.address}, ${unit.agreementSignedOn}) returning id`),
        );
        id = row!.id;
        created += 1;
      }
      // the sheet lists a unit's strengths in full: what it gives replaces what was recorded
      const strengths = values.flatMap((value) => (value.strength ? [value.strength] : []));
      await executor.execute(sql`delete from co_building_strengths where unit_id = ${id}`);
      for (const strength of strengths) {
        await executor.execute(sql`insert into co_building_strengths (unit_id, type, description, quantity, measure)
          values (${id}, ${strength.type}, ${strength.description}, ${strength.quantity}, ${strength.measure})`);
      }
      audit.push({
        action: 'co_building_unit.import',
        entity: 'co_building_unit',
        entityKey: String(id),
        gridId: grid.id,
        detail: { name: unit.name, strengths: strengths.length, created: !existing },
      });
    }
    // the sheet context carries no clock; the audit time is the moment of the import
    await recordAudit(executor, actorOf(user), new Date(), audit);
    return { created, updated };
  },

  async exportRows(context) {
    const rows = rowsOf<{
      name: string;
      kind: (typeof CO_BUILDING_KINDS)[number];
      gridCode: string;
      address: string | null;
      agreementSignedOn: string | null;
      type: (typeof STRENGTH_TYPES)[number] | null;
      description: string | null;
      quantity: number | null;
      measure: string | null;
    }>(
      await context.executor.execute(sql`
        select u.name, u.kind, g.code as "gridCode", u.address, u.agreement_signed_on::text as "agreementSignedOn",
          s.type, s.description, s.quantity::float8 as quantity, s.measure
        from co_building_units u
        join grids g on g.id = u.grid_id
        left join co_building_strengths s on s.unit_id = u.id
        where ${context.user.scope.pathCondition(sql`g.path`)}
        order by g.path, u.name, u.id, s.id`),
    );
    return rows.map((row) => ({
      name: row.name,
      kind: KIND_LABELS[row.kind] ?? row.kind,
      gridCode: row.gridCode,
      address: row.address,
      agreementSignedOn: row.agreementSignedOn,
      strengthType: row.type === null ? null : (STRENGTH_LABELS[row.type] ?? row.type),
      strengthDescription: row.description,
      strengthQuantity: row.quantity === null ? null : Number(row.quantity),
      strengthMeasure: row.measure,
    }));
  },
};
