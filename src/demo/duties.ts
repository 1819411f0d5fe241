/**
 * The demo street's departments (职能部门), responsibility lists (责任清单: a department list per agreed major
 * class, a few minor classes, the grid's own self-handling list, and overrides for special micro-grids) and its
 * key-area roster (重点区域责任名单). Deterministic: everything follows from the generated street, no clock.
 *
 * `generateDemoDuties` is a pure function of the street; `seedDemoDuties` writes it in one transaction, with one
 * jsonb parameter per table, and marks itself done in `settings` in the same transaction.
 */
import { sql } from 'drizzle-orm';
import type { Services } from '../app.js';
import { recordAudit, type Actor } from '../core/audit.js';
import { rowsOf } from '../core/db.js';
import { pointInGeometry, type GridGeometry } from '../grids/geometry.js';
import type { KeyAreaKind } from '../duties/schema.js';
import type { DemoAccount } from './accounts.js';
import { DEMO_STREET, type DemoStreet } from './street.js';

export const DEMO_DUTIES_MARKER = 'demo.duties';
/** Lists in force since the street's "网格+" work plan (004 is dated August 2024). */
const LISTS_FROM = '2024-09-01';

export interface DemoDepartment {
  key: string;
  name: string;
  nameEn: string;
  /** Demo account of the department role that works for it. */
  username?: string;
}

/** The departments sunk into the street (下沉力量) that events are dispatched to. */
export const DEMO_DEPARTMENTS: DemoDepartment[] = [
  { key: 'cityman', name: '城管执法中队', nameEn: 'Urban management squad', username: 'dept-cityman' },
  { key: 'market', name: '市场监管所', nameEn: 'Market regulation office', username: 'dept-market' },
  { key: 'fire', name: '消防救援站', nameEn: 'Fire rescue station', username: 'dept-fire' },
  { key: 'police', name: '友谊路派出所', nameEn: 'Youyilu police station' },
  { key: 'housing', name: '房管办', nameEn: 'Housing management office', username: 'dept-housing' },
  { key: 'greenery', name: '绿化市容所', nameEn: 'Greenery and city appearance office' },
  { key: 'water', name: '水务站（防汛办）', nameEn: 'Water affairs station (flood control)' },
  { key: 'municipal', name: '市政养护所', nameEn: 'Municipal facilities maintenance office' },
  { key: 'construction', name: '建设管理办', nameEn: 'Construction management office' },
  { key: 'traffic', name: '交警中队', nameEn: 'Traffic police squad' },
  { key: 'justice', name: '司法所', nameEn: 'Justice office' },
  { key: 'civil', name: '社区事务受理服务中心', nameEn: 'Community affairs service centre' },
];

export interface DemoMatter {
  kind: 'department' | 'grid';
  gridCode: string;
  categoryCode: string;
  department: string | null;
  role: 'lead' | 'cooperate';
  handlingLevel: string | null;
  name: string;
  basis: string | null;
}

export interface DemoKeyArea {
  name: string;
  kind: KeyAreaKind;
  gridCode: string;
  point: [number, number];
  department: string;
  notes: string;
}

type ListEntry = [
  category: string,
  name: string,
  lead: string | null,
  handlingLevel: string,
  cooperating: string[],
  basis: string,
];

/**
 * The street's list, one line per agreed major class (COMMON.md) plus the two agreed minors of 07. A null lead
 * is the grid's own list: the grid at the handling level handles it itself (自处置), the departments cooperate.
 */
