import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../core/audit.js';
import { rowsOf } from '../core/db.js';
import { pointInGeometry } from '../grids/geometry.js';
import { buildTestApp, type TestApp } from '../../test/helpers.js';
import { demoAccounts } from './accounts.js';
import { DEMO_DEPARTMENTS, generateDemoDuties, seedDemoDuties } from './duties.js';
import { DEMO_SEED, DEMO_STREET, generateDemoStreet } from './street.js';

const street = generateDemoStreet(DEMO_SEED);
const AGREED_MAJORS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14'];

describe('the demo responsibility lists and key areas', () => {
  const { matters, keyAreas } = generateDemoDuties(street);
  const byCode = new Map(street.collection.features.map((feature) => [feature.properties.code, feature]));

  it('give every agreed major class a lead for the whole street, and nothing twice at one specificity', () => {
    const streetLeads = matters.filter(
      (matter) => matter.gridCode === DEMO_STREET.code && matter.role === 'lead',
    );
    expect(
      streetLeads
        .map((matter) => matter.categoryCode)
        .filter((code) => code.length === 2)
        .sort(),
    ).toEqual(AGREED_MAJORS);
    const leadKeys = matters
      .filter((matter) => matter.role === 'lead')
      .map((matter) => `${matter.gridCode}/${matter.categoryCode}`);
    expect(new Set(leadKeys).size).toBe(leadKeys.length);
    expect(matters.some((matter) => matter.kind === 'grid')).toBe(true);
    expect(matters.some((matter) => matter.gridCode !== DEMO_STREET.code)).toBe(true);
    const departmentKeys = new Set(DEMO_DEPARTMENTS.map((department) => department.key));
    for (const matter of matters) {
      if (matter.department !== null) expect(departmentKeys.has(matter.department)).toBe(true);
      expect(byCode.has(matter.gridCode)).toBe(true);
    }
  });

  it('place 10 to 20 key areas inside their micro-grids, the same on every run', () => {
    expect(keyAreas.length).toBeGreaterThanOrEqual(10);
    expect(keyAreas.length).toBeLessThanOrEqual(20);
    for (const area of keyAreas) {
      const grid = byCode.get(area.gridCode)!;
      expect(pointInGeometry(grid.geometry!, area.point[0], area.point[1]), area.name).toBe(-1);
    }
    expect(generateDemoDuties(generateDemoStreet(DEMO_SEED))).toEqual({ matters, keyAreas });
  });

  describe('seeded', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp();
      await t.services.grids.importFeatures(street.collection, systemActor);
      for (const account of demoAccounts(street.collection).filter((one) =>
        one.username.startsWith('dept-'),
      )) {
        await t.services.accounts.createUser({ ...account, password: 'demo-pass-123' }, systemActor);
      }
    });
    afterAll(async () => t.close());

    it('links the department accounts, routes from the lists, and is written once', async () => {
      const accounts = demoAccounts(street.collection);
      expect((await seedDemoDuties(t.services, street, accounts)).created).toBe(true);
      const [fireUser] = rowsOf<{ id: number }>(
        await t.database.db.execute(sql`select id from users where username = 'dept-fire'`),
      );
      expect(await t.services.duties.departmentOf(fireUser!.id)).toMatchObject({ name: '消防救援站' });

      const market = keyAreas.find((area) => area.kind === 'market')!;
      const inMarket = await t.services.duties.suggest({
        categoryCode: '01',
        lng: market.point[0],
        lat: market.point[1],
      });
      expect(inMarket.department?.name).toBe('市场监管所');
      expect(inMarket.handlingGrid).toBe(market.gridCode);
      const flood = keyAreas.find((area) => area.kind === 'flood_prone')!;
      const fireLane = await t.services.duties.suggest({
        categoryCode: '0701',
        lng: flood.point[0],
        lat: flood.point[1],
      });
      expect(fireLane.department?.name).toBe('消防救援站');
      expect(fireLane.cooperating.map((party) => party.name)).toEqual(['城管执法中队', '房管办']);

      const counts = async () =>
        rowsOf<{ matters: number; areas: number; departments: number }>(
          await t.database.db.execute(sql`select (select count(*)::int from duty_matters) as matters,
            (select count(*)::int from key_areas) as areas,
            (select count(*)::int from organisations where kind = 'department') as departments`),
        )[0]!;
      const before = await counts();
      expect(before).toEqual({
        matters: matters.length,
        areas: keyAreas.length,
        departments: DEMO_DEPARTMENTS.length,
      });
      expect((await seedDemoDuties(t.services, street, accounts)).created).toBe(false);
      expect(await counts()).toEqual(before);
    });
  });
});
