/**
 * 岗位表 the positions sheet (F1): who holds which position in which grid, from when to when. The holder is
 * found by ID number, or by name and phone together; a row equal to a recorded position (grid, kind, holder,
 * start) only sets its end when that differs, so importing an export changes nothing.
 */
import { sql } from 'drizzle-orm';
import { recordAudit } from '../core/audit.js';
import { rowsOf } from '../core/db.js';
import { ID_NUMBER_PROBLEMS, inspectIdNumber, isMobile } from '../people/identity.js';
import { maskIdNumber, maskName, maskPhone, present, visibility } from '../people/masking.js';
import type { PositionKind } from '../people/schema.js';
import type { PeopleService } from '../people/service.js';
import { buildingsByCode, gridsByCode, inBatches } from './bulk.js';
import { RowReader } from './cells.js';
import type { Cell, ParsedRow, RowProblem, SheetContext, SheetDefinition } from './types.js';

export const POSITION_KIND_NAMES: Record<PositionKind, { zh: string; en: string }> = {
  grid_leader: { zh: '网格长', en: 'Grid leader' },
  deputy_grid_leader: { zh: '副网格长', en: 'Deputy grid leader' },
  grid_worker_dedicated: { zh: '专职网格员', en: 'Dedicated grid worker' },
  grid_worker_part_time: { zh: '兼职网格员', en: 'Part-time grid worker' },
  building_leader: { zh: '楼栋长', en: 'Building leader' },
  unit_leader: { zh: '单元长', en: 'Unit leader' },
  five_member: { zh: '五大员', en: 'Five members' },
  city_operations: { zh: '城运队员', en: 'City-operations staff' },
  department_staff: { zh: '下沉部门人员', en: 'Department staff' },
  law_enforcement: { zh: '下沉执法人员', en: 'Law-enforcement staff' },
};

export interface PositionSheetRow {
  gridCode: string;
  kind: PositionKind;
  duty: string | null;
  idNumber: string | null;
  name: string | null;
  phone: string | null;
  buildingCode: string | null;
  unit: string | null;
  from: string;
  to: string | null;
}

interface Planned {
  row: number;
  value: PositionSheetRow;
  gridId: number;
  personId: number;
  buildingId: number | null;
  unitId: number | null;
  existing: { id: number; validTo: string | null } | undefined;
}

const text = (value: string | null | undefined): string | null => value ?? null;

