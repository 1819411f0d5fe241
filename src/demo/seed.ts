/**
 * Seeds the demo street on first start: the grid tree, its buildings and units, and the demo accounts.
 *
 * Every step can be repeated: the grid import reports unchanged grids, buildings and units are inserted with
 * "on conflict do nothing", accounts that exist are skipped. The marker row `demo.seeded` in `settings` is
 * written last, so a start that crashed midway is finished by the next one, and a finished seed is never redone
 * (an administrator who deletes demo data does not get it back on restart).
 */
import { eq, inArray } from 'drizzle-orm';
import type { Services } from '../app.js';
import type { NewUser } from '../accounts/service.js';
import { users } from '../accounts/tables.js';
import type { Actor } from '../core/audit.js';
import type { Executor } from '../core/db.js';
import { settings } from '../core/settings.js';
import { buildingUnits, buildings } from '../grids/tables.js';
import { demoAccounts, type DemoAccount } from './accounts.js';
import { seedDemoParty } from './party.js';
import { seedDemoPeople } from './people.js';
import { seedDemoDuties } from './duties.js';
import { DEMO_SEED, generateDemoStreet, type DemoBuilding } from './street.js';

export const DEMO_MARKER = 'demo.seeded';

const demoActor: Actor = { userId: null, name: 'demo' };

/** Households per unit and floor: the two-flats-a-landing (一梯两户) of most Shanghai blocks. */
const HOUSEHOLDS_PER_FLOOR = 2;
const BATCH = 500;

export type SeedStage = 'grids' | 'buildings' | 'accounts' | 'people' | 'done';

export async function seedDemo(
  services: Services,
  options: { password: string; onProgress?: (stage: SeedStage) => void },
): Promise<{ created: boolean; accounts: DemoAccount[] }> {
  const { db } = services.database;
  const street = generateDemoStreet(DEMO_SEED);
  const { collection, buildings: demoBuildings } = street;
  const accounts = demoAccounts(collection);
  const marker = await db.select({ key: settings.key }).from(settings).where(eq(settings.key, DEMO_MARKER));
  if (marker.length > 0) return { created: false, accounts };

  options.onProgress?.('grids');
  await services.grids.importFeatures(collection, demoActor);

  options.onProgress?.('buildings');
  const microGridCodes = [...new Set(demoBuildings.map((building) => building.gridCode))];
  const gridIds = await services.grids.resolveCodes(microGridCodes);
  const missing = microGridCodes.filter((code) => !gridIds.has(code));
  if (missing.length > 0)
    throw new Error(`demo seed: micro-grids missing after the import: ${missing.slice(0, 5).join(', ')}`);
  await db.transaction(async (tx) => {
    await insertBuildings(tx, demoBuildings, (code) => gridIds.get(code)!.id);
  });

  options.onProgress?.('accounts');
  const existing = await existingUsernames(
    db,
    accounts.map((account) => account.username),
  );
  for (const account of accounts) {
    if (existing.has(account.username)) continue;
    const input: NewUser = {
      username: account.username,
      displayName: account.displayName,
      password: options.password,
      roles: account.roles,
      grids: account.grids,
    };
    try {
      await services.accounts.createUser(input, demoActor);
    } catch (error) {
      // another server starting at the same moment may have created it; anything else is a real failure
      if (!(await existingUsernames(db, [account.username])).has(account.username)) throw error;
    }
  }

  // residents, businesses and positions; after the accounts, which some positions and persons are linked to
  options.onProgress?.('people');
  await seedDemoPeople(services, street, accounts);
  // departments, responsibility lists and key areas; after the people, whose micro-grid leaders answer for areas
  await seedDemoDuties(services, street, accounts);
  // party organisations, forces and co-building units, derived from the residents and positions just written
  await seedDemoParty(services);

  await db
    .insert(settings)
    .values({
      key: DEMO_MARKER,
      value: {
        seed: DEMO_SEED,
        grids: collection.features.length,
        buildings: demoBuildings.length,
        accounts: accounts.map((account) => account.username),
      },
      updatedAt: services.clock.now(),
    })
    .onConflictDoNothing({ target: settings.key });
  options.onProgress?.('done');
  return { created: true, accounts };
}

async function insertBuildings(
  tx: Executor,
  demoBuildings: DemoBuilding[],
  gridIdOf: (code: string) => number,
): Promise<void> {
  for (let i = 0; i < demoBuildings.length; i += BATCH) {
    const batch = demoBuildings.slice(i, i + BATCH);
    await tx
      .insert(buildings)
      .values(
        batch.map((building) => ({
          gridId: gridIdOf(building.gridCode),
          code: building.code,
          name: building.name,
          address: building.address,
          lng: building.lng,
          lat: building.lat,
          floors: building.floors,
        })),
      )
      .onConflictDoNothing({ target: buildings.code });
    const rows = await tx
      .select({ id: buildings.id, code: buildings.code })
      .from(buildings)
      .where(
        inArray(
          buildings.code,
          batch.map((building) => building.code),
        ),
      );
    const idOf = new Map(rows.map((row) => [row.code, row.id]));
    const units = batch.flatMap((building) =>
      building.units.map((name) => ({
        buildingId: idOf.get(building.code)!,
        name,
        floors: building.floors,
        households: building.floors * HOUSEHOLDS_PER_FLOOR,
      })),
    );
    for (let j = 0; j < units.length; j += BATCH) {
      await tx
        .insert(buildingUnits)
        .values(units.slice(j, j + BATCH))
        .onConflictDoNothing({ target: [buildingUnits.buildingId, buildingUnits.name] });
    }
  }
}

/** Usernames that already have an account (a read of the accounts table: the service has no lookup by name yet). */
async function existingUsernames(executor: Executor, usernames: string[]): Promise<Set<string>> {
  if (usernames.length === 0) return new Set();
  const rows = await executor
    .select({ username: users.username })
    .from(users)
    .where(inArray(users.username, usernames));
  return new Set(rows.map((row) => row.username));
}
