/**
 * The residents of the demo street: households in the demo buildings, persons with valid ID numbers of
 * Baoshan district (310113), a realistic share of special groups, businesses in the special micro-grids, and
 * positions on every level and every micro-grid, linked to the demo accounts. Deterministic: the same seed
 * gives the same people on every machine (mulberry32, a fixed reference date, no clock, no Math.random).
 *
 * `generateDemoPeople` is a pure function of the demo street; `seedDemoPeople` writes it in one transaction,
 * with one jsonb parameter per batch, and marks itself done in `settings` in the same transaction.
 */
import { sql } from 'drizzle-orm';
import type { Services } from '../app.js';
import { recordAudit, type Actor } from '../core/audit.js';
import { rowsOf, type Executor } from '../core/db.js';
import { makeIdNumber } from '../people/identity.js';
import type { PositionKind } from '../people/schema.js';
import type { DemoAccount } from './accounts.js';
import { mulberry32, type Random } from './random.js';
import { DEMO_DISTRICT, DEMO_STREET, type DemoStreet } from './street.js';

export const DEMO_PEOPLE_MARKER = 'demo.people';
export const DEMO_PEOPLE_SEED = 20261126;
/** Ages are counted at this date, so the generated street does not age with the calendar. */
const REFERENCE_YEAR = 2026;
/** Share of flats with a registered household: about 8,000 of the street's 42,600 flats, ~20,000 residents. */
const OCCUPANCY = 0.19;
const BATCH = 4000;

/** Common surnames with rough weights (the national top list, Shanghai-flavoured). */
const SURNAMES: [string, number][] = [
  ['王', 72],
  ['李', 70],
  ['张', 68],
  ['刘', 52],
  ['陈', 60],
  ['杨', 32],
  ['黄', 28],
  ['赵', 22],
  ['吴', 30],
  ['周', 30],
  ['徐', 30],
  ['孙', 16],
  ['马', 12],
  ['朱', 22],
  ['胡', 16],
  ['郭', 10],
  ['何', 10],
  ['林', 10],
  ['高', 10],
  ['罗', 8],
  ['郑', 8],
  ['梁', 6],
  ['谢', 8],
  ['宋', 8],
  ['唐', 8],
  ['许', 10],
  ['韩', 6],
  ['冯', 6],
  ['邓', 6],
  ['曹', 8],
  ['彭', 4],
  ['曾', 4],
  ['沈', 14],
  ['顾', 12],
  ['陆', 12],
  ['钱', 6],
  ['蒋', 8],
  ['姚', 6],
  ['潘', 6],
  ['范', 4],
  ['金', 6],
  ['施', 6],
  ['汪', 4],
  ['欧阳', 1],
  ['诸葛', 1],
];
const MALE_CHARACTERS =
  '伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘';
const FEMALE_CHARACTERS =
  '秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟';

const SHOP_WORDS = [
  '便利店',
  '面馆',
  '水果店',
  '理发店',
  '药房',
  '烟杂店',
  '早餐店',
  '五金店',
  '洗衣店',
  '花店',
  '书店',
  '奶茶店',
  '生鲜超市',
  '修车铺',
];
const FIRM_WORDS = [
  '科技有限公司',
  '贸易有限公司',
  '物流有限公司',
  '文化传媒有限公司',
  '咨询有限公司',
  '建设工程有限公司',
  '智能制造有限公司',
  '信息技术有限公司',
];
const OFFICE_WORDS = ['律师事务所', '会计师事务所', '设计工作室', '人力资源服务部', '保险代理部'];
const BRAND_WORDS = [
  '友谊',
  '宝林',
  '永清',
  '淞滨',
  '宝杨',
  '同泰',
  '锦秋',
  '春江',
  '海江',
  '密山',
  '盘古',
  '双城',
  '樱花',
  '金地',
  '宝城',
  '滨江',
  '团结',
  '铁峰',
];

/** 五大员 the five members of a micro-grid, by their usual duties (names differ by street). */
export const FIVE_MEMBER_DUTIES = [
  '党建指导员',
  '治安巡防员',
  '矛盾调解员',
  '环境监督员',
  '民生服务员',
] as const;

