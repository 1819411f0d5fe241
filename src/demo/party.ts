/**
 * The party organisation and the forces of the demo street (G4, F2, F3), derived from the seeded grids, residents
 * and positions, so that it is deterministic without a generator of its own:
 *
 * - a community party committee (社区大党委) per governance unit (the community level of the demo street);
 * - a grid party branch (网格党支部) per residential micro-grid, a special branch (专属网格党支部) per park, office
 *   building, market, school … micro-grid, each under its governance unit's committee;
 * - a building party group (楼栋党小组) for every building with at least three resident party members, and one
 *   party-member household (党员中心户) in each: the first household there with a party member;
 * - every resident whose political status is cpc_member or cpc_probationary joins the group of his building, or
 *   else the branch of his micro-grid; the first two members of a branch are its secretary and committee member;
 * - forces of the active "1+4+X" preset on every level, taken from the positions (grid leaders → grid lead,
 *   sunk staff → administrative, workers and city-operations staff → auxiliary, 党建指导员 and branch
 *   secretaries → organisational, building leaders → other forces) and from the co-building units' contacts
 *   (co-governance);
 * - 20 co-building units made from the street's schools, firms, offices and social organisations, with
 *   strengths and a contact each; a party-building alliance per comprehensive grid;
 * - 40 in-service party members registered with their governance unit, with service records.
 *
 * Everything is written in one transaction with the marker row `demo.party`, through one jsonb parameter per
 * batch.
 */
import { sql } from 'drizzle-orm';
import type { Services } from '../app.js';
import { recordAudit, type Actor } from '../core/audit.js';
import { rowsOf, type Executor } from '../core/db.js';
import { mulberry32 } from './random.js';

export const DEMO_PARTY_MARKER = 'demo.party';
const DEMO_PARTY_SEED = 20261127;
const BATCH = 4000;
const demoActor: Actor = { userId: null, name: 'demo' };

const UNIT_KINDS: Record<string, string> = {
  school: 'school',
  firm: 'private_enterprise',
  office: 'private_enterprise',
  social_organisation: 'social_organisation',
};
const STRENGTHS: { type: string; description: string; quantity: number; measure: string }[] = [
  { type: 'venues', description: '会议室对居民开放', quantity: 80, measure: '平方米' },
  { type: 'venues', description: '停车位错时共享', quantity: 30, measure: '个' },
  { type: 'volunteers', description: '党员志愿者参加周末服务', quantity: 12, measure: '人' },
  { type: 'volunteers', description: '青年突击队参加防汛防台', quantity: 8, measure: '人' },
  { type: 'expertise', description: '法律咨询', quantity: 2, measure: '次/月' },
  { type: 'expertise', description: '义诊与健康讲座', quantity: 1, measure: '次/月' },
  { type: 'expertise', description: '课后看护与作业辅导', quantity: 3, measure: '次/周' },
  { type: 'funds', description: '社区微更新项目资金', quantity: 5, measure: '万元' },
  { type: 'other', description: '节日慰问物资', quantity: 50, measure: '份' },
];
const WORK_UNITS = [
  '宝山区财政局',
  '宝山区教育局',
  '宝山区卫生健康委员会',
  '宝山区市场监督管理局',
  '上海宝山供电公司',
  '宝山区人民法院',
  '宝山区税务局',
  '上海大学',
];
const SERVICES = ['楼道清洁', '为老助餐', '垃圾分类指导', '微心愿认领', '矛盾调解', '防汛巡查', '政策宣讲'];

interface GridRow {
  id: number;
  code: string;
  name: string;
  level: string;
  path: string;
  gridType: string;
  parentId: number | null;
}
interface MemberPerson {
  id: number;
  gridId: number;
  buildingId: number | null;
  householdId: number | null;
  birthDate: string | null;
}