export function positionsSheet(people: PeopleService): SheetDefinition<PositionSheetRow> {
  const plans = new WeakMap<ParsedRow<PositionSheetRow>[], Planned[]>();

  async function plan(rows: ParsedRow<PositionSheetRow>[], context: SheetContext) {
    const { executor, user } = context;
    const problems: RowProblem[] = [];
    const problem = (row: number, column: string, zh: string, en: string) =>
      problems.push({ row, column, zh, en });
    const grids = await gridsByCode(
      executor,
      rows.map(({ value }) => value.gridCode),
    );
    const buildings = await buildingsByCode(
      executor,
      rows.flatMap(({ value }) => (value.buildingCode ? [value.buildingCode] : [])),
    );
    // holders: by ID number hash, else by phone hash and name; only persons in the importer's grids count
    const idHashes = rows.map(({ value }) =>
      value.idNumber ? people.lookupHash('id_number', value.idNumber) : null,
    );
    const phoneHashes = rows.map(({ value }) =>
      !value.idNumber && value.phone ? people.lookupHash('phone', value.phone) : null,
    );
    const candidates = rowsOf<{
      id: number;
      name: string;
      idHash: string | null;
      phoneHash: string | null;
      path: string;
    }>(
      await executor.execute(sql`select p.id, p.name, p.id_number_hash as "idHash", p.phone_hash as "phoneHash", g.path
        from persons p join grids g on g.id = p.grid_id
        where (p.id_number_hash = any(${sql.param(idHashes.filter(Boolean))}::text[])
           or p.phone_hash = any(${sql.param(phoneHashes.filter(Boolean))}::text[]))
          and ${user.scope.pathCondition(sql`g.path`)}`),
    );
    const byIdHash = new Map(candidates.filter((c) => c.idHash).map((c) => [c.idHash!, c.id]));
    const existing = rowsOf<{
      id: number;
      gridId: number;
      kind: string;
      personId: number;
      validFrom: string;
      validTo: string | null;
    }>(
      await executor.execute(sql`select id, grid_id as "gridId", kind, person_id as "personId",
        valid_from::text as "validFrom", valid_to::text as "validTo" from positions
        where person_id = any(${sql.param(candidates.map((c) => c.id))}::int[])`),
    );
    const existingByKey = new Map(
      existing.map((row) => [`${row.gridId}|${row.kind}|${row.personId}|${row.validFrom}`, row]),
    );
    const seen = new Map<string, number>();
    const planned: Planned[] = [];
    rows.forEach(({ row, value }, i) => {
      const before = problems.length;
      const grid = grids.get(value.gridCode);
      if (!grid || !user.scope.coversPath(grid.path)) {
        problem(row, 'gridCode', '网格不存在或不在管辖范围内', 'unknown grid or outside your grids');
      }
      let personId: number | undefined;
      if (idHashes[i]) {
        personId = byIdHash.get(idHashes[i]!);
        if (personId === undefined)
          problem(
            row,
            'idNumber',
            '您管辖范围内没有该身份证号的人员',
            'no person with this ID number in your grids',
          );
      } else {
        const matches = candidates.filter((c) => c.phoneHash === phoneHashes[i] && c.name === value.name);
        if (matches.length === 1) personId = matches[0]!.id;
        else if (matches.length === 0)
          problem(
            row,
            'name',
            '您管辖范围内没有该姓名和手机号的人员',
            'no person with this name and phone in your grids',
          );
        else
          problem(
            row,
            'phone',
            '姓名和手机号对应多人，请填写身份证号',
            'several persons have this name and phone: give the ID number',
          );
      }
      let buildingId: number | null = null;
      let unitId: number | null = null;
      const needsBuilding = value.kind === 'building_leader' || value.kind === 'unit_leader';
      if (needsBuilding && !value.buildingCode)
        problem(row, 'buildingCode', '楼栋长、单元长须填写楼栋', 'building and unit leaders need a building');
      if (value.kind === 'unit_leader' && !value.unit)
        problem(row, 'unit', '单元长须填写单元', 'a unit leader needs a unit');
      if (value.buildingCode) {
        const building = buildings.get(value.buildingCode);
        if (!building || !grid) {
          problem(
            row,
            'buildingCode',
            `楼栋「${value.buildingCode}」不存在`,
            `unknown building "${value.buildingCode}"`,
          );
        } else {
          // the building stands in the position's grid or below it
          if (!building.gridPath.startsWith(grid.path)) {
            problem(
              row,
              'buildingCode',
              `楼栋「${value.buildingCode}」不在网格「${value.gridCode}」内`,
              `building "${value.buildingCode}" is not in grid "${value.gridCode}"`,
            );
          }
          buildingId = building.id;
          if (value.unit) {
            unitId = building.units.get(value.unit) ?? null;
            if (unitId === null)
              problem(row, 'unit', `楼栋没有「${value.unit}」`, `the building has no unit "${value.unit}"`);
          }
        }
      }
      if (grid && personId !== undefined) {
        const key = `${grid.id}|${value.kind}|${personId}|${value.from}`;
        const earlier = seen.get(key);
        if (earlier !== undefined)
          problem(row, 'from', `与第 ${earlier} 行重复`, `the same position as row ${earlier}`);
        seen.set(key, row);
        if (problems.length === before) {
          planned.push({
            row,
            value,
            gridId: grid.id,
            personId,
            buildingId,
            unitId,
            existing: existingByKey.get(key),
          });
        }
      }
    });
    return { planned, problems };
  }

  return {
    key: 'positions',
    title: { zh: '岗位任职', en: 'Positions' },
    permission: 'position.write',
    exportPermission: 'people.read',
    columns: [
      {
        key: 'gridCode',
        header: { zh: '网格编码', en: 'Grid code' },
        required: true,
        example: '310113001001001',
        width: 18,
      },
      {
        key: 'kind',
        header: { zh: '岗位', en: 'Position' },
        required: true,
        choices: Object.values(POSITION_KIND_NAMES).map((name) => name.zh),
        width: 14,
      },
      {
        key: 'duty',
        header: { zh: '职责', en: 'Duty' },
        example: '安全员',
        note: { zh: '五大员须写明哪一员', en: 'for the five members: which one' },
        width: 14,
      },
      {
        key: 'idNumber',
        header: { zh: '身份证号', en: 'ID number' },
        note: { zh: '或填写姓名加手机号', en: 'or give name and phone' },
        width: 22,
      },
      { key: 'name', header: { zh: '姓名', en: 'Name' }, width: 12 },
      { key: 'phone', header: { zh: '手机号', en: 'Phone' }, width: 14 },
      {
        key: 'buildingCode',
        header: { zh: '楼栋编码', en: 'Building code' },
        note: { zh: '楼栋长、单元长必填', en: 'required for building and unit leaders' },
        width: 16,
      },
      { key: 'unit', header: { zh: '单元', en: 'Unit' }, width: 8 },
      {
        key: 'from',
        header: { zh: '任职日期', en: 'Since' },
        required: true,
        example: '2026-01-01',
        width: 12,
      },
      {
        key: 'to',
        header: { zh: '离任日期', en: 'Until' },
        note: { zh: '仍在任留空', en: 'empty while held' },
        width: 12,
      },
    ],

    parseRow(cells: Record<string, Cell>, row: number) {
      const read = new RowReader(cells, row);
      const gridCode = read.text('gridCode', { required: true, max: 64 });
      const kind = read.choice('kind', POSITION_KIND_NAMES, { required: true });
      const duty = read.text('duty', { max: 100 });
      let idNumber = read.text('idNumber', { max: 18 });
      if (idNumber) {
        idNumber = idNumber.toUpperCase();
        const inspected = inspectIdNumber(idNumber);
        if (!inspected.ok)
          read.problem(
            'idNumber',
            ID_NUMBER_PROBLEMS[inspected.problem].zh,
            ID_NUMBER_PROBLEMS[inspected.problem].en,
          );
      }
      const name = read.text('name', { max: 50 });
      const phone = read.text('phone');
      if (phone && !isMobile(phone))
        read.problem('phone', '手机号应为 11 位大陆手机号', 'a phone is an 11-digit mainland mobile number');
      if (!idNumber && !(name && phone)) {
        read.problem('idNumber', '须填写身份证号，或姓名加手机号', 'give the ID number, or name and phone');
      }
      const buildingCode = read.text('buildingCode', { max: 64 });
      const unit = read.text('unit', { max: 32 });
      const from = read.date('from', { required: true });
      const to = read.date('to');
      if (from && to && to <= from)
        read.problem('to', '离任日期须晚于任职日期', 'the end must be after the start');
      if (read.problems.length > 0 || !gridCode || !kind || !from) return { problems: read.problems };
      return {
        problems: [],
        value: {
          gridCode,
          kind,
          duty: text(duty),
          idNumber: text(idNumber),
          name: text(name),
          phone: text(phone),
          buildingCode: text(buildingCode),
          unit: text(unit),
          from,
          to: text(to),
        },
      };
    },

    async check(rows, context) {
      const { planned, problems } = await plan(rows, context);
      plans.set(rows, planned);
      return problems;
    },

    async write(rows, context) {
      const { executor, user } = context;
      const at = context.at ?? new Date();
      let planned = plans.get(rows);
      if (!planned) {
        const fresh = await plan(rows, context);
        if (fresh.problems.length > 0)
          throw new Error('positions sheet: write called with rows that have problems');
        planned = fresh.planned;
      }
      const creates = planned.filter((item) => !item.existing);
      const updates = planned.filter((item) => item.existing && item.existing.validTo !== item.value.to);
      const created = await inBatches<{ id: number; gridId: number }>(
        executor,
        creates.map((item) => ({
          grid_id: item.gridId,
          kind: item.value.kind,
          duty: item.value.duty,
          person_id: item.personId,
          building_id: item.buildingId,
          building_unit_id: item.unitId,
          valid_from: item.value.from,
          valid_to: item.value.to,
        })),
        (batch) => sql`
          insert into positions (grid_id, kind, duty, person_id, building_id, building_unit_id, valid_from, valid_to,
            created_at, updated_at)
          select r.grid_id, r.kind, r.duty, r.person_id, r.building_id, r.building_unit_id, r.valid_from, r.valid_to,
            ${at}, ${at}
          from jsonb_to_recordset(${batch}) as r(grid_id int, kind text, duty text, person_id int, building_id int,
            building_unit_id int, valid_from date, valid_to date)
          returning id, grid_id as "gridId"`,
        (done) => context.progress?.(done, planned.length),
      );
      await inBatches(
        executor,
        updates.map((item) => ({ id: item.existing!.id, valid_to: item.value.to })),
        (batch) => sql`update positions p set valid_to = r.valid_to, updated_at = ${at}
          from jsonb_to_recordset(${batch}) as r(id int, valid_to date) where p.id = r.id`,
      );
      await recordAudit(executor, { userId: user.id, name: user.username }, at, [
        ...created.map((row) => ({
          action: 'position.create',
          entity: 'position',
          entityKey: String(row.id),
          gridId: row.gridId,
          detail: { via: 'sheet' },
        })),
        ...updates.map((item) => ({
          action: 'position.end',
          entity: 'position',
          entityKey: String(item.existing!.id),
          gridId: item.gridId,
          detail: { via: 'sheet', to: item.value.to },
        })),
      ]);
      return {
        created: creates.length,
        updated: updates.length,
        unchanged: planned.length - creates.length - updates.length,
      };
    },

    async exportRows(context) {
      const { executor, user } = context;
      const rows = rowsOf<{
        id: number;
        gridCode: string;
        gridId: number;
        kind: PositionKind;
        duty: string | null;
        name: string | null;
        idCipher: string | null;
        phoneCipher: string | null;
        buildingCode: string | null;
        unit: string | null;
        validFrom: string;
        validTo: string | null;
        personId: number | null;
      }>(
        await executor.execute(sql`
          select p.id, g.code as "gridCode", g.id as "gridId", p.kind, p.duty, pe.name, pe.id_number_cipher as "idCipher",
                 pe.phone_cipher as "phoneCipher", b.code as "buildingCode", bu.name as unit,
                 p.valid_from::text as "validFrom", p.valid_to::text as "validTo", p.person_id as "personId"
          from positions p join grids g on g.id = p.grid_id
          left join persons pe on pe.id = p.person_id
          left join buildings b on b.id = p.building_id
          left join building_units bu on bu.id = p.building_unit_id
          where p.person_id is not null and ${user.scope.pathCondition(sql`g.path`)}
          order by g.path, p.kind, p.valid_from, p.id`),
      );
      const unmask = context.unmask === true;
      const idVisibility = visibility(user.roles, 'idNumber', unmask);
      const phoneVisibility = visibility(user.roles, 'phone', unmask);
      const revealed = new Map<number, number>();
      const out = rows.map((row): Record<string, Cell> => {
        if ((row.idCipher && idVisibility === 'full') || (row.phoneCipher && phoneVisibility === 'full')) {
          revealed.set(row.personId!, row.gridId);
        }
        return {
          gridCode: row.gridCode,
          kind: POSITION_KIND_NAMES[row.kind]?.zh ?? row.kind,
          duty: row.duty,
          idNumber: present(row.idCipher && people.reveal(row.idCipher), idVisibility, maskIdNumber),
          name: present(row.name, visibility(user.roles, 'name'), maskName),
          phone: present(row.phoneCipher && people.reveal(row.phoneCipher), phoneVisibility, maskPhone),
          buildingCode: row.buildingCode,
          unit: row.unit,
          from: row.validFrom,
          to: row.validTo,
        };
      });
      if (revealed.size > 0) {
        await recordAudit(
          executor,
          { userId: user.id, name: user.username },
          context.at ?? new Date(),
          [...revealed].map(([personId, gridId]) => ({
            action: 'person.unmask',
            entity: 'person',
            entityKey: String(personId),
            gridId,
            detail: { via: 'export' },
          })),
        );
      }
      return out;
    },
  };
}
