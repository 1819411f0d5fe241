import { eq, sql } from 'drizzle-orm';
import type { Services } from '../src/app.js';
import { grids, gridBoundaries } from '../src/grids/tables.js';
import type { GridGeometry } from '../src/grids/geometry.js';
import { makeIdNumber } from '../src/people/identity.js';
import { persons, specialGroupMembers } from '../src/people/tables.js';

let sequence = 0;

/** A square polygon of `size` degrees with its south-west corner at (lng, lat). */
export function square(lng: number, lat: number, size: number): GridGeometry {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lng, lat],
        [lng + size, lat],
        [lng + size, lat + size],
        [lng, lat + size],
        [lng, lat],
      ],
    ],
  };
}

export interface GridOverrides {
  code?: string;
  name?: string;
  level?: string;
  parentCode?: string | null;
  gridType?: string;
  geometry?: GridGeometry | null;
}

/**
 * A grid written straight to the tables, bypassing validation: for tests of other modules that need grids to
 * exist. Tests of the grid rules themselves go through the service or the API.
 */
export async function buildGrid(services: Services, overrides: GridOverrides = {}) {
  const { db } = services.database;
  sequence += 1;
  const parent = overrides.parentCode
    ? (await db.select().from(grids).where(eq(grids.code, overrides.parentCode)))[0]
    : undefined;
  if (overrides.parentCode && !parent) throw new Error(`no parent grid ${overrides.parentCode}`);
  const [row] = await db
    .insert(grids)
    .values({
      code: overrides.code ?? `T${String(sequence).padStart(6, '0')}`,
      name: overrides.name ?? `测试网格${sequence}`,
      level: overrides.level ?? (parent ? 'microGrid' : 'street'),
      parentId: parent?.id ?? null,
      depth: parent ? parent.depth + 1 : 0,
      path: '/',
      gridType: overrides.gridType ?? 'residential',
    })
    .returning();
  const path = `${parent?.path ?? '/'}${row!.id}/`;
  await db.update(grids).set({ path }).where(eq(grids.id, row!.id));
  if (overrides.geometry) {
    const g = overrides.geometry;
    const points = g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2);
    await db.insert(gridBoundaries).values({
      gridId: row!.id,
      geometry: g,
      minLng: Math.min(...points.map((p) => p[0])),
      minLat: Math.min(...points.map((p) => p[1])),
      maxLng: Math.max(...points.map((p) => p[0])),
      maxLat: Math.max(...points.map((p) => p[1])),
      areaSquareMetres: 0,
      validFrom: sql`now()`,
    });
  }
  await services.grids.refreshIndex();
  return { ...row!, path };
}

/** Password of every user made by buildUser unless a test chooses one. */
export const TEST_PASSWORD = 'test-password-2026';

export interface UserOverrides {
  username?: string;
  password?: string;
  displayName?: string;
  roles?: string[];
  /** Grid codes; a non-admin user without grids gets a fresh street grid of its own. */
  grids?: string[];
}

let userSequence = 0;

/** A user created through the account service (so the password is hashed as in production), by the system actor. */
export async function buildUser(services: Services, overrides: UserOverrides = {}) {
  userSequence += 1;
  const roles = overrides.roles ?? ['grid_worker'];
  let gridCodes = overrides.grids;
  if (gridCodes === undefined) gridCodes = roles.includes('admin') ? [] : [(await buildGrid(services)).code];
  const password = overrides.password ?? TEST_PASSWORD;
  const user = await services.accounts.createUser(
    {
      username: overrides.username ?? `user${userSequence}_${process.pid}`,
      displayName: overrides.displayName,
      password,
      roles,
      grids: gridCodes,
    },
    { userId: null, name: 'system' },
  );
  return { ...user, password };
}

export interface PersonOverrides {
  name?: string;
  gridCode: string;
  idNumber?: string | null;
  phone?: string | null;
  gender?: 'male' | 'female';
  birthDate?: string;
  politicalStatus?: string;
  tags?: string[];
  /** Special-group keys the person belongs to from today on. */
  specialGroups?: string[];
}

let personSequence = 0;

/**
 * A person written straight to the tables (ID number and phone encrypted as the service does), bypassing the
 * API's validation: for tests that need residents to exist. Tests of the person rules go through the API.
 */
