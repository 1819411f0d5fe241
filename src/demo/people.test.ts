import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../core/db.js';
import { inspectIdNumber } from '../people/identity.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import { demoAccounts } from './accounts.js';
import { DEMO_DEPARTMENTS } from './duties.js';
import { generateDemoPeople } from './people.js';
import { seedDemo } from './seed.js';
import { generateDemoStreet } from './street.js';

const street = generateDemoStreet();
const accounts = demoAccounts(street.collection);
const people = generateDemoPeople(street, accounts);

describe('the demo residents (generated)', () => {
  it('is the same on every run', () => {
    const again = generateDemoPeople(generateDemoStreet(), accounts);
    expect(again.persons.slice(0, 50)).toEqual(people.persons.slice(0, 50));
    expect(again.persons.length).toBe(people.persons.length);
  });

  it('has about 20,000 residents with valid, unique Baoshan ID numbers', () => {
    expect(people.persons.length).toBeGreaterThan(18_000);
    expect(people.persons.length).toBeLessThan(25_000);
    expect(new Set(people.persons.map((person) => person.idNumber)).size).toBe(people.persons.length);
    for (const person of people.persons) {
      const inspected = inspectIdNumber(person.idNumber);
      expect(inspected.ok, person.idNumber).toBe(true);
      expect(person.idNumber.startsWith('310113')).toBe(true);
      if (inspected.ok)
        expect(inspected.facts).toEqual({ birthDate: person.birthDate, gender: person.gender });
      if (person.phone) expect(person.phone).toMatch(/^1[3-9]\d{9}$/);
    }
  });

  it('has a realistic share of special groups', () => {
    const share = (group: string) =>
      people.persons.filter((person) => person.specialGroups.includes(group)).length / people.persons.length;
    expect(share('elderly_alone')).toBeGreaterThan(0.01);
    expect(share('elderly_alone')).toBeLessThan(0.06);
    expect(share('disabled')).toBeGreaterThan(0.01);
    expect(share('disabled')).toBeLessThan(0.03);
    expect(share('child_in_difficulty')).toBeGreaterThan(0);
    expect(share('child_in_difficulty')).toBeLessThan(0.005);
  });

  it('gives every micro-grid a leader and a dedicated worker, and every area and community a leader', () => {
    const held = (kind: string) =>
      new Set(people.positions.filter((p) => p.kind === kind && !p.to).map((p) => p.gridCode));
    const codes = (level: string) =>
      street.collection.features.filter((f) => f.properties.level === level).map((f) => f.properties.code);
    for (const code of codes('microGrid')) {
      expect(held('grid_leader').has(code), code).toBe(true);
      expect(held('grid_worker_dedicated').has(code), code).toBe(true);
    }
    for (const code of [...codes('area'), ...codes('community'), ...codes('street')]) {
      expect(held('grid_leader').has(code), code).toBe(true);
    }
    expect(people.positions.filter((p) => p.kind === 'building_leader').length).toBeGreaterThan(100);
  });
});

describe('the demo residents (seeded)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await seedDemo(t.services, { password: 'demo-pass-123' });
  });
  afterAll(async () => t.close());

  it('links the demo accounts to their persons and positions', async () => {
    const rows = rowsOf<{ username: string; name: string }>(
      await t.database.db.execute(sql`select u.username, p.name from person_users l
        join users u on u.id = l.user_id join persons p on p.id = l.person_id order by u.username`),
    );
    expect(rows).toContainEqual({ username: 'worker1', name: '刘洋' });
    expect(rows).toContainEqual({ username: 'leader1', name: '周敏' });
    const worker = accounts.find((account) => account.username === 'worker1')!;
    const headers = await login(t.app, 'worker1', 'demo-pass-123');
    const positions = await t.app.inject({ url: `/api/grids/${worker.grids[0]}/positions`, headers });
    expect(positions.json<{ items: { kind: string; holder: { name: string } }[] }>().items).toContainEqual(
      expect.objectContaining({
        kind: 'grid_worker_dedicated',
        holder: expect.objectContaining({ name: '刘洋' }),
      }),
    );
  });

  it('answers the street portrait with the generated numbers and no vacant micro-grid', async () => {
    const headers = await login(t.app, 'centre', 'demo-pass-123');
    const response = await t.app.inject({ url: '/api/grids/310113003/portrait', headers });
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      population: number;
      households: number;
      positions: { microGrids: number; microGridsWithoutLeader: number };
      organisations: { total: number };
    }>();
    expect(body.population).toBe(people.persons.length);
    expect(body.households).toBe(people.households.length);
    // the street's departments (src/demo/duties.ts) are organisations of the street too
    expect(body.organisations.total).toBe(people.organisations.length + DEMO_DEPARTMENTS.length);
    expect(body.positions).toMatchObject({ microGrids: 201, microGridsWithoutLeader: 0 });
  });
});