export async function seedDemoParty(services: Services): Promise<{ created: boolean }> {
  const at = services.clock.now();
  const random = mulberry32(DEMO_PARTY_SEED);
  return services.database.db.transaction(async (tx) => {
    const marker = rowsOf(
      await tx.execute(sql`select 1 from settings where key = ${DEMO_PARTY_MARKER} for update`),
    );
    if (marker.length > 0) return { created: false };

    const grids = rowsOf<GridRow>(
      await tx.execute(sql`select id, code, name, level, path, grid_type as "gridType", parent_id as "parentId"
        from grids where retired_at is null order by path`),
    );
    const byId = new Map(grids.map((grid) => [grid.id, grid]));
    const communityOf = (grid: GridRow): GridRow | undefined =>
      grid.path
        .split('/')
        .filter(Boolean)
        .map((id) => byId.get(Number(id))!)
        .find((ancestor) => ancestor.level === 'community');

    // ── organisations ─────────────────────────────────────────────────────────────────────────────────────────
    const communities = grids.filter((grid) => grid.level === 'community');
    const committees = await insertOrganisations(
      tx,
      communities.map((grid) => ({
        name: `${grid.name}社区大党委`,
        kind: 'community_committee',
        grid_id: grid.id,
        parent: null,
      })),
      at,
    );
    const committeeOf = new Map(communities.map((grid, i) => [grid.id, committees[i]!]));
    const micros = grids.filter((grid) => grid.level === 'microGrid' && communityOf(grid));
    const branches = await insertOrganisations(
      tx,
      micros.map((grid) => ({
        name: `${grid.name}${grid.gridType === 'residential' ? '网格党支部' : '专属网格党支部'}`,
        kind: grid.gridType === 'residential' ? 'grid_branch' : 'special_branch',
        grid_id: grid.id,
        parent: committeeOf.get(communityOf(grid)!.id)!,
      })),
      at,
    );
    const branchOf = new Map(micros.map((grid, i) => [grid.id, branches[i]!]));

    const members = rowsOf<MemberPerson>(
      await tx.execute(sql`select id, grid_id as "gridId", building_id as "buildingId", household_id as "householdId",
          birth_date::text as "birthDate"
        from persons where political_status in ('cpc_member', 'cpc_probationary') order by id`),
    );
    const perBuilding = new Map<number, MemberPerson[]>();
    for (const member of members) {
      if (member.buildingId === null || !branchOf.has(member.gridId)) continue;
      perBuilding.set(member.buildingId, [...(perBuilding.get(member.buildingId) ?? []), member]);
    }
    const buildings = new Map(
      rowsOf<{ id: number; name: string; gridId: number }>(
        await tx.execute(sql`select id, name, grid_id as "gridId" from buildings order by id`),
      ).map((row) => [row.id, row]),
    );
    const groupBuildings = [...perBuilding.entries()]
      .filter(([, list]) => list.length >= 3)
      .map(([buildingId]) => buildings.get(buildingId)!)
      .sort((a, b) => a.id - b.id);
    const groups = await insertOrganisations(
      tx,
      groupBuildings.map((building) => ({
        name: `${byId.get(building.gridId)!.name}${building.name}党小组`,
        kind: 'building_group',
        grid_id: building.gridId,
        building_id: building.id,
        parent: branchOf.get(building.gridId)!,
      })),
      at,
    );
    const groupOf = new Map(groupBuildings.map((building, i) => [building.id, groups[i]!]));
    await insertOrganisations(
      tx,
      groupBuildings.flatMap((building) => {
        const household = perBuilding.get(building.id)!.find((member) => member.householdId !== null);
        return household
          ? [
              {
                name: `${building.name}党员中心户`,
                kind: 'member_household',
                grid_id: building.gridId,
                household_id: household.householdId,
                parent: groupOf.get(building.id)!,
              },
            ]
          : [];
      }),
      at,
    );

    // ── members ───────────────────────────────────────────────────────────────────────────────────────────────
    const seen = new Map<number, number>();
    const memberRows = members.flatMap((member) => {
      const organisation =
        (member.buildingId !== null ? groupOf.get(member.buildingId) : undefined) ??
        branchOf.get(member.gridId);
      if (!organisation) return [];
      const rank = seen.get(organisation.id) ?? 0;
      seen.set(organisation.id, rank + 1);
      const isGroup = groupOf.get(member.buildingId ?? -1) === organisation;
      const role = isGroup
        ? rank === 0
          ? 'group_leader'
          : 'member'
        : (['secretary', 'committee_member'][rank] ?? 'member');
      const year = 2016 + (member.id % 9);
      return [
        {
          organisation_id: organisation.id,
          person_id: member.id,
          role,
          since: `${year}-0${1 + (member.id % 9)}-01`,
        },
      ];
    });
    await insertRows(
      tx,
      memberRows,
      (batch) => sql`insert into party_members (organisation_id, person_id, role, since, created_at)
        select r.organisation_id, r.person_id, r.role, r.since, ${at}
        from jsonb_to_recordset(${batch}::jsonb) as r(organisation_id int, person_id int, role text, since date)`,
    );
    // branch secretaries serve in the organisational force of their micro-grid
    const secretaries = memberRows
      .filter((row) => row.role === 'secretary')
      .map((row) => ({
        category: 'organisational',
        grid_id: members.find((m) => m.id === row.person_id)!.gridId,
        person_id: row.person_id,
        user_id: null,
        duty: '网格党支部书记',
        since: row.since,
      }));

    // ── co-building units, contacts, strengths, alliances ───────────────────────────────────────────────────
    const sources = rowsOf<{ name: string; kind: string; gridId: number; address: string | null }>(
      await tx.execute(sql`select name, kind, grid_id as "gridId", address from organisations
        where kind in ('school', 'firm', 'office', 'social_organisation') order by id`),
    );
    const picked = [
      ...sources.filter((row) => row.kind === 'school'),
      ...sources.filter((row) => row.kind !== 'school'),
    ]
      .filter(
        (row, i, all) =>
          all.findIndex((other) => other.name === row.name && other.gridId === row.gridId) === i,
      )
      .slice(0, 20);
    const units = rowsOf<{ id: number; gridId: number }>(
      await tx.execute(sql`insert into co_building_units (name, kind, grid_id, address, agreement_signed_on, created_at, updated_at)
        select r.name, r.kind, r.grid_id, r.address, r.signed, ${at}, ${at}
        from jsonb_to_recordset(${JSON.stringify(
          picked.map((row, i) => ({
            name: row.name,
            kind: UNIT_KINDS[row.kind] ?? 'other',
            grid_id: row.gridId,
            address: row.address,
            signed: `${2021 + (i % 5)}-0${1 + (i % 9)}-15`,
          })),
        )}::jsonb) as r(name text, kind text, grid_id int, address text, signed date)
        returning id, grid_id as "gridId"`),
    );
    const strengths = units.flatMap((unit) => {
      const count = 1 + Math.floor(random.next() * 3);
      const start = Math.floor(random.next() * STRENGTHS.length);
      return Array.from({ length: count }, (_, k) => ({
        unit_id: unit.id,
        ...STRENGTHS[(start + k * 2) % STRENGTHS.length]!,
      }));
    });
    await insertRows(
      tx,
      strengths,
      (
        batch,
      ) => sql`insert into co_building_strengths (unit_id, type, description, quantity, measure, created_at)
        select r.unit_id, r.type, r.description, r.quantity, r.measure, ${at}
        from jsonb_to_recordset(${batch}::jsonb) as r(unit_id int, type text, description text, quantity numeric, measure text)`,
    );
    // a contact per unit: a resident of the unit's governance unit with a phone, picked by the seeded generator
    const phoned = rowsOf<{ id: number; gridId: number }>(
      await tx.execute(
        sql`select id, grid_id as "gridId" from persons where phone_cipher is not null order by id`,
      ),
    );
    const residentsOf = new Map<number, number[]>();
    for (const person of phoned) {
      const community = byId.get(person.gridId) && communityOf(byId.get(person.gridId)!);
      if (!community) continue;
      residentsOf.set(community.id, [...(residentsOf.get(community.id) ?? []), person.id]);
    }
    const contacts = units.flatMap((unit) => {
      const community = communityOf(byId.get(unit.gridId)!);
      const pool = community ? (residentsOf.get(community.id) ?? []) : [];
      return pool.length > 0
        ? [
            {
              unit_id: unit.id,
              person_id: pool[Math.floor(random.next() * pool.length)]!,
              grid_id: unit.gridId,
            },
          ]
        : [];
    });
    await insertRows(
      tx,
      contacts,
      (batch) => sql`insert into co_building_contacts (unit_id, person_id, role)
        select r.unit_id, r.person_id, '共建联络员' from jsonb_to_recordset(${batch}::jsonb) as r(unit_id int, person_id int)
        on conflict do nothing`,
    );
    const areas = grids.filter((grid) => grid.level === 'area');
    for (const area of areas) {
      const [alliance] = rowsOf<{ id: number }>(
        await tx.execute(sql`insert into party_alliances (name, grid_id, lead_organisation_id, founded_on, description, created_at)
          values (${`${area.name}红色党建联盟`}, ${area.id},
            ${committees.find((committee) => byId.get(committee.gridId)!.path.startsWith(area.path))?.id ?? null},
            '2023-07-01', '联席会议每季度一次，资源共享、活动共办、事务共商', ${at}) returning id`),
      );
      const inside = units.filter((unit) => byId.get(unit.gridId)!.path.startsWith(area.path));
      await insertRows(
        tx,
        inside.map((unit) => ({ alliance_id: alliance!.id, unit_id: unit.id })),
        (batch) => sql`insert into party_alliance_members (alliance_id, unit_id, joined_on)
          select r.alliance_id, r.unit_id, '2023-07-01' from jsonb_to_recordset(${batch}::jsonb) as r(alliance_id int, unit_id int)`,
      );
    }

    // ── forces of the "1+4+X" preset on every level ─────────────────────────────────────────────────────────────
    const positions = rowsOf<{
      gridId: number;
      kind: string;
      duty: string | null;
      personId: number | null;
      userId: number | null;
      since: string;
    }>(
      await tx.execute(sql`select grid_id as "gridId", kind, duty, person_id as "personId", user_id as "userId",
          valid_from::text as since
        from positions where valid_to is null
          and kind not in ('unit_leader') order by id`),
    );
    const categoryOf = (kind: string, duty: string | null): string =>
      kind === 'grid_leader' || kind === 'deputy_grid_leader'
        ? 'grid_lead'
        : kind === 'department_staff' || kind === 'law_enforcement'
          ? 'administrative'
          : kind === 'five_member'
            ? duty === '党建指导员'
              ? 'organisational'
              : 'other_forces'
            : kind === 'building_leader'
              ? 'other_forces'
              : 'auxiliary';
    const forces = [
      ...positions.map((position) => ({
        category: categoryOf(position.kind, position.duty),
        grid_id: position.gridId,
        person_id: position.personId,
        user_id: position.userId,
        duty: position.duty,
        since: position.since,
      })),
      ...secretaries,
      ...contacts.map((contact) => ({
        category: 'co_governance',
        grid_id: contact.grid_id,
        person_id: contact.person_id,
        user_id: null,
        duty: '共驻共建单位联络员',
        since: '2024-01-01',
      })),
    ];
    await insertRows(
      tx,
      forces,
      (
        batch,
      ) => sql`insert into force_members (category_key, grid_id, person_id, user_id, duty, since, created_at, updated_at)
        select r.category, r.grid_id, r.person_id, r.user_id, r.duty, r.since, ${at}, ${at}
        from jsonb_to_recordset(${batch}::jsonb)
          as r(category text, grid_id int, person_id int, user_id int, duty text, since date)`,
    );

    // ── in-service party members 在职党员进社区报到 ───────────────────────────────────────────────────────────────
    const working = members.filter(
      (member) =>
        member.birthDate !== null && member.birthDate >= '1966-01-01' && member.birthDate <= '2000-12-31',
    );
    const registered = working
      .filter((_, i) => i % Math.max(1, Math.floor(working.length / 40)) === 0)
      .slice(0, 40);
    const registrations = rowsOf<{ id: number; gridId: number; personId: number }>(
      await tx.execute(sql`insert into in_service_registrations (person_id, work_unit, grid_id, registered_on, created_at)
        select r.person_id, r.work_unit, r.grid_id, r.registered_on, ${at}
        from jsonb_to_recordset(${JSON.stringify(
          registered.map((member, i) => ({
            person_id: member.id,
            work_unit: WORK_UNITS[i % WORK_UNITS.length],
            grid_id: communityOf(byId.get(member.gridId)!)?.id ?? member.gridId,
            registered_on: `2025-0${1 + (i % 6)}-10`,
          })),
        )}::jsonb) as r(person_id int, work_unit text, grid_id int, registered_on date)
        returning id, grid_id as "gridId", person_id as "personId"`),
    );
    const records = registrations.flatMap((registration) =>
      Array.from({ length: 1 + Math.floor(random.next() * 4) }, (_, k) => ({
        registration_id: registration.id,
        served_on: `2025-${String(7 + k).padStart(2, '0')}-${String(1 + Math.floor(random.next() * 28)).padStart(2, '0')}`,
        hours: 1 + Math.floor(random.next() * 6) / 2,
        description: SERVICES[Math.floor(random.next() * SERVICES.length)],
        grid_id: registration.gridId,
      })),
    );
    await insertRows(
      tx,
      records,
      (
        batch,
      ) => sql`insert into service_records (registration_id, served_on, hours, description, grid_id, created_at)
        select r.registration_id, r.served_on, r.hours, r.description, r.grid_id, ${at}
        from jsonb_to_recordset(${batch}::jsonb)
          as r(registration_id int, served_on date, hours numeric, description text, grid_id int)`,
    );

    const counts = {
      committees: committees.length,
      branches: branches.length,
      buildingGroups: groups.length,
      members: memberRows.length,
      coBuildingUnits: units.length,
      forces: forces.length,
      registrations: registrations.length,
    };
    await recordAudit(tx, demoActor, at, [
      { action: 'demo.party', entity: 'party_organisation', detail: counts },
    ]);
    await tx.execute(sql`insert into settings (key, value, updated_at)
      values (${DEMO_PARTY_MARKER}, ${JSON.stringify(counts)}::jsonb, ${at})`);
    return { created: true };
  });
}

