/**
 * The party and co-building figures of a grid portrait (G6), rolled up over the grid's subtree. Counts only:
 * no names leave here, so every grid reader may see them.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';

export interface PartyPortrait {
  /** Distinct persons holding a membership in an organisation linked to the subtree on the date. */
  members: number;
  organisations: number;
  organisationsByKind: { kind: string; count: number }[];
  /** In-service party members registered with the subtree's grids on the date (在职党员报到). */
  inServiceMembers: number;
}

export interface CoBuildingPortrait {
  units: number;
  strengthsByType: { type: string; count: number; quantity: number }[];
}

/** `subtree` is a SQL subquery of the subtree's grid ids. */
export async function partyPortrait(executor: Executor, subtree: SQL, at: string): Promise<PartyPortrait> {
  const [members, kinds, registered] = await Promise.all([
    executor.execute(sql`
      select count(distinct m.person_id)::int as n
      from party_organisations o join party_members m on m.organisation_id = o.id
      where o.grid_id in ${subtree} and m.since <= ${at}::date and (m.until is null or m.until > ${at}::date)`),
    executor.execute(sql`
      select kind, count(*)::int as count from party_organisations
      where grid_id in ${subtree} and (retired_on is null or retired_on > ${at}::date)
      group by kind order by kind`),
    executor.execute(sql`
      select count(*)::int as n from in_service_registrations
      where grid_id in ${subtree} and registered_on <= ${at}::date and (ended_on is null or ended_on > ${at}::date)`),
  ]);
  const byKind = rowsOf<{ kind: string; count: number }>(kinds);
  return {
    members: rowsOf<{ n: number }>(members)[0]!.n,
    organisations: byKind.reduce((sum, row) => sum + row.count, 0),
    organisationsByKind: byKind,
    inServiceMembers: rowsOf<{ n: number }>(registered)[0]!.n,
  };
}

export async function coBuildingPortrait(executor: Executor, subtree: SQL): Promise<CoBuildingPortrait> {
  const [units, strengths] = await Promise.all([
    executor.execute(sql`select count(*)::int as n from co_building_units where grid_id in ${subtree}`),
    executor.execute(sql`
      select s.type, count(*)::int as count, coalesce(sum(s.quantity), 0)::float8 as quantity
      from co_building_strengths s join co_building_units u on u.id = s.unit_id
      where u.grid_id in ${subtree}
      group by s.type order by s.type`),
  ]);
  return {
    units: rowsOf<{ n: number }>(units)[0]!.n,
    strengthsByType: rowsOf<{ type: string; count: number; quantity: number }>(strengths).map((row) => ({
      ...row,
      quantity: Number(row.quantity),
    })),
  };
}