export async function buildPerson(services: Services, overrides: PersonOverrides) {
  const { db } = services.database;
  personSequence += 1;
  const [grid] = await db.select().from(grids).where(eq(grids.code, overrides.gridCode));
  if (!grid) throw new Error(`no grid ${overrides.gridCode}`);
  const birthDate = overrides.birthDate ?? '1980-01-01';
  const idNumber =
    overrides.idNumber === undefined
      ? makeIdNumber('310113', birthDate, (personSequence * 2 + 1) % 1000)
      : overrides.idNumber;
  const phone =
    overrides.phone === undefined ? `139${String(personSequence).padStart(8, '0')}` : overrides.phone;
  const id = idNumber ? services.people.protect('id_number', idNumber) : null;
  const mobile = phone ? services.people.protect('phone', phone) : null;
  const [row] = await db
    .insert(persons)
    .values({
      name: overrides.name ?? `测试居民${personSequence}`,
      gender: overrides.gender ?? 'male',
      birthDate,
      idNumberCipher: id?.cipher ?? null,
      idNumberHash: id?.hash ?? null,
      phoneCipher: mobile?.cipher ?? null,
      phoneHash: mobile?.hash ?? null,
      politicalStatus: overrides.politicalStatus ?? 'masses',
      tags: overrides.tags ?? [],
      gridId: grid.id,
    })
    .returning();
  for (const group of overrides.specialGroups ?? []) {
    await db.insert(specialGroupMembers).values({ personId: row!.id, groupKey: group });
  }
  return { ...row!, idNumber, phone };
}

export interface CategoryOverrides {
  /** A minor code (4 digits) makes its major (first 2 digits) too when missing. */
  code?: string;
  nameZh?: string;
  active?: boolean;
  filingStandards?: { zh: string; en: string }[];
  closingStandards?: { zh: string; en: string }[];
}

/** A minor class (and its major); over a seeded row of the same code, the settings given replace the seeded ones. */
export async function buildCategory(services: Services, overrides: CategoryOverrides = {}) {
  const { db } = services.database;
  const code = overrides.code ?? '0101';
  const major = code.slice(0, 2);
  // standards left out keep what the seeded catalogue has for that code
  const filing = overrides.filingStandards ? JSON.stringify(overrides.filingStandards) : null;
  const closing = overrides.closingStandards ? JSON.stringify(overrides.closingStandards) : null;
  await db.execute(sql`
    insert into event_categories (code, parent_code, level, name_zh, name_en)
    values (${major}, null, 1, ${`大类${major}`}, ${`Major ${major}`}) on conflict (code) do nothing`);
  await db.execute(sql`
    insert into event_categories (code, parent_code, level, name_zh, name_en, active, filing_standards,
      closing_standards)
    values (${code}, ${major}, 2, ${overrides.nameZh ?? `小类${code}`}, ${`Minor ${code}`},
      ${overrides.active ?? true}, coalesce(${filing}::jsonb, '[]'::jsonb), coalesce(${closing}::jsonb, '[]'::jsonb))
    on conflict (code) do update set name_zh = coalesce(${overrides.nameZh ?? null}, event_categories.name_zh),
      active = excluded.active,
      filing_standards = coalesce(${filing}::jsonb, event_categories.filing_standards),
      closing_standards = coalesce(${closing}::jsonb, event_categories.closing_standards)`);
  return { code };
}

/** A department (organisation of kind department) in a grid, with these users linked to it (department_users). */
export async function buildDepartment(
  services: Services,
  options: { gridCode: string; name?: string; userIds?: number[] },
) {
  const { db } = services.database;
  const [grid] = await db.select().from(grids).where(eq(grids.code, options.gridCode));
  if (!grid) throw new Error(`no grid ${options.gridCode}`);
  const [row] = rowsOfAny<{ id: number }>(
    await db.execute(sql`
      insert into organisations (name, kind, grid_id) values (${options.name ?? '城管执法中队'}, 'department', ${grid.id})
      returning id`),
  );
  for (const userId of options.userIds ?? []) {
    await db.execute(
      sql`insert into department_users (user_id, organisation_id) values (${userId}, ${row!.id})`,
    );
  }
  return { id: row!.id };
}

function rowsOfAny<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