export interface DemoPerson {
  /** Key inside the generated data (the ID number: unique, and it is how rows are found after the insert). */
  idNumber: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  phone: string | null;
  politicalStatus: string;
  address: string;
  gridCode: string;
  householdKey: string | null;
  buildingCode: string | null;
  unit: string | null;
  room: string | null;
  tags: string[];
  specialGroups: string[];
  /** Username of the demo account this person is. */
  username?: string;
}

export interface DemoHousehold {
  key: string;
  gridCode: string;
  buildingCode: string;
  unit: string;
  room: string;
  headIdNumber: string;
}

export interface DemoOrganisation {
  name: string;
  kind: string;
  gridCode: string;
  address: string;
}

export interface DemoPosition {
  gridCode: string;
  kind: PositionKind;
  duty: string | null;
  holderIdNumber: string | null;
  username: string | null;
  buildingCode: string | null;
  unit: string | null;
  from: string;
  to: string | null;
}

export interface DemoPeople {
  persons: DemoPerson[];
  households: DemoHousehold[];
  organisations: DemoOrganisation[];
  positions: DemoPosition[];
}

function weightedSurname(random: Random): string {
  const total = SURNAMES.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random.next() * total;
  for (const [surname, weight] of SURNAMES) {
    roll -= weight;
    if (roll < 0) return surname;
  }
  return SURNAMES[0]![0];
}

