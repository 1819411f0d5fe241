import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';

export interface OrganisationRow {
  id: number;
  name: string;
  kind: string;
  parentId: number | null;
  depth: number;
  path: string;
  gridId: number;
  gridCode: string;
  gridName: string;
  gridPath: string;
  buildingCode: string | null;
  householdId: number | null;
  members: number;
  retiredOn: string | null;
}

export interface MemberRow {
  id: number;
  organisationId: number;
  organisationName: string;
  gridPath: string;
  personId: number;
  personName: string;
  role: string;
  joinedPartyOn: string | null;
  since: string;
  until: string | null;
}

export interface RegistrationRow {
  id: number;
  personId: number;
  personName: string;
  workUnit: string;
  gridId: number;
  gridCode: string;
  gridPath: string;
  registeredOn: string;
  endedOn: string | null;
  serviceCount: number;
  serviceHours: number;
}

export interface UnitRow {
  id: number;
  name: string;
  kind: string;
  gridId: number;
  gridCode: string;
  gridName: string;
  gridPath: string;
  address: string | null;
  agreementSignedOn: string | null;
}

export interface ContactRow {
  unitId: number;
  personId: number;
  personName: string;
  phoneCipher: string | null;
  role: string | null;
}

export interface StrengthRow {
  id: number;
  unitId: number;
  type: string;
  description: string;
  quantity: number | null;
  measure: string | null;
}

function and(parts: SQL[]): SQL {
  return parts.length > 0 ? sql.join(parts, sql` and `) : sql`true`;
}

