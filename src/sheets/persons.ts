/**
 * 人员表 the persons sheet: the resident roster in and out of Excel. Rows are matched to existing persons by
 * the system number (an export carries it) or else by ID number (through its keyed hash); a matched row
 * updates the person, an unmatched one creates a person, a row equal to what is stored changes nothing — so
 * importing an unmasked export leaves the data as it was.
 */
import { sql } from 'drizzle-orm';
import { recordAudit } from '../core/audit.js';
import { rowsOf } from '../core/db.js';
import { may } from '../accounts/roles.js';
import { ID_NUMBER_PROBLEMS, inspectIdNumber, isMobile } from '../people/identity.js';
import {
  maskAddress,
  maskBirthDate,
  maskIdNumber,
  maskName,
  maskPhone,
  present,
  visibility,
} from '../people/masking.js';
import { POLITICAL_STATUSES } from '../people/schema.js';
import type { PeopleService } from '../people/service.js';
import { buildingsByCode, gridsByCode, inBatches } from './bulk.js';
import { RowReader } from './cells.js';
import type { Cell, ParsedRow, RowProblem, SheetContext, SheetDefinition } from './types.js';

type PoliticalStatus = (typeof POLITICAL_STATUSES)[number];

export const POLITICAL_STATUS_NAMES: Record<PoliticalStatus, { zh: string; en: string }> = {
  masses: { zh: '群众', en: 'Masses' },
  cpc_member: { zh: '中共党员', en: 'CPC member' },
  cpc_probationary: { zh: '中共预备党员', en: 'CPC probationary member' },
  cyl_member: { zh: '共青团员', en: 'CYL member' },
  democratic_party: { zh: '民主党派', en: 'Democratic party' },
  other: { zh: '其他', en: 'Other' },
};
const GENDERS = { male: { zh: '男', en: 'Male' }, female: { zh: '女', en: 'Female' } };
const YES_NO = { yes: { zh: '是', en: 'Yes' }, no: { zh: '否', en: 'No' } };

export interface PersonSheetRow {
  /** 系统编号: the person's id, when the row is about a recorded person (exports carry it). */
  id?: number | null;
  name: string;
  gender?: 'male' | 'female' | null;
  birthDate?: string | null;
  idNumber?: string | null;
  phone?: string | null;
  address?: string | null;
  politicalStatus?: PoliticalStatus | null;
  gridCode: string;
  householdNumber?: string | null;
  householdHead?: boolean | null;
  buildingCode?: string | null;
  unit?: string | null;
  room?: string | null;
  tags?: string[];
  /** Names or keys as written; resolved to keys by the check. */
  specialGroups?: string[];
}

/** A recorded person as the sheet compares it. */
interface Existing {
  id: number;
  name: string;
  gender: string | null;
  birthDate: string | null;
  idNumberCipher: string | null;
  idNumberHash: string | null;
  phoneCipher: string | null;
  phoneHash: string | null;
  address: string | null;
  politicalStatus: string;
  tags: string[];
  gridId: number;
  gridPath: string;
  householdId: number | null;
  householdNumber: string | null;
  isHead: boolean;
  buildingId: number | null;
  buildingUnitId: number | null;
  room: string | null;
  groups: string[];
}

interface Planned {
  row: number;
  value: PersonSheetRow;
  gridId: number;
  buildingId: number | null | undefined;
  unitId: number | null | undefined;
  idHash: string | null | undefined;
  phoneHash: string | null | undefined;
  /** Special-group keys; undefined = leave the memberships as they are. */
  groups: string[] | undefined;
  existing: Existing | undefined;
}

const selectExisting = sql`
  select p.id, p.name, p.gender, p.birth_date::text as "birthDate", p.id_number_cipher as "idNumberCipher",
         p.id_number_hash as "idNumberHash", p.phone_cipher as "phoneCipher", p.phone_hash as "phoneHash",
         p.address, p.political_status as "politicalStatus", p.tags, p.grid_id as "gridId", g.path as "gridPath",
         p.household_id as "householdId", h.number as "householdNumber",
         coalesce(h.head_person_id = p.id, false) as "isHead",
         p.building_id as "buildingId", p.building_unit_id as "buildingUnitId", p.room,
         array(select m.group_key from special_group_members m
               where m.person_id = p.id and m.until is null order by m.group_key) as groups
  from persons p join grids g on g.id = p.grid_id left join households h on h.id = p.household_id`;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sortedA = [...a].sort();
  const sortedB = [...b].sort();
  return sortedA.every((item, i) => item === sortedB[i]);
}