function givenName(random: Random, gender: 'male' | 'female'): string {
  const characters = [...(gender === 'male' ? MALE_CHARACTERS : FEMALE_CHARACTERS)];
  const first = random.pick(characters);
  return random.next() < 0.35 ? first : `${first}${random.pick(characters)}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Generates people of the demo street; `accounts` names the demo users who get a person record. */
export function generateDemoPeople(
  street: DemoStreet,
  accounts: DemoAccount[],
  seed: number = DEMO_PEOPLE_SEED,
): DemoPeople {
  const random = mulberry32(seed);
  const persons: DemoPerson[] = [];
  const households: DemoHousehold[] = [];
  const sequences = new Map<string, number>();

  const birthDateFor = (age: number): string =>
    `${REFERENCE_YEAR - age - (random.next() < 0.9 ? 0 : 1)}-${pad(random.integer(1, 12))}-${pad(random.integer(1, 28))}`;

  /** A valid, unique ID number: the sequence counts per birth date and sex (odd for men, even for women). */
  const idNumberFor = (birthDate: string, gender: 'male' | 'female'): string => {
    const key = `${birthDate}/${gender}`;
    const k = sequences.get(key) ?? 0;
    sequences.set(key, k + 1);
    return makeIdNumber(DEMO_DISTRICT.code, birthDate, 2 * k + (gender === 'male' ? 1 : 2));
  };

  const phoneFor = (age: number): string | null =>
    age < 14 || age > 88
      ? null
      : `1${random.pick(['3', '5', '7', '8', '9'])}${String(random.integer(0, 999_999_999)).padStart(9, '0')}`;

  const politicalStatusFor = (age: number): string => {
    if (age >= 18 && random.next() < 0.08) return 'cpc_member';
    if (age >= 14 && age <= 28 && random.next() < 0.3) return 'cyl_member';
    return 'masses';
  };

  const makePerson = (
    fields: { age: number; gender: 'male' | 'female'; surname?: string; gridCode: string; address: string },
    place: Partial<Pick<DemoPerson, 'householdKey' | 'buildingCode' | 'unit' | 'room'>> = {},
  ): DemoPerson => {
    const birthDate = birthDateFor(fields.age);
    const person: DemoPerson = {
      idNumber: idNumberFor(birthDate, fields.gender),
      name: `${fields.surname ?? weightedSurname(random)}${givenName(random, fields.gender)}`,
      gender: fields.gender,
      birthDate,
      phone: phoneFor(fields.age),
      politicalStatus: politicalStatusFor(fields.age),
      address: fields.address,
      gridCode: fields.gridCode,
      householdKey: place.householdKey ?? null,
      buildingCode: place.buildingCode ?? null,
      unit: place.unit ?? null,
      room: place.room ?? null,
      tags: [],
      specialGroups: [],
    };
    // about 2 % live with a disability (China's 2006 survey: 6.3 % of all ages, ~2 % registered with a card)
    if (random.next() < 0.02) person.specialGroups.push('disabled');
    if (fields.age < 18 && random.next() < 0.005) person.specialGroups.push('child_in_difficulty');
    persons.push(person);
    return person;
  };

  const residentsOfBuilding = new Map<string, DemoPerson[]>();
  const residentsOfGrid = new Map<string, DemoPerson[]>();
  for (const building of street.buildings) {
    for (const unit of building.units) {
      for (let floor = 1; floor <= building.floors; floor += 1) {
        for (let door = 1; door <= 2; door += 1) {
          if (random.next() >= OCCUPANCY) continue;
          const room = `${floor}0${door}`;
          const key = `${building.code}-${unit}-${room}`;
          const place = { householdKey: key, buildingCode: building.code, unit, room };
          const address = `${building.address}${unit}${room}室`;
          const base = { gridCode: building.gridCode, address };
          const members: DemoPerson[] = [];
          const roll = random.next();
          const size = roll < 0.2 ? 1 : roll < 0.5 ? 2 : roll < 0.78 ? 3 : roll < 0.93 ? 4 : 5;
          if (size === 1) {
            const age = random.next() < 0.45 ? random.integer(65, 95) : random.integer(22, 64);
            const person = makePerson(
              { ...base, age, gender: random.next() < 0.55 ? 'female' : 'male' },
              place,
            );
            if (age >= 65) person.specialGroups.push('elderly_alone');
            members.push(person);
          } else {
            const age = size === 2 ? random.integer(25, 88) : random.integer(30, 55);
            const husband = makePerson({ ...base, age, gender: 'male' }, place);
            const wife = makePerson(
              { ...base, age: Math.max(20, age + random.integer(-5, 3)), gender: 'female' },
              place,
            );
            members.push(husband, wife);
            // 失独家庭: an older couple who lost their only child — rare
            if (size === 2 && age >= 55 && random.next() < 0.03) {
              husband.specialGroups.push('bereaved_family');
              wife.specialGroups.push('bereaved_family');
            }
            const surname =
              [...husband.name][0] === '欧' || [...husband.name][0] === '诸'
                ? husband.name.slice(0, 2)
                : husband.name.slice(0, 1);
            const children = Math.min(size - 2, 2);
            for (let c = 0; c < children; c += 1) {
              const childAge = Math.max(0, age - random.integer(24, 34));
              members.push(
                makePerson(
                  { ...base, age: childAge, surname, gender: random.next() < 0.51 ? 'male' : 'female' },
                  place,
                ),
              );
            }
            if (size === 5) {
              members.push(
                makePerson(
                  { ...base, age: Math.min(95, age + random.integer(25, 32)), gender: 'female' },
                  place,
                ),
              );
            }
          }
          households.push({
            key,
            gridCode: building.gridCode,
            buildingCode: building.code,
            unit,
            room,
            headIdNumber: members[0]!.idNumber,
          });
          const inBuilding = residentsOfBuilding.get(building.code) ?? [];
          inBuilding.push(...members);
          residentsOfBuilding.set(building.code, inBuilding);
          const inGrid = residentsOfGrid.get(building.gridCode) ?? [];
          inGrid.push(...members);
          residentsOfGrid.set(building.gridCode, inGrid);
        }
      }
    }
  }

  // ── staff: people who hold positions but are not residents of a generated flat ────────────────────────────
  const features = street.collection.features.map((feature) => feature.properties);
  const residentialGrids = features.filter(
    (grid) => grid.level === 'microGrid' && residentsOfGrid.has(grid.code),
  );
  const staffHome = (): string => random.pick(residentialGrids).code;
  const accountByName = new Map(accounts.map((account) => [account.username, account]));
  const staff = (username?: string): DemoPerson => {
    const account = username ? accountByName.get(username) : undefined;
    const gender = random.next() < 0.5 ? 'male' : 'female';
    const person = makePerson({
      age: random.integer(26, 55),
      gender,
      gridCode: account && account.roles.includes('resident') ? account.grids[0]! : staffHome(),
      address: '上海市宝山区友谊路街道',
    });
    person.specialGroups = [];
    if (account) {
      person.name = account.displayName;
      person.username = account.username;
    }
    return person;
  };

  const positions: DemoPosition[] = [];
  const since = (): string => `${random.integer(2021, 2025)}-${pad(random.integer(1, 12))}-01`;
  const appoint = (
    gridCode: string,
    kind: PositionKind,
    holder: DemoPerson | null,
    extra: Partial<DemoPosition> = {},
  ): void => {
    positions.push({
      gridCode,
      kind,
      duty: null,
      holderIdNumber: holder?.idNumber ?? null,
      username: holder?.username ?? null,
      buildingCode: null,
      unit: null,
      from: since(),
      to: null,
      ...extra,
    });
  };

  // the resident demo account is a resident of its micro-grid
  if (accountByName.has('resident1')) staff('resident1');

  appoint(DEMO_STREET.code, 'grid_leader', staff(), { duty: '总网格长（街道党工委书记）' });
  appoint(DEMO_STREET.code, 'deputy_grid_leader', staff(), { duty: '常务副总网格长（街道办事处主任）' });
  for (let i = 0; i < 6; i += 1) appoint(DEMO_STREET.code, 'city_operations', staff());
  for (const duty of ['城管执法中队', '派出所', '市场监管所'])
    appoint(DEMO_STREET.code, 'law_enforcement', staff(), { duty });
  for (const duty of ['房管办', '社区事务受理服务中心', '卫生服务中心'])
    appoint(DEMO_STREET.code, 'department_staff', staff(), { duty });
  const fire = accountByName.get('dept-fire');
  if (fire) {
    positions.push({
      gridCode: DEMO_STREET.code,
      kind: 'department_staff',
      duty: fire.displayName,
      holderIdNumber: null,
      username: fire.username,
      buildingCode: null,
      unit: null,
      from: '2024-01-01',
      to: null,
    });
  }

  const areaAccounts = accounts.filter((account) => account.roles.includes('area_leader'));
  for (const area of features.filter((grid) => grid.level === 'area')) {
    const account = areaAccounts.find((candidate) => candidate.grids.includes(area.code));
    appoint(area.code, 'grid_leader', staff(account?.username));
  }
  const leaderAccounts = accounts.filter((account) => account.roles.includes('grid_leader'));
  for (const community of features.filter((grid) => grid.level === 'community')) {
    const account = leaderAccounts.find((candidate) => candidate.grids.includes(community.code));
    appoint(community.code, 'grid_leader', staff(account?.username));
    appoint(community.code, 'deputy_grid_leader', staff());
  }

  const workerAccounts = accounts.filter((account) => account.roles.includes('grid_worker'));
  let firstChange = true;
  for (const micro of features.filter((grid) => grid.level === 'microGrid')) {
    const residents = residentsOfGrid.get(micro.code) ?? [];
    const adults = residents.filter((person) => Number(person.birthDate.slice(0, 4)) <= REFERENCE_YEAR - 25);
    const leader = adults.length > 0 ? random.pick(adults) : staff();
    if (firstChange && adults.length > 1) {
      // one change of leader in the demo, so the roster's history has something to show
      firstChange = false;
      const earlier = random.pick(adults.filter((person) => person !== leader));
      appoint(micro.code, 'grid_leader', earlier, { from: '2022-03-01', to: '2025-07-01' });
      appoint(micro.code, 'grid_leader', leader, { from: '2025-07-01' });
    } else {
      appoint(micro.code, 'grid_leader', leader);
    }
    const account = workerAccounts.find((candidate) => candidate.grids.includes(micro.code));
    appoint(micro.code, 'grid_worker_dedicated', staff(account?.username));
    if (adults.length >= 10) {
      appoint(micro.code, 'grid_worker_part_time', random.pick(adults));
      for (const duty of FIVE_MEMBER_DUTIES)
        appoint(micro.code, 'five_member', random.pick(adults), { duty });
    }
  }

  // 五长制: a building leader for about a third of the buildings, unit leaders in the bigger ones
  for (const building of street.buildings) {
    const residents = (residentsOfBuilding.get(building.code) ?? []).filter(
      (person) => Number(person.birthDate.slice(0, 4)) <= REFERENCE_YEAR - 30,
    );
    if (residents.length === 0) continue;
    if (random.next() < 0.35) {
      appoint(building.gridCode, 'building_leader', random.pick(residents), { buildingCode: building.code });
    }
    if (building.units.length >= 3) {
      for (const unit of building.units) {
        const inUnit = residents.filter((person) => person.unit === unit);
        if (inUnit.length > 0 && random.next() < 0.5) {
          appoint(building.gridCode, 'unit_leader', random.pick(inUnit), {
            buildingCode: building.code,
            unit,
          });
        }
      }
    }
  }

  // ── businesses and organisations 组织 ─────────────────────────────────────────────────────────────────────
  const organisations: DemoOrganisation[] = [];
  const organisationsBy: Record<string, { kinds: [string, string[]][]; count: [number, number] }> = {
    street_shops: { kinds: [['shop', SHOP_WORDS]], count: [8, 16] },
    street_road: { kinds: [['shop', SHOP_WORDS]], count: [2, 4] },
    commercial_complex: {
      kinds: [
        ['shop', SHOP_WORDS],
        ['firm', FIRM_WORDS],
      ],
      count: [10, 20],
    },
    office_building: {
      kinds: [
        ['firm', FIRM_WORDS],
        ['office', OFFICE_WORDS],
      ],
      count: [10, 24],
    },
    industrial_park: { kinds: [['firm', FIRM_WORDS]], count: [8, 15] },
    market: { kinds: [['market_stall', ['摊位']]], count: [15, 30] },
    residential: {
      kinds: [
        ['shop', SHOP_WORDS],
        ['social_organisation', ['志愿服务队', '老年协会', '睦邻点']],
      ],
      count: [0, 2],
    },
  };
  for (const micro of features.filter((grid) => grid.level === 'microGrid')) {
    if (micro.gridType === 'school') {
      organisations.push({
        name: micro.name.replace(/微网格$/, ''),
        kind: 'school',
        gridCode: micro.code,
        address: '上海市宝山区友谊路街道',
      });
      continue;
    }
    const rule = organisationsBy[micro.gridType ?? 'residential'];
    if (!rule) continue;
    const count = random.integer(rule.count[0], rule.count[1]);
    for (let i = 0; i < count; i += 1) {
      const [kind, words] = random.pick(rule.kinds);
      const name =
        kind === 'market_stall'
          ? `${micro.name.replace(/微网格$/, '')}${i + 1}号摊位（${weightedSurname(random)}记）`
          : `${random.pick(BRAND_WORDS)}${random.pick(words)}`;
      organisations.push({
        name,
        kind,
        gridCode: micro.code,
        address: `上海市宝山区${micro.name.replace(/微网格$/, '')}`,
      });
    }
  }

  return { persons, households, organisations, positions };
}

const demoActor: Actor = { userId: null, name: 'demo' };

/**
 * Writes the demo people once: the marker row is written in the same transaction, so a crash leaves nothing
 * and a finished seed is never repeated.
 */
export async function seedDemoPeople(
  services: Services,
  street: DemoStreet,
  accounts: DemoAccount[],
): Promise<{ created: boolean; persons: number }> {
  const data = generateDemoPeople(street, accounts);
  // encryption happens before the transaction opens: it needs no database, and the transaction stays short
  const protectedValues = data.persons.map((person) => ({
    id: services.people.protect('id_number', person.idNumber),
    phone: person.phone ? services.people.protect('phone', person.phone) : null,
  }));
  const at = services.clock.now();
  return services.database.db.transaction(async (tx) => {
    const marker = rowsOf(
      await tx.execute(sql`select 1 from settings where key = ${DEMO_PEOPLE_MARKER} for update`),
    );
    if (marker.length > 0) return { created: false, persons: 0 };

    const grids = new Map(
      rowsOf<{ id: number; code: string }>(await tx.execute(sql`select id, code from grids`)).map((row) => [
        row.code,
        row.id,
      ]),
    );
    const buildings = new Map(
      rowsOf<{ id: number; code: string }>(await tx.execute(sql`select id, code from buildings`)).map(
        (row) => [row.code, row.id],
      ),
    );
    const units = new Map(
      rowsOf<{ id: number; code: string; name: string }>(
        await tx.execute(
          sql`select u.id, b.code, u.name from building_units u join buildings b on b.id = u.building_id`,
        ),
      ).map((row) => [`${row.code}/${row.name}`, row.id]),
    );
    const gridOf = (code: string): number => {
      const id = grids.get(code);
      if (id === undefined) throw new Error(`demo people: grid ${code} is missing`);
      return id;
    };

    const householdIds = await insertRows<{ id: number; number: string }>(
      tx,
      data.households.map((household) => ({
        number: household.key,
        grid_id: gridOf(household.gridCode),
        building_id: buildings.get(household.buildingCode) ?? null,
        building_unit_id: units.get(`${household.buildingCode}/${household.unit}`) ?? null,
        room: household.room,
      })),
      (batch) => sql`
        insert into households (number, grid_id, building_id, building_unit_id, room, created_at, updated_at)
        select r.number, r.grid_id, r.building_id, r.building_unit_id, r.room, ${at}, ${at}
        from jsonb_to_recordset(${batch}::jsonb)
          as r(number text, grid_id int, building_id int, building_unit_id int, room text)
        returning id, number`,
    );
    const householdByKey = new Map(householdIds.map((row) => [row.number, row.id]));

    const personIds = await insertRows<{ id: number; hash: string }>(
      tx,
      data.persons.map((person, i) => ({
        name: person.name,
        gender: person.gender,
        birth_date: person.birthDate,
        id_cipher: protectedValues[i]!.id.cipher,
        id_hash: protectedValues[i]!.id.hash,
        phone_cipher: protectedValues[i]!.phone?.cipher ?? null,
        phone_hash: protectedValues[i]!.phone?.hash ?? null,
        address: person.address,
        political_status: person.politicalStatus,
        tags: person.tags,
        grid_id: gridOf(person.gridCode),
        household_id: person.householdKey ? (householdByKey.get(person.householdKey) ?? null) : null,
        building_id: person.buildingCode ? (buildings.get(person.buildingCode) ?? null) : null,
        building_unit_id: person.buildingCode
          ? (units.get(`${person.buildingCode}/${person.unit}`) ?? null)
          : null,
        room: person.room,
      })),
      (batch) => sql`
        insert into persons (name, gender, birth_date, id_number_cipher, id_number_hash, phone_cipher, phone_hash,
          address, political_status, tags, grid_id, household_id, building_id, building_unit_id, room,
          created_at, updated_at)
        select r.name, r.gender, r.birth_date, r.id_cipher, r.id_hash, r.phone_cipher, r.phone_hash, r.address,
          r.political_status, array(select jsonb_array_elements_text(r.tags)), r.grid_id, r.household_id,
          r.building_id, r.building_unit_id, r.room, ${at}, ${at}
        from jsonb_to_recordset(${batch}::jsonb)
          as r(name text, gender text, birth_date date, id_cipher text, id_hash text, phone_cipher text,
               phone_hash text, address text, political_status text, tags jsonb, grid_id int, household_id int,
               building_id int, building_unit_id int, room text)
        returning id, id_number_hash as hash`,
    );
    const idByHash = new Map(personIds.map((row) => [row.hash, row.id]));
    const personIdByNumber = new Map(
      data.persons.map((person, i) => [person.idNumber, idByHash.get(protectedValues[i]!.id.hash)!]),
    );

    await insertRows(
      tx,
      data.households.map((household) => ({
        id: householdByKey.get(household.key)!,
        head: personIdByNumber.get(household.headIdNumber)!,
      })),
      (batch) => sql`
        update households h set head_person_id = r.head
        from jsonb_to_recordset(${batch}::jsonb) as r(id int, head int) where h.id = r.id`,
    );

    await insertRows(
      tx,
      data.persons.flatMap((person) =>
        person.specialGroups.map((group) => ({
          person_id: personIdByNumber.get(person.idNumber)!,
          group_key: group,
          since: `${random2025(person.idNumber)}`,
        })),
      ),
      (batch) => sql`
        insert into special_group_members (person_id, group_key, since, created_at)
        select r.person_id, r.group_key, r.since, ${at}
        from jsonb_to_recordset(${batch}::jsonb) as r(person_id int, group_key text, since date)`,
    );

    await insertRows(
      tx,
      data.organisations.map((organisation) => ({ ...organisation, grid_id: gridOf(organisation.gridCode) })),
      (batch) => sql`
        insert into organisations (name, kind, grid_id, address, created_at, updated_at)
        select r.name, r.kind, r.grid_id, r.address, ${at}, ${at}
        from jsonb_to_recordset(${batch}::jsonb) as r(name text, kind text, grid_id int, address text)`,
    );

    const users = new Map(
      rowsOf<{ id: number; username: string }>(await tx.execute(sql`select id, username from users`)).map(
        (row) => [row.username, row.id],
      ),
    );
    await insertRows(
      tx,
      data.positions.map((position) => ({
        grid_id: gridOf(position.gridCode),
        kind: position.kind,
        duty: position.duty,
        person_id: position.holderIdNumber ? personIdByNumber.get(position.holderIdNumber)! : null,
        user_id: position.username ? (users.get(position.username) ?? null) : null,
        building_id: position.buildingCode ? (buildings.get(position.buildingCode) ?? null) : null,
        building_unit_id: position.unit
          ? (units.get(`${position.buildingCode}/${position.unit}`) ?? null)
          : null,
        valid_from: position.from,
        valid_to: position.to,
      })),
      (batch) => sql`
        insert into positions (grid_id, kind, duty, person_id, user_id, building_id, building_unit_id, valid_from,
          valid_to, created_at, updated_at)
        select r.grid_id, r.kind, r.duty, r.person_id, r.user_id, r.building_id, r.building_unit_id, r.valid_from,
          r.valid_to, ${at}, ${at}
        from jsonb_to_recordset(${batch}::jsonb)
          as r(grid_id int, kind text, duty text, person_id int, user_id int, building_id int,
               building_unit_id int, valid_from date, valid_to date)`,
    );

    const links = data.persons
      .filter((person) => person.username && users.has(person.username))
      .map((person) => ({
        user_id: users.get(person.username!)!,
        person_id: personIdByNumber.get(person.idNumber)!,
      }));
    await insertRows(
      tx,
      links,
      (batch) => sql`
        insert into person_users (user_id, person_id)
        select r.user_id, r.person_id from jsonb_to_recordset(${batch}::jsonb) as r(user_id int, person_id int)
        on conflict do nothing`,
    );

    await recordAudit(tx, demoActor, at, [
      {
        action: 'demo.people',
        entity: 'person',
        detail: {
          persons: data.persons.length,
          households: data.households.length,
          organisations: data.organisations.length,
          positions: data.positions.length,
        },
      },
    ]);
    await tx.execute(sql`insert into settings (key, value, updated_at)
      values (${DEMO_PEOPLE_MARKER}, ${JSON.stringify({ seed: DEMO_PEOPLE_SEED, persons: data.persons.length })}::jsonb, ${at})`);
    return { created: true, persons: data.persons.length };
  });
}

/** A since-date for a membership, derived from the person so that it is deterministic without more draws. */
function random2025(idNumber: string): string {
  const n = Number(idNumber.slice(14, 17));
  return `${2015 + (n % 10)}-${pad((n % 12) + 1)}-01`;
}

/** Insert rows in batches, each batch as one jsonb parameter; returns what the statements return. */
async function insertRows<T>(
  tx: Executor,
  rows: Record<string, unknown>[],
  statement: (batch: string) => ReturnType<typeof sql>,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    out.push(...rowsOf<T>(await tx.execute(statement(JSON.stringify(rows.slice(i, i + BATCH))))));
  }
  return out;
}