interface OrganisationInput {
  name: string;
  kind: string;
  grid_id: number;
  building_id?: number | null;
  household_id?: number | null;
  parent: { id: number; path: string; depth: number } | null;
}

/** One level of organisations at a time, so that each row's path extends its parent's. */
async function insertOrganisations(
  tx: Executor,
  inputs: OrganisationInput[],
  at: Date,
): Promise<{ id: number; path: string; depth: number; gridId: number }[]> {
  const rows = rowsOf<{ id: number; path: string; depth: number; gridId: number }>(
    await tx.execute(sql`
      with input as (
        select r.*, row_number() over () as ordinality from jsonb_to_recordset(${JSON.stringify(
          inputs.map((input) => ({
            name: input.name,
            kind: input.kind,
            grid_id: input.grid_id,
            building_id: input.building_id ?? null,
            household_id: input.household_id ?? null,
            parent_id: input.parent?.id ?? null,
            parent_path: input.parent?.path ?? '/',
            depth: input.parent ? input.parent.depth + 1 : 0,
          })),
        )}::jsonb)
          as r(name text, kind text, grid_id int, building_id int, household_id int, parent_id int, parent_path text,
               depth int)
      ),
      numbered as (
        select nextval('party_organisations_id_seq')::int as id, * from input
      ),
      inserted as (
        insert into party_organisations (id, name, kind, parent_id, depth, path, grid_id, building_id, household_id,
          created_at, updated_at)
        select id, name, kind, parent_id, depth, parent_path || id || '/', grid_id, building_id, household_id, ${at}, ${at}
        from numbered
        returning id
      )
      select n.id, n.parent_path || n.id || '/' as path, n.depth, n.grid_id as "gridId"
      from numbered n join inserted i on i.id = n.id order by n.ordinality`),
  );
  return rows;
}

async function insertRows(
  tx: Executor,
  rows: Record<string, unknown>[],
  statement: (batch: string) => ReturnType<typeof sql>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await tx.execute(statement(JSON.stringify(rows.slice(i, i + BATCH))));
  }
}