function outOfScope(row: number, column: string): RowProblem {
  return { row, column, zh: '网格不存在或不在管辖范围内', en: 'unknown grid or outside your grids' };
}

/** The persons sheet over the people service (encryption, look-up hashes) and the people tables. */
export function personsSheet(people: PeopleService): SheetDefinition<PersonSheetRow> {
  const plans = new WeakMap<ParsedRow<PersonSheetRow>[], Planned[]>();

  async function plan(
    rows: ParsedRow<PersonSheetRow>[],
    context: SheetContext,
  ): Promise<{ planned: Planned[]; problems: RowProblem[] }> {
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
    const groupRows = rowsOf<{ key: string; nameZh: string; nameEn: string }>(
      await executor.execute(sql`select key, name_zh as "nameZh", name_en as "nameEn" from special_groups`),
    );
    const groupByLabel = new Map<string, string>();
    for (const group of groupRows) {
      for (const label of [group.key, group.nameZh, group.nameEn.toLowerCase()])
        groupByLabel.set(label, group.key);
    }
    const mayGroups = may(user.roles, 'special_group.read');

    const idHashes = rows.map(({ value }) =>
      value.idNumber ? people.lookupHash('id_number', value.idNumber) : value.idNumber,
    );
    const ids = rows.flatMap(({ value }) => (typeof value.id === 'number' ? [value.id] : []));
    const hashes = idHashes.filter((hash): hash is string => typeof hash === 'string');
    // two look-ups, each answered by its index (an OR of the two would scan the table)
    const existingRows: Existing[] = [];
    for (let i = 0; i < ids.length; i += 5000) {
      existingRows.push(
        ...rowsOf<Existing>(
          await executor.execute(
            sql`${selectExisting} where p.id = any(${sql.param(ids.slice(i, i + 5000))}::int[])`,
          ),
        ),
      );
    }
    const seenExisting = new Set(existingRows.map((row) => row.id));
    for (let i = 0; i < hashes.length; i += 5000) {
      for (const row of rowsOf<Existing>(
        await executor.execute(
          sql`${selectExisting} where p.id_number_hash = any(${sql.param(hashes.slice(i, i + 5000))}::text[])`,
        ),
      )) {
        if (!seenExisting.has(row.id)) existingRows.push(row);
        seenExisting.add(row.id);
      }
    }
    const byId = new Map(existingRows.map((row) => [row.id, row]));
    const byHash = new Map(
      existingRows.filter((row) => row.idNumberHash).map((row) => [row.idNumberHash!, row]),
    );

    const seenIds = new Map<number, number>();
    const seenHashes = new Map<string, number>();
    const heads = new Map<string, number>();
    const planned: Planned[] = [];
    rows.forEach(({ row, value }, i) => {
      const before = problems.length;
      const grid = grids.get(value.gridCode);
      if (!grid || !user.scope.coversPath(grid.path)) problems.push(outOfScope(row, 'gridCode'));

      let existing: Existing | undefined;
      if (typeof value.id === 'number') {
        existing = byId.get(value.id);
        if (!existing || !user.scope.coversPath(existing.gridPath)) {
          problem(
            row,
            'id',
            `系统编号 ${value.id} 的人员不存在或不在管辖范围内`,
            `no person ${value.id} in your grids`,
          );
          existing = undefined;
        }
        const earlier = seenIds.get(value.id);
        if (earlier !== undefined) problem(row, 'id', `与第 ${earlier} 行重复`, `the same as row ${earlier}`);
        seenIds.set(value.id, row);
      }
      const idHash = idHashes[i];
      if (typeof idHash === 'string') {
        const earlier = seenHashes.get(idHash);
        if (earlier !== undefined) {
          problem(row, 'idNumber', `身份证号与第 ${earlier} 行重复`, `the same ID number as row ${earlier}`);
        }
        seenHashes.set(idHash, row);
        const holder = byHash.get(idHash);
        if (holder && existing && holder.id !== existing.id) {
          problem(
            row,
            'idNumber',
            '该身份证号已登记为另一人员',
            'this ID number belongs to another recorded person',
          );
        } else if (holder && !existing && typeof value.id !== 'number') {
          if (!user.scope.coversPath(holder.gridPath)) {
            problem(
              row,
              'idNumber',
              '该身份证号已在您管辖范围外登记',
              'this ID number is recorded outside your grids',
            );
          } else {
            existing = holder;
          }
        }
      }

      let buildingId: number | null | undefined = value.buildingCode === undefined ? undefined : null;
      let unitId: number | null | undefined = value.unit === undefined ? undefined : null;
      if (value.buildingCode) {
        const building = buildings.get(value.buildingCode);
        if (!building || !grid || building.gridId !== grid.id) {
          problem(
            row,
            'buildingCode',
            `楼栋「${value.buildingCode}」不在网格「${value.gridCode}」内`,
            `building "${value.buildingCode}" is not in grid "${value.gridCode}"`,
          );
        } else {
          buildingId = building.id;
          if (value.unit) {
            const unit = building.units.get(value.unit);
            if (unit === undefined) {
              problem(
                row,
                'unit',
                `楼栋「${value.buildingCode}」没有「${value.unit}」`,
                `building "${value.buildingCode}" has no unit "${value.unit}"`,
              );
            } else {
              unitId = unit;
            }
          }
        }
      } else if (value.unit) {
        problem(row, 'unit', '填写单元时须填写楼栋', 'a unit needs a building');
      }

      let groups: string[] | undefined;
      if (value.specialGroups !== undefined) {
        if (!mayGroups) {
          if (value.specialGroups.length > 0) {
            problem(row, 'specialGroups', '无权登记特殊群体', 'you may not record special-group membership');
          }
        } else {
          groups = [];
          for (const label of value.specialGroups) {
            const key = groupByLabel.get(label) ?? groupByLabel.get(label.toLowerCase());
            if (!key)
              problem(row, 'specialGroups', `特殊群体「${label}」不存在`, `unknown special group "${label}"`);
            else if (!groups.includes(key)) groups.push(key);
          }
        }
      }

      if (value.householdHead && value.householdNumber) {
        const key = `${value.gridCode}\u0000${value.householdNumber}`;
        const earlier = heads.get(key);
        if (earlier !== undefined) {
          problem(
            row,
            'householdHead',
            `第 ${earlier} 行已是该户户主`,
            `row ${earlier} is already the head of this household`,
          );
        }
        heads.set(key, row);
      } else if (value.householdHead && !value.householdNumber) {
        problem(row, 'householdHead', '户主须填写户号', 'a household head needs a household number');
      }

      if (problems.length === before && grid) {
        planned.push({
          row,
          value,
          gridId: grid.id,
          buildingId,
          unitId,
          idHash,
          phoneHash: value.phone ? people.lookupHash('phone', value.phone) : value.phone,
          groups,
          existing,
        });
      }
    });
    return { planned, problems };
  }

  return {
    key: 'persons',
    title: { zh: '人员信息', en: 'Persons' },
    permission: 'people.write',
    exportPermission: 'people.read',
    columns: [
      {
        key: 'id',
        header: { zh: '系统编号', en: 'Record ID' },
        note: {
          zh: '新登记留空；导出的文件带有编号，据此更新',
          en: 'empty for new persons; exports carry it and rows with it update that person',
        },
        width: 10,
      },
      { key: 'name', header: { zh: '姓名', en: 'Name' }, required: true, example: '张三', width: 12 },
      {
        key: 'gender',
        header: { zh: '性别', en: 'Gender' },
        choices: ['男', '女'],
        note: { zh: '有身份证号时可留空', en: 'taken from the ID number when empty' },
        width: 8,
      },
      { key: 'birthDate', header: { zh: '出生日期', en: 'Birth date' }, example: '1980-01-31', width: 12 },
      {
        key: 'idNumber',
        header: { zh: '身份证号', en: 'ID number' },
        example: '310113198001310012',
        note: {
          zh: '18 位，末位可为 X；请保持文本格式',
          en: '18 characters, the last may be X; keep the column as text',
        },
        width: 22,
      },
      { key: 'phone', header: { zh: '手机号', en: 'Phone' }, example: '13812345678', width: 14 },
      { key: 'address', header: { zh: '住址', en: 'Address' }, example: '友谊路100弄5号301室', width: 30 },
      {
        key: 'politicalStatus',
        header: { zh: '政治面貌', en: 'Political status' },
        choices: Object.values(POLITICAL_STATUS_NAMES).map((name) => name.zh),
        width: 14,
      },
      {
        key: 'gridCode',
        header: { zh: '网格编码', en: 'Grid code' },
        required: true,
        example: '310113001001001',
        width: 18,
      },
      {
        key: 'householdNumber',
        header: { zh: '户号', en: 'Household number' },
        example: 'H-0001',
        width: 12,
      },
      { key: 'householdHead', header: { zh: '户主', en: 'Household head' }, choices: ['是', '否'], width: 8 },
      { key: 'buildingCode', header: { zh: '楼栋编码', en: 'Building code' }, width: 16 },
      { key: 'unit', header: { zh: '单元', en: 'Unit' }, example: '1单元', width: 8 },
      { key: 'room', header: { zh: '房号', en: 'Room' }, example: '301', width: 8 },
      {
        key: 'tags',
        header: { zh: '标签', en: 'Tags' },
        note: { zh: '多个用、分隔', en: 'several separated by 、 or commas' },
        example: '志愿者、退役军人',
        width: 20,
      },
      {
        key: 'specialGroups',
        header: { zh: '特殊群体', en: 'Special groups' },
        note: {
          zh: '多个用、分隔，如 独居老人、残疾人',
          en: 'several separated by 、, e.g. 独居老人、残疾人',
        },
        width: 20,
      },
    ],

    parseRow(cells: Record<string, Cell>, row: number) {
      const read = new RowReader(cells, row);
      let id: number | null | undefined;
      const idText = read.text('id');
      if (idText !== undefined && idText !== null) {
        id = /^[1-9]\d{0,9}$/.test(idText) && Number(idText) <= 2_147_483_647 ? Number(idText) : null;
        if (id === null) read.problem('id', '系统编号应为正整数', 'the record ID is a positive whole number');
      }
      const name = read.text('name', { required: true, max: 50 });
      let gender = read.choice('gender', GENDERS);
      let birthDate = read.date('birthDate');
      let idNumber = read.text('idNumber', { max: 18 });
      if (idNumber) {
        idNumber = idNumber.toUpperCase();
        const inspected = inspectIdNumber(idNumber);
        if (!inspected.ok) {
          const text = ID_NUMBER_PROBLEMS[inspected.problem];
          read.problem('idNumber', text.zh, text.en);
        } else {
          if (birthDate && birthDate !== inspected.facts.birthDate) {
            read.problem(
              'birthDate',
              '出生日期与身份证号不一致',
              'the birth date differs from the one in the ID number',
            );
          }
          if (gender && gender !== inspected.facts.gender) {
            read.problem(
              'gender',
              '性别与身份证号不一致',
              'the gender differs from the one in the ID number',
            );
          }
          birthDate = inspected.facts.birthDate;
          gender = inspected.facts.gender;
        }
      }
      const phone = read.text('phone');
      if (phone && !isMobile(phone))
        read.problem('phone', '手机号应为 11 位大陆手机号', 'a phone is an 11-digit mainland mobile number');
      const address = read.text('address', { max: 200 });
      const politicalStatus = read.choice('politicalStatus', POLITICAL_STATUS_NAMES);
      const gridCode = read.text('gridCode', { required: true, max: 64 });
      const householdNumber = read.text('householdNumber', { max: 50 });
      const head = read.choice('householdHead', YES_NO);
      const buildingCode = read.text('buildingCode', { max: 64 });
      const unit = read.text('unit', { max: 32 });
      const room = read.text('room', { max: 32 });
      const tags = read.list('tags', { max: 50, itemMax: 32 });
      const specialGroups = read.list('specialGroups', { max: 20 });
      if (read.problems.length > 0 || !name || !gridCode) return { problems: read.problems };
      return {
        problems: [],
        value: {
          id,
          name,
          gender,
          birthDate,
          idNumber,
          phone,
          address,
          politicalStatus,
          gridCode,
          householdNumber,
          householdHead: head === undefined ? undefined : head === null ? null : head === 'yes',
          buildingCode,
          unit,
          room,
          tags,
          specialGroups,
        },
      };
    },

    async check(rows, context) {
      const { planned, problems } = await plan(rows, context);
      plans.set(rows, planned);
      return problems;
    },

    async write(rows, context) {
      const { executor, user, today } = context;
      let planned = plans.get(rows);
      if (!planned) {
        const fresh = await plan(rows, context);
        if (fresh.problems.length > 0)
          throw new Error('persons sheet: write called with rows that have problems');
        planned = fresh.planned;
      }
      const at = context.at ?? new Date();
      const total = planned.length;

      // households: found or made per (grid, number), as the people service does one at a time
      const wanted = new Map<string, Record<string, unknown>>();
      for (const item of planned) {
        const number =
          item.value.householdNumber === undefined
            ? item.existing?.householdNumber
            : item.value.householdNumber;
        if (!number || item.value.householdNumber === undefined) continue;
        wanted.set(`${item.gridId}\u0000${number}`, {
          number,
          grid_id: item.gridId,
          building_id: item.buildingId ?? null,
          building_unit_id: item.unitId ?? null,
          room: item.value.room ?? null,
        });
      }
      const households = new Map(
        (
          await inBatches<{ id: number; gridId: number; number: string }>(
            executor,
            [...wanted.values()],
            (batch) => sql`
              insert into households (number, grid_id, building_id, building_unit_id, room, created_at, updated_at)
              select r.number, r.grid_id, r.building_id, r.building_unit_id, r.room, ${at}, ${at}
              from jsonb_to_recordset(${batch}) as r(number text, grid_id int, building_id int, building_unit_id int, room text)
              on conflict (grid_id, number) do update set updated_at = households.updated_at
              returning id, grid_id as "gridId", number`,
          )
        ).map((row) => [`${row.gridId}\u0000${row.number}`, row.id]),
      );

      interface Final {
        item: Planned;
        record: Record<string, unknown>;
        householdId: number | null;
        head: boolean | undefined;
        groups: string[] | undefined;
      }
      const creates: Final[] = [];
      const updates: Final[] = [];
      let unchanged = 0;
      for (const item of planned) {
        const { value, existing } = item;
        const keep = <T>(given: T | undefined, stored: T): T => (given === undefined ? stored : given);
        const householdNumber = keep(value.householdNumber, existing?.householdNumber ?? null);
        const householdId =
          value.householdNumber === undefined
            ? (existing?.householdId ?? null)
            : householdNumber === null
              ? null
              : households.get(`${item.gridId}\u0000${householdNumber}`)!;
        const idHash = keep(item.idHash, existing?.idNumberHash ?? null);
        const phoneHash = keep(item.phoneHash, existing?.phoneHash ?? null);
        const record = {
          name: value.name,
          gender: keep(value.gender, existing?.gender ?? null),
          birth_date: keep(value.birthDate, existing?.birthDate ?? null),
          id_number_hash: idHash,
          id_number_cipher:
            idHash === (existing?.idNumberHash ?? null)
              ? (existing?.idNumberCipher ?? null)
              : idHash === null
                ? null
                : people.protect('id_number', value.idNumber!).cipher,
          phone_hash: phoneHash,
          phone_cipher:
            phoneHash === (existing?.phoneHash ?? null)
              ? (existing?.phoneCipher ?? null)
              : phoneHash === null
                ? null
                : people.protect('phone', value.phone!).cipher,
          address: keep(value.address, existing?.address ?? null),
          political_status: keep(value.politicalStatus, existing?.politicalStatus ?? 'masses') ?? 'masses',
          tags: keep(value.tags, existing?.tags ?? []),
          grid_id: item.gridId,
          household_id: householdId,
          building_id: keep(item.buildingId, existing?.buildingId ?? null),
          building_unit_id: keep(item.unitId, existing?.buildingUnitId ?? null),
          room: keep(value.room, existing?.room ?? null),
        };
        const head =
          value.householdHead === undefined || value.householdHead === null ? undefined : value.householdHead;
        const final: Final = { item, record, householdId, head, groups: item.groups };
        if (!existing) {
          creates.push(final);
          continue;
        }
        const same =
          record.name === existing.name &&
          record.gender === existing.gender &&
          record.birth_date === existing.birthDate &&
          record.id_number_hash === existing.idNumberHash &&
          record.phone_hash === existing.phoneHash &&
          record.address === existing.address &&
          record.political_status === existing.politicalStatus &&
          sameList(record.tags, existing.tags ?? []) &&
          record.grid_id === existing.gridId &&
          record.household_id === existing.householdId &&
          record.building_id === existing.buildingId &&
          record.building_unit_id === existing.buildingUnitId &&
          record.room === existing.room &&
          (head === undefined || head === existing.isHead) &&
          (item.groups === undefined || sameList(item.groups, existing.groups ?? []));
        if (same) unchanged += 1;
        else updates.push(final);
      }

      // ids first, so that persons without an ID number are matched to their rows without relying on order
      if (creates.length > 0) {
        const ids = rowsOf<{ id: number }>(
          await executor.execute(sql`select nextval(pg_get_serial_sequence('persons', 'id'))::int as id
            from generate_series(1, ${creates.length})`),
        );
        creates.forEach((final, i) => {
          final.record.id = ids[i]!.id;
        });
      }
      let done = 0;
      const report = () => context.progress?.(Math.min(done + unchanged, total), total);
      await inBatches(
        executor,
        creates.map((final) => final.record),
        (batch) => sql`
          insert into persons (id, name, gender, birth_date, id_number_cipher, id_number_hash, phone_cipher, phone_hash,
            address, political_status, tags, grid_id, household_id, building_id, building_unit_id, room, created_at, updated_at)
          select r.id, r.name, r.gender, r.birth_date, r.id_number_cipher, r.id_number_hash, r.phone_cipher, r.phone_hash,
            r.address, r.political_status, array(select jsonb_array_elements_text(r.tags)), r.grid_id, r.household_id,
            r.building_id, r.building_unit_id, r.room, ${at}, ${at}
          from jsonb_to_recordset(${batch}) as r(id int, name text, gender text, birth_date date, id_number_cipher text,
            id_number_hash text, phone_cipher text, phone_hash text, address text, political_status text, tags jsonb,
            grid_id int, household_id int, building_id int, building_unit_id int, room text)`,
        (count) => {
          done = count;
          report();
        },
      );
      await inBatches(
        executor,
        updates.map((final) => ({ ...final.record, id: final.item.existing!.id })),
        (batch) => sql`
          update persons p set name = r.name, gender = r.gender, birth_date = r.birth_date,
            id_number_cipher = r.id_number_cipher, id_number_hash = r.id_number_hash, phone_cipher = r.phone_cipher,
            phone_hash = r.phone_hash, address = r.address, political_status = r.political_status,
            tags = array(select jsonb_array_elements_text(r.tags)), grid_id = r.grid_id, household_id = r.household_id,
            building_id = r.building_id, building_unit_id = r.building_unit_id, room = r.room, updated_at = ${at}
          from jsonb_to_recordset(${batch}) as r(id int, name text, gender text, birth_date date, id_number_cipher text,
            id_number_hash text, phone_cipher text, phone_hash text, address text, political_status text, tags jsonb,
            grid_id int, household_id int, building_id int, building_unit_id int, room text)
          where p.id = r.id`,
        (count) => {
          done = creates.length + count;
          report();
        },
      );

      // household heads: "是" makes the person the head, "否" removes a head that this person was
      const personIdOf = (final: Final) => (final.item.existing?.id ?? final.record.id) as number;
      const changed = [...creates, ...updates];
      const headRows = changed.flatMap((final): Record<string, unknown>[] => {
        if (final.head === undefined || final.householdId === null) return [];
        if (final.head) return [{ household_id: final.householdId, person_id: personIdOf(final) }];
        return final.item.existing?.isHead
          ? [{ household_id: final.item.existing.householdId, person_id: null }]
          : [];
      });
      await inBatches(
        executor,
        headRows,
        (batch) => sql`update households h set head_person_id = r.person_id, updated_at = ${at}
          from jsonb_to_recordset(${batch}) as r(household_id int, person_id int) where h.id = r.household_id`,
      );

      // special groups: ended memberships keep their row (until = today), new ones start today
      const ends: Record<string, unknown>[] = [];
      const adds: Record<string, unknown>[] = [];
      for (const final of changed) {
        if (final.groups === undefined) continue;
        const current = final.item.existing?.groups ?? [];
        for (const group of current)
          if (!final.groups.includes(group)) ends.push({ person_id: personIdOf(final), group_key: group });
        for (const group of final.groups)
          if (!current.includes(group)) adds.push({ person_id: personIdOf(final), group_key: group });
      }
      await inBatches(
        executor,
        ends,
        (batch) => sql`update special_group_members m set until = ${today}
          from jsonb_to_recordset(${batch}) as r(person_id int, group_key text)
          where m.person_id = r.person_id and m.group_key = r.group_key and m.until is null`,
      );
      await inBatches(
        executor,
        adds,
        (batch) => sql`insert into special_group_members (person_id, group_key, since, created_at)
          select r.person_id, r.group_key, ${today}, ${at} from jsonb_to_recordset(${batch}) as r(person_id int, group_key text)`,
      );

      await recordAudit(
        executor,
        { userId: user.id, name: user.username },
        at,
        changed.map((final) => ({
          action: final.item.existing ? 'person.update' : 'person.create',
          entity: 'person',
          entityKey: String(personIdOf(final)),
          gridId: final.item.gridId,
          detail: { via: 'sheet', row: final.item.row },
        })),
      );
      return { created: creates.length, updated: updates.length, unchanged };
    },

    async exportRows(context) {
      const { executor, user } = context;
      const rows = rowsOf<Existing & { gridCode: string; buildingCode: string | null; unit: string | null }>(
        await executor.execute(sql`
          select x.*, g.code as "gridCode", b.code as "buildingCode", u.name as unit
          from (${selectExisting} where ${user.scope.pathCondition(sql`g.path`)}) x
          join grids g on g.id = x."gridId"
          left join buildings b on b.id = x."buildingId"
          left join building_units u on u.id = x."buildingUnitId"
          order by x.id`),
      );
      const roles = user.roles;
      const unmask = context.unmask === true;
      const idVisibility = visibility(roles, 'idNumber', unmask);
      const phoneVisibility = visibility(roles, 'phone', unmask);
      const addressVisibility = visibility(roles, 'address');
      const groupsVisible = visibility(roles, 'specialGroups') === 'full';
      const groupNames = new Map(
        rowsOf<{ key: string; nameZh: string }>(
          await executor.execute(sql`select key, name_zh as "nameZh" from special_groups`),
        ).map((row) => [row.key, row.nameZh]),
      );
      const revealed: number[] = [];
      const out = rows.map((row): Record<string, Cell> => {
        if (
          (row.idNumberCipher && idVisibility === 'full') ||
          (row.phoneCipher && phoneVisibility === 'full')
        ) {
          revealed.push(row.id);
        }
        return {
          id: row.id,
          name: present(row.name, visibility(roles, 'name'), maskName),
          gender: row.gender ? GENDERS[row.gender as 'male' | 'female'].zh : null,
          birthDate: present(row.birthDate, visibility(roles, 'birthDate'), maskBirthDate),
          idNumber: present(
            row.idNumberCipher && people.reveal(row.idNumberCipher),
            idVisibility,
            maskIdNumber,
          ),
          phone: present(row.phoneCipher && people.reveal(row.phoneCipher), phoneVisibility, maskPhone),
          address: present(row.address, addressVisibility, maskAddress),
          politicalStatus:
            POLITICAL_STATUS_NAMES[row.politicalStatus as PoliticalStatus]?.zh ?? row.politicalStatus,
          gridCode: row.gridCode,
          householdNumber: addressVisibility === 'full' ? row.householdNumber : null,
          householdHead:
            row.householdNumber !== null && addressVisibility === 'full' ? (row.isHead ? '是' : '否') : null,
          buildingCode: row.buildingCode,
          unit: row.unit,
          room: addressVisibility === 'full' ? row.room : null,
          tags: (row.tags ?? []).join('、') || null,
          specialGroups: groupsVisible
            ? (row.groups ?? []).map((key) => groupNames.get(key) ?? key).join('、') || null
            : null,
        };
      });
      if (revealed.length > 0) {
        const gridOf = new Map(rows.map((row) => [row.id, row.gridId]));
        await recordAudit(
          executor,
          { userId: user.id, name: user.username },
          context.at ?? new Date(),
          revealed.map((id) => ({
            action: 'person.unmask',
            entity: 'person',
            entityKey: String(id),
            gridId: gridOf.get(id) ?? null,
            detail: { via: 'export' },
          })),
        );
      }
      return out;
    },
  };
}