const STREET_LIST: ListEntry[] = [
  ['01', '市容环境卫生管理', 'greenery', 'community', ['cityman'], '《上海市市容环境卫生管理条例》'],
  ['02', '违法户外广告、乱张贴治理', 'cityman', 'street', ['greenery'], '《上海市户外广告设施管理办法》'],
  [
    '03',
    '建设工地及渣土运输管理',
    'construction',
    'street',
    ['cityman'],
    '《建设工程安全生产管理条例》《上海市建筑垃圾处理管理规定》',
  ],
  ['04', '突发事件先期处置', 'police', 'street', ['fire'], '《中华人民共和国突发事件应对法》'],
  ['05', '占道经营、乱设摊治理', 'cityman', 'area', ['police'], '《上海市城市管理综合行政执法条例》'],
  ['06', '市政设施养护', 'municipal', 'street', [], '《城市道路管理条例》'],
  ['07', '消防安全检查', 'fire', 'street', ['police'], '《中华人民共和国消防法》'],
  [
    '0701',
    '消防通道占用清理',
    'fire',
    'community',
    ['cityman', 'housing'],
    '《中华人民共和国消防法》第二十八条',
  ],
  ['0702', '室外消火栓维护', 'fire', 'street', ['water'], '《中华人民共和国消防法》第二十九条'],
  ['08', '防汛防台', 'water', 'street', ['municipal'], '《中华人民共和国防洪法》《上海市防汛条例》'],
  ['09', '邻里矛盾纠纷调解', null, 'community', ['justice', 'police'], '《中华人民共和国人民调解法》'],
  ['10', '社会治安', 'police', 'street', [], '《中华人民共和国治安管理处罚法》'],
  ['11', '为老服务等民生诉求', null, 'community', ['civil'], '《上海市养老服务条例》'],
  ['12', '住宅小区物业管理', 'housing', 'community', ['cityman'], '《上海市住宅物业管理规定》'],
  ['13', '公共绿地养护', 'greenery', 'street', [], '《上海市绿化条例》'],
  ['14', '交通设施与停车秩序', 'traffic', 'street', ['municipal'], '《上海市道路交通管理条例》'],
];

function entryMatters(gridCode: string, entry: ListEntry): DemoMatter[] {
  const [categoryCode, name, lead, handlingLevel, cooperating, basis] = entry;
  const leadMatter: DemoMatter = {
    kind: lead === null ? 'grid' : 'department',
    gridCode,
    categoryCode,
    department: lead,
    role: 'lead',
    handlingLevel,
    name,
    basis,
  };
  return [
    leadMatter,
    ...cooperating.map((department): DemoMatter => ({
      kind: 'department',
      gridCode,
      categoryCode,
      department,
      role: 'cooperate',
      handlingLevel,
      name: `${name}（配合）`,
      basis,
    })),
  ];
}

/**
 * A point inside a polygon, found without trigonometry: the vertex average when it lies inside (micro-grids are
 * mostly convex Voronoi cells), else the first inside point of a fixed 9×9 sweep of the bounding box.
 */
export function interiorPoint(geometry: GridGeometry): [number, number] {
  const ring = geometry.type === 'Polygon' ? geometry.coordinates[0]! : geometry.coordinates[0]![0]!;
  const vertices = ring.slice(0, -1);
  const average: [number, number] = [
    vertices.reduce((sum, [lng]) => sum + lng, 0) / vertices.length,
    vertices.reduce((sum, [, lat]) => sum + lat, 0) / vertices.length,
  ];
  if (pointInGeometry(geometry, average[0], average[1]) < 0) return round(average);
  const lngs = ring.map(([lng]) => lng);
  const lats = ring.map(([, lat]) => lat);
  const [minLng, maxLng, minLat, maxLat] = [
    Math.min(...lngs),
    Math.max(...lngs),
    Math.min(...lats),
    Math.max(...lats),
  ];
  for (let i = 1; i < 10; i += 1) {
    for (let j = 1; j < 10; j += 1) {
      const point: [number, number] = [
        minLng + ((maxLng - minLng) * i) / 10,
        minLat + ((maxLat - minLat) * j) / 10,
      ];
      if (pointInGeometry(geometry, point[0], point[1]) < 0) return round(point);
    }
  }
  return round(average);
}