export const partyRepository = {
  async organisations(
    executor: Executor,
    filter: {
      ids?: number[];
      gridPath?: string;
      scope?: SQL;
      kind?: string;
      retired?: boolean;
      path?: string;
    },
  ): Promise<OrganisationRow[]> {
    const parts: SQL[] = [];
    if (filter.ids !== undefined) parts.push(sql`o.id = any(${sql.param(filter.ids)}::int[])`);
    if (filter.gridPath !== undefined) parts.push(sql`g.path like ${`${filter.gridPath}%`}`);
    if (filter.path !== undefined) parts.push(sql`o.path like ${`${filter.path}%`}`);
    if (filter.scope !== undefined) parts.push(filter.scope);
    if (filter.kind !== undefined) parts.push(sql`o.kind = ${filter.kind}`);
    if (filter.retired === false) parts.push(sql`o.retired_on is null`);
    return rowsOf<OrganisationRow>(
      await executor.execute(sql`
        select o.id, o.name, o.kind, o.parent_id as "parentId", o.depth, o.path, o.grid_id as "gridId",
          g.code as "gridCode", g.name as "gridName", g.path as "gridPath", b.code as "buildingCode",
          o.household_id as "householdId", o.retired_on::text as "retiredOn",
          (select count(*)::int from party_members m where m.organisation_id = o.id and m.until is null) as members
        from party_organisations o
        join grids g on g.id = o.grid_id
        left join buildings b on b.id = o.building_id
        where ${and(parts)}
        order by o.path`),
    );
  },

  async members(
    executor: Executor,
    filter: { organisationPath?: string; organisationId?: number; ids?: number[]; current?: boolean },
  ): Promise<MemberRow[]> {
    const parts: SQL[] = [];
    if (filter.organisationId !== undefined) parts.push(sql`m.organisation_id = ${filter.organisationId}`);
    if (filter.organisationPath !== undefined) parts.push(sql`o.path like ${`${filter.organisationPath}%`}`);
    if (filter.ids !== undefined) parts.push(sql`m.id = any(${sql.param(filter.ids)}::int[])`);
    if (filter.current) parts.push(sql`m.until is null`);
    return rowsOf<MemberRow>(
      await executor.execute(sql`
        select m.id, m.organisation_id as "organisationId", o.name as "organisationName", g.path as "gridPath",
          m.person_id as "personId", p.name as "personName", m.role, m.joined_party_on::text as "joinedPartyOn",
          m.since::text as since, m.until::text as until
        from party_members m
        join party_organisations o on o.id = m.organisation_id
        join grids g on g.id = o.grid_id
        join persons p on p.id = m.person_id
        where ${and(parts)}
        order by o.path, m.since, m.id`),
    );
  },

  async registrations(
    executor: Executor,
    filter: { ids?: number[]; gridPath?: string; scope?: SQL },
  ): Promise<RegistrationRow[]> {
    const parts: SQL[] = [];
    if (filter.ids !== undefined) parts.push(sql`r.id = any(${sql.param(filter.ids)}::int[])`);
    if (filter.gridPath !== undefined) parts.push(sql`g.path like ${`${filter.gridPath}%`}`);
    if (filter.scope !== undefined) parts.push(filter.scope);
    return rowsOf<RegistrationRow>(
      await executor.execute(sql`
        select r.id, r.person_id as "personId", p.name as "personName", r.work_unit as "workUnit",
          r.grid_id as "gridId", g.code as "gridCode", g.path as "gridPath",
          r.registered_on::text as "registeredOn", r.ended_on::text as "endedOn",
          coalesce(s.n, 0)::int as "serviceCount", coalesce(s.hours, 0)::float8 as "serviceHours"
        from in_service_registrations r
        join grids g on g.id = r.grid_id
        join persons p on p.id = r.person_id
        left join (select registration_id, count(*) as n, sum(hours) as hours from service_records
          group by registration_id) s on s.registration_id = r.id
        where ${and(parts)}
        order by g.path, r.registered_on, r.id`),
    );
  },

  async serviceRecords(executor: Executor, registrationId: number) {
    return rowsOf<{
      id: number;
      registrationId: number;
      servedOn: string;
      hours: number;
      description: string;
      gridCode: string;
    }>(
      await executor.execute(sql`
        select s.id, s.registration_id as "registrationId", s.served_on::text as "servedOn",
          s.hours::float8 as hours, s.description, g.code as "gridCode"
        from service_records s join grids g on g.id = s.grid_id
        where s.registration_id = ${registrationId}
        order by s.served_on, s.id`),
    );
  },

  async units(
    executor: Executor,
    filter: { ids?: number[]; gridPath?: string; scope?: SQL; strength?: string },
    page?: { offset: number; limit: number },
  ): Promise<{ rows: UnitRow[]; total: number }> {
    const parts: SQL[] = [];
    if (filter.ids !== undefined) parts.push(sql`u.id = any(${sql.param(filter.ids)}::int[])`);
    if (filter.gridPath !== undefined) parts.push(sql`g.path like ${`${filter.gridPath}%`}`);
    if (filter.scope !== undefined) parts.push(filter.scope);
    if (filter.strength !== undefined) {
      parts.push(
        sql`exists (select 1 from co_building_strengths s where s.unit_id = u.id and s.type = ${filter.strength})`,
      );
    }
    const where = and(parts);
    const rows = rowsOf<UnitRow & { total: number }>(
      await executor.execute(sql`
        select u.id, u.name, u.kind, u.grid_id as "gridId", g.code as "gridCode", g.name as "gridName",
          g.path as "gridPath", u.address, u.agreement_signed_on::text as "agreementSignedOn",
          count(*) over ()::int as total
        from co_building_units u join grids g on g.id = u.grid_id
        where ${where}
        order by g.path, u.name, u.id
        ${page ? sql`offset ${page.offset} limit ${page.limit}` : sql``}`),
    );
    return { rows, total: rows[0]?.total ?? 0 };
  },

  async contacts(executor: Executor, unitIds: number[]): Promise<ContactRow[]> {
    if (unitIds.length === 0) return [];
    return rowsOf<ContactRow>(
      await executor.execute(sql`
        select c.unit_id as "unitId", c.person_id as "personId", p.name as "personName",
          p.phone_cipher as "phoneCipher", c.role
        from co_building_contacts c join persons p on p.id = c.person_id
        where c.unit_id = any(${sql.param(unitIds)}::int[])
        order by c.unit_id, c.person_id`),
    );
  },

  async strengths(executor: Executor, unitIds: number[]): Promise<StrengthRow[]> {
    if (unitIds.length === 0) return [];
    return rowsOf<StrengthRow>(
      await executor.execute(sql`
        select id, unit_id as "unitId", type, description, quantity::float8 as quantity, measure
        from co_building_strengths where unit_id = any(${sql.param(unitIds)}::int[])
        order by unit_id, id`),
    );
  },

  async person(
    executor: Executor,
    id: number,
  ): Promise<{ id: number; politicalStatus: string; gridPath: string } | undefined> {
    return rowsOf<{ id: number; politicalStatus: string; gridPath: string }>(
      await executor.execute(sql`
        select p.id, p.political_status as "politicalStatus", g.path as "gridPath"
        from persons p join grids g on g.id = p.grid_id where p.id = ${id}`),
    )[0];
  },
};