/** Seven decimals (about 1 cm) keep the JSON short and still inside the grid. */
function round([lng, lat]: [number, number]): [number, number] {
  return [Math.round(lng * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
}

export function generateDemoDuties(street: DemoStreet): { matters: DemoMatter[]; keyAreas: DemoKeyArea[] } {
  const features = street.collection.features.map((feature) => ({
    code: feature.properties.code,
    name: feature.properties.name,
    level: feature.properties.level,
    gridType: feature.properties.gridType ?? 'residential',
    geometry: feature.geometry,
  }));
  const micro = features.filter((grid) => grid.level === 'microGrid');
  const ofType = (type: string) => micro.filter((grid) => grid.gridType === type);

  const matters = STREET_LIST.flatMap((entry) => entryMatters(DEMO_STREET.code, entry));
  // special micro-grids (专属网格) answer differently: the market's sponsor and the market regulator keep the
  // market clean and orderly, street-front shops are urban management's at the micro-grid, parks' fire lanes
  // are checked by the fire station at the park itself
  for (const grid of ofType('market')) {
    matters.push(
      ...entryMatters(grid.code, [
        '01',
        `${grid.name}内环境卫生`,
        'market',
        'microGrid',
        [],
        '《上海市菜市场管理办法》',
      ]),
      ...entryMatters(grid.code, [
        '05',
        `${grid.name}周边乱设摊`,
        'market',
        'microGrid',
        ['cityman'],
        '《上海市菜市场管理办法》',
      ]),
    );
  }
  for (const grid of ofType('street_shops')) {
    matters.push(
      ...entryMatters(grid.code, [
        '05',
        `${grid.name}跨门经营`,
        'cityman',
        'microGrid',
        ['market'],
        '《上海市市容环境卫生管理条例》',
      ]),
    );
  }
  for (const grid of ofType('industrial_park')) {
    matters.push(
      ...entryMatters(grid.code, [
        '0701',
        `${grid.name}消防通道`,
        'fire',
        'microGrid',
        ['market'],
        '《中华人民共和国消防法》第二十八条',
      ]),
    );
  }
  // the first comprehensive grid is the low-lying one: flooding is handled by its area grid with urban management
  const lowArea = features.find((grid) => grid.level === 'area');
  if (lowArea) {
    matters.push(
      ...entryMatters(lowArea.code, [
        '08',
        `${lowArea.name}低洼地区防汛`,
        'water',
        'area',
        ['cityman'],
        '《上海市防汛条例》',
      ]),
    );
  }

  const keyAreas: DemoKeyArea[] = [];
  const place = (
    grid: (typeof micro)[number],
    kind: KeyAreaKind,
    name: string,
    department: string,
    notes: string,
  ) => {
    if (!grid.geometry) return;
    keyAreas.push({
      name,
      kind,
      gridCode: grid.code,
      point: interiorPoint(grid.geometry),
      department,
      notes,
    });
  };
  const placeName = (grid: (typeof micro)[number]) => grid.name.replace(/微网格$/, '');
  for (const grid of ofType('market')) {
    place(grid, 'market', placeName(grid), 'market', '早晚高峰客流大，食品安全与周边乱设摊重点巡查');
  }
  for (const grid of ofType('commercial_complex')) {
    place(grid, 'commercial_complex', placeName(grid), 'fire', '人员密集，疏散通道与消防设施每月检查');
  }
  for (const grid of ofType('industrial_park')) {
    place(grid, 'industrial_park', placeName(grid), 'fire', '企业集中，消防通道与危险品存放重点检查');
  }
  for (const grid of ofType('school').slice(0, 3)) {
    place(
      grid,
      'school_surroundings',
      `${placeName(grid)}周边`,
      'police',
      '上下学时段护学岗，周边交通与治安',
    );
  }
  const roads = ofType('street_road');
  ['宝林路下立交', '牡丹江路下立交', '密山路低洼路段'].forEach((name, i) => {
    const grid = roads[i];
    if (grid) place(grid, 'flood_prone', name, 'water', '暴雨时易积水，汛期配备移动泵车，水位超 20 厘米封闭');
  });
  const residential = ofType('residential');
  ['友谊路旧改地块工地', '宝林七村加装电梯工地'].forEach((name, i) => {
    const grid = residential[(i + 1) * 17];
    if (grid) place(grid, 'construction_site', name, 'construction', '渣土运输车辆进出登记，夜间施工须审批');
  });
  return { matters, keyAreas };
}

const demoActor: Actor = { userId: null, name: 'demo' };

/** Writes the demo departments, lists and key areas once (the marker row in the same transaction). */
export async function seedDemoDuties(
  services: Services,
  street: DemoStreet,
  accounts: DemoAccount[],
): Promise<{ created: boolean }> {
  const { matters, keyAreas } = generateDemoDuties(street);
  const at = services.clock.now();
  return services.database.db.transaction(async (tx) => {
    const marker = rowsOf(
      await tx.execute(sql`select 1 from settings where key = ${DEMO_DUTIES_MARKER} for update`),
    );
    if (marker.length > 0) return { created: false };
    const [streetRow] = rowsOf<{ id: number }>(
      await tx.execute(sql`select id from grids where code = ${DEMO_STREET.code}`),
    );
    if (!streetRow) throw new Error('demo duties: the demo street is missing');

    const departments = DEMO_DEPARTMENTS.map((department, rank) => ({ ...department, rank: rank + 1 }));
    const inserted = rowsOf<{ id: number; name: string }>(
      await tx.execute(sql`
        insert into organisations (name, kind, grid_id, created_at, updated_at)
        select r.name, 'department', ${streetRow.id}, ${at}, ${at}
        from jsonb_to_recordset(${JSON.stringify(departments)}::jsonb) as r(name text)
        returning id, name`),
    );
    const idByName = new Map(inserted.map((row) => [row.name, row.id]));
    const idOf = new Map(departments.map((department) => [department.key, idByName.get(department.name)!]));
    await tx.execute(sql`
      insert into department_details (organisation_id, name_en, rank)
      select r.id, r.name_en, r.rank
      from jsonb_to_recordset(${JSON.stringify(
        departments.map((department) => ({
          id: idOf.get(department.key),
          name_en: department.nameEn,
          rank: department.rank,
        })),
      )}::jsonb) as r(id int, name_en text, rank int)`);

    // the demo accounts of the department role work for their departments
    const usernames = new Set(accounts.map((account) => account.username));
    const links = departments
      .filter((department) => department.username && usernames.has(department.username))
      .map((department) => ({ username: department.username, organisation_id: idOf.get(department.key) }));
    await tx.execute(sql`
      insert into department_users (user_id, organisation_id)
      select u.id, r.organisation_id
      from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as r(username text, organisation_id int)
      join users u on u.username = r.username
      on conflict (user_id) do nothing`);

    await tx.execute(sql`
      insert into duty_matters (kind, grid_id, category_code, organisation_id, role, handling_level, name, basis,
        valid_from, created_at, updated_at)
      select r.kind, g.id, r.category_code, r.organisation_id, r.role, r.handling_level, r.name, r.basis,
        ${LISTS_FROM}::date, ${at}, ${at}
      from rows from (jsonb_to_recordset(${JSON.stringify(
        matters.map((matter) => ({
          kind: matter.kind,
          grid_code: matter.gridCode,
          category_code: matter.categoryCode,
          organisation_id: matter.department ? idOf.get(matter.department) : null,
          role: matter.role,
          handling_level: matter.handlingLevel,
          name: matter.name,
          basis: matter.basis,
        })),
      )}::jsonb)
        as (kind text, grid_code text, category_code text, organisation_id int, role text, handling_level text,
            name text, basis text)) with ordinality
        as r(kind, grid_code, category_code, organisation_id, role, handling_level, name, basis, ordinality)
      join grids g on g.code = r.grid_code
      order by r.ordinality`);

    // the micro-grid leader (微网格长) answers on the ground for a key area in the micro-grid
    await tx.execute(sql`
      insert into key_areas (name, kind, grid_id, geometry, organisation_id, person_id, notes, created_at, updated_at)
      select r.name, r.kind, g.id, jsonb_build_object('type', 'Point', 'coordinates', r.point), r.organisation_id,
        (select p.person_id from positions p
          where p.grid_id = g.id and p.kind = 'grid_leader' and p.valid_to is null and p.person_id is not null
          order by p.valid_from desc, p.id limit 1),
        r.notes, ${at}, ${at}
      from rows from (jsonb_to_recordset(${JSON.stringify(
        keyAreas.map((area) => ({
          name: area.name,
          kind: area.kind,
          grid_code: area.gridCode,
          point: area.point,
          organisation_id: idOf.get(area.department),
          notes: area.notes,
        })),
      )}::jsonb)
        as (name text, kind text, grid_code text, point jsonb, organisation_id int, notes text)) with ordinality
        as r(name, kind, grid_code, point, organisation_id, notes, ordinality)
      join grids g on g.code = r.grid_code
      order by r.ordinality`);

    await recordAudit(tx, demoActor, at, [
      {
        action: 'demo.duties',
        entity: 'duty_matter',
        detail: { departments: departments.length, matters: matters.length, keyAreas: keyAreas.length },
      },
    ]);
    await tx.execute(sql`insert into settings (key, value, updated_at)
      values (${DEMO_DUTIES_MARKER}, ${JSON.stringify({ matters: matters.length, keyAreas: keyAreas.length })}::jsonb, ${at})`);
    return { created: true };
  });
}
