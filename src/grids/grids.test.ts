import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../core/audit.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import {
  A11,
  A12,
  D,
  M111,
  M112,
  M21,
  PASSWORD,
  S1,
  S2,
  createRoleUsers,
  feature,
  importSmallMap,
  rect,
  smallMap,
} from '../../test/grid-fixtures.js';

interface Problem {
  status: number;
  code: string;
  zh: string;
  en: string;
  errors?: { field: string; zh: string; en: string; grids?: string[] }[];
}

async function counts(t: TestApp) {
  const [row] = rowsOf<{ grids: number; boundaries: number; audit: number; revision: number }>(
    await t.database.db.execute(sql`select
      (select count(*)::int from grids) as grids,
      (select count(*)::int from grid_boundaries) as boundaries,
      (select count(*)::int from audit_log) as audit,
      (select coalesce(max(revision), 0)::int from grids) as revision`),
  );
  return row!;
}

describe('the grid map through the API', () => {
  let t: TestApp;
  let admin: { authorization: string };

  beforeAll(async () => {
    t = await buildTestApp();
    await createRoleUsers(t.services, (user) => user.username === 'admin');
    admin = await login(t.app, 'admin', PASSWORD);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/grids/import',
      headers: admin,
      payload: { type: 'FeatureCollection', features: smallMap() },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ created: 8, updated: 0, unchanged: 0 });
    await createRoleUsers(t.services, (user) => user.username !== 'admin');
  });
  afterAll(async () => t.close());

  describe('the tree', () => {
    it('lists the top grids, then the children of a grid with counts, paginated', async () => {
      const top = await t.app.inject({ url: '/api/grids', headers: admin });
      expect(top.json()).toMatchObject({
        total: 1,
        items: [{ code: D, childCount: 2, depth: 0, level: 'district' }],
      });
      const children = await t.app.inject({ url: `/api/grids?parent=${S1}`, headers: admin });
      expect(children.statusCode).toBe(200);
      const body = children.json<{
        items: { code: string; parentCode: string; levelName: { zh: string } }[];
        total: number;
      }>();
      expect(body.total).toBe(2);
      expect(body.items.map((item) => item.code)).toEqual([A11, A12]);
      expect(body.items[0]).toMatchObject({ parentCode: S1, levelName: { zh: '片区' }, hasBoundary: true });
      const paged = await t.app.inject({ url: `/api/grids?parent=${S1}&page=2&pageSize=1`, headers: admin });
      expect(paged.json()).toMatchObject({ total: 2, items: [{ code: A12 }] });
    });

    it('gives a grid with its ancestors and keeps depth and path right at any depth', async () => {
      const response = await t.app.inject({ url: `/api/grids/${M112}`, headers: admin });
      expect(response.statusCode).toBe(200);
      const body = response.json<{
        ancestors: { code: string }[];
        depth: number;
        boundary: { validFrom: string };
      }>();
      expect(body.ancestors.map((a) => a.code)).toEqual([D, S1, A11]);
      expect(body.depth).toBe(3);
      expect(body.boundary.validFrom).toMatch(/^\d{4}-/);
    });

    it('creates a grid one level down, and refuses a level above its parent', async () => {
      const ok = await t.app.inject({
        method: 'POST',
        url: '/api/grids',
        headers: admin,
        payload: {
          code: `${A12}001`,
          name: '东片区一号单元',
          level: 'community',
          parentCode: A12,
          geometry: rect(121.45, 31.3, 121.5, 31.32),
        },
      });
      expect(ok.statusCode, ok.body).toBe(201);
      expect(ok.json()).toMatchObject({ code: `${A12}001`, depth: 3, parentCode: A12, hasBoundary: true });
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/grids',
        headers: admin,
        payload: { code: `${A12}002`, name: 'x', level: 'street', parentCode: A12 },
      });
      expect(bad.statusCode).toBe(422);
      expect(bad.json<Problem>().errors?.[0]).toMatchObject({
        field: '/features/0/properties/level',
        grids: [`${A12}002`, A12],
      });
      const duplicate = await t.app.inject({
        method: 'POST',
        url: '/api/grids',
        headers: admin,
        payload: { code: `${A12}001`, name: 'again', level: 'community', parentCode: A12 },
      });
      expect(duplicate.statusCode).toBe(409);
    });
  });

  describe('validation names the offending grids and writes nothing', () => {
    const cases: {
      name: string;
      features: ReturnType<typeof smallMap>;
      field: string;
      grids: string[];
      zh: RegExp;
    }[] = [
      {
        name: 'a self-intersecting polygon',
        features: [
          feature(`${A12}010`, 'community', A12, {
            type: 'Polygon',
            coordinates: [
              [
                [121.46, 31.36],
                [121.48, 31.38],
                [121.48, 31.36],
                [121.46, 31.38],
                [121.46, 31.36],
              ],
            ],
          }),
        ],
        field: '/features/0/geometry',
        grids: [`${A12}010`],
        zh: /边界无效/,
      },
      {
        name: 'an open ring',
        features: [
          feature(`${A12}011`, 'community', A12, {
            type: 'Polygon',
            coordinates: [
              [
                [121.46, 31.36],
                [121.48, 31.36],
                [121.48, 31.38],
                [121.46, 31.38],
              ],
            ],
          }),
        ],
        field: '/features/0/geometry',
        grids: [`${A12}011`],
        zh: /边界无效/,
      },
      {
        name: 'a child outside its parent',
        features: [feature(`${A12}012`, 'community', A12, rect(121.49, 31.36, 121.52, 31.38))],
        field: '/features/0/geometry',
        grids: [`${A12}012`, A12],
        zh: /超出上级网格/,
      },
      {
        name: 'siblings overlapping beyond the tolerance',
        features: [feature(M112, 'microGrid', A11, rect(121.4, 31.34, 121.45, 31.4))],
        field: '/features/0/geometry',
        grids: [M111, M112],
        zh: /重叠/,
      },
      {
        name: 'a missing parent',
        features: [feature(`${A12}013`, 'community', `${A12}999`, null)],
        field: '/features/0/properties/parentCode',
        grids: [`${A12}013`, `${A12}999`],
        zh: /不存在/,
      },
      {
        name: 'a code that does not extend its parent code (GB/T 30428.1)',
        features: [feature('999999999999999', 'community', A12, null)],
        field: '/features/0/properties/code',
        grids: ['999999999999999'],
        zh: /GB\/T 30428/,
      },
      {
        name: 'a parent cycle inside the file',
        features: [feature('X1', 'area', 'X2', null), feature('X2', 'area', 'X1', null)],
        field: '/features/0/properties/parentCode',
        grids: ['X1'],
        zh: /环/,
      },
    ];
    for (const testCase of cases) {
      it(`refuses ${testCase.name}`, async () => {
        const before = await counts(t);
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/grids/import',
          headers: admin,
          payload: {
            type: 'FeatureCollection',
            features: [
              ...testCase.features,
              feature(`${A12}050`, 'community', A12, rect(121.45, 31.38, 121.46, 31.39)),
            ],
          },
        });
        expect(response.statusCode, response.body).toBe(422);
        expect(response.headers['content-type']).toContain('application/problem+json');
        const problem = response.json<Problem>();
        expect(problem.code).toBe('invalid_grids');
        const match = problem.errors?.find((error) => error.field === testCase.field);
        expect(match, JSON.stringify(problem.errors)).toBeDefined();
        expect(match!.grids).toEqual(expect.arrayContaining(testCase.grids));
        expect(match!.zh).toMatch(testCase.zh);
        expect(match!.en.length).toBeGreaterThan(5);
        // the valid feature beside the bad one was not written either
        expect(await counts(t)).toEqual(before);
      });
    }

    it('accepts a sliver overlap below the tolerance (10 m²)', async () => {
      // a notch of 0.00001° × 0.00001° ≈ 1 m² poking into the southern sibling
      const geometry = {
        type: 'Polygon' as const,
        coordinates: [
          [
            [121.4, 31.35 - 0.00001],
            [121.40001, 31.35 - 0.00001],
            [121.40001, 31.35],
            [121.45, 31.35],
            [121.45, 31.4],
            [121.4, 31.4],
            [121.4, 31.35 - 0.00001],
          ],
        ],
      };
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/grids/import',
        headers: admin,
        payload: {
          type: 'FeatureCollection',
          features: [{ ...feature(M112, 'microGrid', A11, null), geometry }],
        },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ created: 0, updated: 1, unchanged: 0 });
      // ten times as deep (≈ 11 m²) is beyond the tolerance
      const deeper = structuredClone(geometry);
      deeper.coordinates[0]![0]![1] = 31.35 - 0.0001;
      deeper.coordinates[0]![1]![1] = 31.35 - 0.0001;
      deeper.coordinates[0]![6]![1] = 31.35 - 0.0001;
      const refused = await t.app.inject({
        method: 'POST',
        url: '/api/grids/import',
        headers: admin,
        payload: {
          type: 'FeatureCollection',
          features: [{ ...feature(M112, 'microGrid', A11, null), geometry: deeper }],
        },
      });
      expect(refused.statusCode, refused.body).toBe(422);
      // put it back
      await t.app.inject({
        method: 'POST',
        url: '/api/grids/import',
        headers: admin,
        payload: {
          type: 'FeatureCollection',
          features: [feature(M112, 'microGrid', A11, rect(121.4, 31.35, 121.45, 31.4))],
        },
      });
    });

    it('lists every problem of a bad request body, field by field', async () => {
      const before = await counts(t);
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/grids',
        headers: admin,
        payload: { code: 'bad code!', level: { deep: 1 }, parentCode: A12, extra: true },
      });
      expect(response.statusCode).toBe(400);
      const fields = response.json<Problem>().errors!.map((error) => error.field);
      expect(fields, JSON.stringify(response.json())).toEqual(
        expect.arrayContaining(['/body/code', '/body/name', '/body/level', '/body/extra']),
      );
      expect(await counts(t)).toEqual(before);
    });
  });

  describe('locate', () => {
    const locate = async (lng: number, lat: number) => {
      const response = await t.app.inject({ url: `/api/grids/locate?lng=${lng}&lat=${lat}` });
      expect(response.statusCode).toBe(200);
      return response
        .json<{ grids: { code: string; name: string; level: string }[] }>()
        .grids.map((g) => g.code);
    };

    it('answers the chain from the top level down, at every level', async () => {
      expect(await locate(121.42, 31.32)).toEqual([D, S1, A11, M111]);
      expect(await locate(121.42, 31.38)).toEqual([D, S1, A11, M112]);
      expect(await locate(121.47, 31.38)).toEqual([D, S1, A12]);
      expect(await locate(121.52, 31.32)).toEqual([D, S2, M21]);
      expect(await locate(121.58, 31.38)).toEqual([D, S2]);
      expect(await locate(121.5, 31.45)).toEqual([D]);
    });

    it('resolves points on shared edges and vertices to exactly one grid, the same every time', async () => {
      // the edge between the two areas: the smaller code wins, and the chain stays consistent
      expect(await locate(121.45, 31.32)).toEqual([D, S1, A11, M111]);
      // the edge between the two streets
      expect(await locate(121.5, 31.37)).toEqual([D, S1, A12]);
      // a vertex shared by M111, M112 and A12
      expect(await locate(121.45, 31.35)).toEqual([D, S1, A11, M111]);
      // the edge between the two micro-grids
      expect(await locate(121.42, 31.35)).toEqual([D, S1, A11, M111]);
      for (let i = 0; i < 5; i++) expect(await locate(121.45, 31.35)).toEqual([D, S1, A11, M111]);
    });

    it('gives an empty chain outside every grid', async () => {
      expect(await locate(120, 30)).toEqual([]);
      expect(await locate(121.61, 31.35)).toEqual([]);
    });

    it('locates a batch in the same order and refuses more than 10,000 points', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/grids/locate',
        payload: {
          points: [
            [121.42, 31.32],
            [120, 30],
            [121.52, 31.32],
          ],
        },
      });
      expect(response.statusCode).toBe(200);
      const results = response.json<{ results: { grids: { code: string }[] }[] }>().results;
      expect(results.map((r) => r.grids.at(-1)?.code ?? null)).toEqual([M111, null, M21]);
      const tooMany = await t.app.inject({
        method: 'POST',
        url: '/api/grids/locate',
        payload: { points: Array.from({ length: 10_001 }, () => [121.42, 31.32]) },
      });
      expect(tooMany.statusCode).toBe(400);
    });

    it('refuses coordinates that are not coordinates', async () => {
      for (const query of ['lng=abc&lat=31', 'lng=121', 'lng=200&lat=31', 'lng=121&lat=-91']) {
        const response = await t.app.inject({ url: `/api/grids/locate?${query}` });
        expect(response.statusCode, query).toBe(400);
        expect(response.json<Problem>().code).toBe('invalid');
      }
      const badBatch = await t.app.inject({
        method: 'POST',
        url: '/api/grids/locate',
        payload: { points: [[121.4]] },
      });
      expect(badBatch.statusCode).toBe(400);
    });
  });

  describe('boundary history', () => {
    it('keeps the old boundary with its end date and locates with the new one', async () => {
      const before = await t.app.inject({ url: `/api/grids/${M21}/boundaries`, headers: admin });
      expect(before.json<{ items: unknown[] }>().items).toHaveLength(1);
      const response = await t.app.inject({
        method: 'PUT',
        url: `/api/grids/${M21}/boundary`,
        headers: admin,
        payload: { geometry: rect(121.5, 31.3, 121.56, 31.35), validFrom: '2026-12-01T00:00:00+08:00' },
      });
      expect(response.statusCode, response.body).toBe(200);
      const history = (await t.app.inject({ url: `/api/grids/${M21}/boundaries`, headers: admin })).json<{
        items: { validFrom: string; validTo: string | null; areaSquareMetres: number }[];
      }>().items;
      expect(history).toHaveLength(2);
      expect(history[0]!.validTo).toBe('2026-11-30T16:00:00.000Z');
      expect(history[1]!.validTo).toBeNull();
      expect(history[1]!.areaSquareMetres).toBeGreaterThan(history[0]!.areaSquareMetres);
      const located = await t.app.inject({ url: '/api/grids/locate?lng=121.555&lat=31.32' });
      expect(located.json<{ grids: { code: string }[] }>().grids.map((g) => g.code)).toEqual([D, S2, M21]);
    });
  });

  describe('export and import', () => {
    it('round-trips: the export imports into an empty map and exports the same; a re-import changes nothing', async () => {
      const exported = await t.app.inject({ url: '/api/grids/export?format=geojson', headers: admin });
      expect(exported.statusCode).toBe(200);
      expect(exported.headers['content-type']).toContain('application/geo+json');
      const collection = exported.json<{
        type: string;
        features: { properties: Record<string, unknown> }[];
      }>();
      expect(collection.type).toBe('FeatureCollection');
      const first = collection.features.find((f) => f.properties.code === M111)!;
      expect(first.properties).toMatchObject({ code: M111, level: 'microGrid', depth: 3, parentCode: A11 });

      const before = await counts(t);
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/grids/import',
        headers: admin,
        payload: collection,
      });
      expect(again.json()).toEqual({ created: 0, updated: 0, unchanged: collection.features.length });
      expect(await counts(t)).toEqual(before);

      const other = await buildTestApp();
      try {
        await createRoleUsers(other.services, (user) => user.username === 'admin');
        const otherAdmin = await login(other.app, 'admin', PASSWORD);
        const imported = await other.app.inject({
          method: 'POST',
          url: '/api/grids/import',
          headers: otherAdmin,
          payload: collection,
        });
        expect(imported.json()).toEqual({ created: collection.features.length, updated: 0, unchanged: 0 });
        const reexported = await other.app.inject({
          url: '/api/grids/export?format=geojson',
          headers: otherAdmin,
        });
        expect(reexported.json()).toEqual(collection);
      } finally {
        await other.close();
      }
    });

    it('refuses an export in another format and a body that is not a FeatureCollection', async () => {
      expect((await t.app.inject({ url: '/api/grids/export?format=kml', headers: admin })).statusCode).toBe(
        400,
      );
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/grids/import',
        headers: admin,
        payload: { type: 'Feature' },
      });
      expect(bad.statusCode).toBe(400);
    });
  });

  describe('buildings', () => {
    it('adds a building with units inside a grid and refuses one outside it', async () => {
      const ok = await t.app.inject({
        method: 'POST',
        url: `/api/grids/${M111}/buildings`,
        headers: admin,
        payload: {
          code: 'B-1',
          name: '1号楼',
          lng: 121.42,
          lat: 31.32,
          floors: 6,
          units: ['1单元', '2单元'],
        },
      });
      expect(ok.statusCode, ok.body).toBe(201);
      const list = await t.app.inject({ url: `/api/grids/${M111}/buildings`, headers: admin });
      expect(list.json()).toMatchObject({
        items: [{ code: 'B-1', units: ['1单元', '2单元'], gridCode: M111 }],
      });
      const outside = await t.app.inject({
        method: 'POST',
        url: `/api/grids/${M111}/buildings`,
        headers: admin,
        payload: { code: 'B-2', name: '2号楼', lng: 121.48, lat: 31.32 },
      });
      expect(outside.statusCode).toBe(422);
    });
  });

  describe('data scope and roles', () => {
    const as = async (username: string) => login(t.app, username, PASSWORD);

    it('a worker of micro-grid A cannot read micro-grid B, its parent or its list', async () => {
      const worker = await as('worker111');
      expect((await t.app.inject({ url: `/api/grids/${M111}`, headers: worker })).statusCode).toBe(200);
      for (const url of [
        `/api/grids/${M112}`,
        `/api/grids/${A11}`,
        `/api/grids?parent=${A11}`,
        `/api/grids/${M112}/buildings`,
        `/api/grids/export?format=geojson&root=${S1}`,
      ]) {
        const response = await t.app.inject({ url, headers: worker });
        expect([403, 404], url).toContain(response.statusCode);
      }
      const top = await t.app.inject({ url: '/api/grids', headers: worker });
      expect(top.json()).toMatchObject({ total: 1, items: [{ code: M111 }] });
      const exported = await t.app.inject({ url: '/api/grids/export?format=geojson', headers: worker });
      expect(
        exported
          .json<{ features: { properties: { code: string } }[] }>()
          .features.map((f) => f.properties.code),
      ).toEqual([M111]);
    });

    it('a command centre sees its street and not the neighbouring one', async () => {
      const centre = await as('centre1');
      expect((await t.app.inject({ url: `/api/grids/${M112}`, headers: centre })).statusCode).toBe(200);
      expect((await t.app.inject({ url: `/api/grids/${S2}`, headers: centre })).statusCode).toBe(404);
      expect((await t.app.inject({ url: `/api/grids/${M21}`, headers: centre })).statusCode).toBe(404);
      expect((await t.app.inject({ url: `/api/grids/${D}`, headers: centre })).statusCode).toBe(404);
    });

    it('every role reads only inside its grids and writes only where its role allows', async () => {
      const expectations: { user: string; read: string[]; hidden: string[]; canWriteInside: boolean }[] = [
        { user: 'district', read: [D, S2, M111], hidden: [], canWriteInside: true },
        { user: 'centre1', read: [S1, M111], hidden: [S2, D], canWriteInside: true },
        { user: 'area11', read: [A11, M112], hidden: [A12, S1], canWriteInside: false },
        { user: 'leader11', read: [A11, M111], hidden: [A12, M21], canWriteInside: false },
        { user: 'worker111', read: [M111], hidden: [M112, A11], canWriteInside: false },
        { user: 'dept1', read: [S1], hidden: [S2], canWriteInside: false },
      ];
      for (const expectation of expectations) {
        const headers = await as(expectation.user);
        for (const code of expectation.read) {
          expect(
            (await t.app.inject({ url: `/api/grids/${code}`, headers })).statusCode,
            `${expectation.user} reads ${code}`,
          ).toBe(200);
        }
        for (const code of expectation.hidden) {
          expect([403, 404], `${expectation.user} must not read ${code}`).toContain(
            (await t.app.inject({ url: `/api/grids/${code}`, headers })).statusCode,
          );
        }
        const inside = expectation.read.at(-1)!;
        const rename = await t.app.inject({
          method: 'PATCH',
          url: `/api/grids/${inside}`,
          headers,
          payload: { name: `${inside}-renamed` },
        });
        expect(rename.statusCode, `${expectation.user} renames ${inside}`).toBe(
          expectation.canWriteInside ? 200 : 403,
        );
        if (expectation.canWriteInside) {
          await t.app.inject({
            method: 'PATCH',
            url: `/api/grids/${inside}`,
            headers,
            payload: { name: `网格${inside}` },
          });
        }
      }
      // a resident has no grid reading rights at all, but may locate a place
      const resident = await as('resident111');
      expect((await t.app.inject({ url: `/api/grids/${M111}`, headers: resident })).statusCode).toBe(403);
      expect(
        (await t.app.inject({ url: '/api/grids/locate?lng=121.42&lat=31.32', headers: resident })).statusCode,
      ).toBe(200);
    });

    it("the session names the first screen's grid: the only top grid, then down while there is one way down", async () => {
      for (const [username, grids] of [
        ['street2', [S2]],
        ['twostreets', [S1, S2]],
      ] as const) {
        await t.services.accounts.createUser(
          {
            username,
            displayName: username,
            password: PASSWORD,
            roles: ['command_centre'],
            grids: [...grids],
          },
          systemActor,
        );
      }
      const startOf = async (username: string) => {
        const signIn = await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username, password: PASSWORD },
        });
        expect(signIn.statusCode).toBe(200);
        const { token, user } = signIn.json<{
          token: string;
          user: { startGrid: { code: string } | null };
        }>();
        const me = await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
        // the same grid whether the console has just signed in or comes back with a stored session
        expect(me.json<{ startGrid: unknown }>().startGrid).toEqual(user.startGrid);
        return user.startGrid?.code ?? null;
      };
      // the district has two streets: it starts there; a street of several areas starts at the street
      expect(await startOf('admin')).toBe(D);
      expect(await startOf('district')).toBe(D);
      expect(await startOf('centre1')).toBe(S1);
      expect(await startOf('worker111')).toBe(M111);
      // the second street has a single micro-grid: one way down, so that is where the map starts
      expect(await startOf('street2')).toBe(M21);
      // two bound streets: the first of them
      expect(await startOf('twostreets')).toBe(S1);
    });

    it('a command centre cannot write into the neighbouring street or create a top-level grid', async () => {
      const centre = await as('centre1');
      const before = await counts(t);
      const neighbour = await t.app.inject({
        method: 'PATCH',
        url: `/api/grids/${M21}`,
        headers: centre,
        payload: { name: 'x' },
      });
      expect(neighbour.statusCode).toBe(404);
      const intoNeighbour = await t.app.inject({
        method: 'POST',
        url: '/api/grids',
        headers: centre,
        payload: { code: `${S2}009`, name: 'x', level: 'community', parentCode: S2 },
      });
      expect(intoNeighbour.statusCode).toBe(404);
      const top = await t.app.inject({
        method: 'POST',
        url: '/api/grids',
        headers: centre,
        payload: { code: '990000', name: 'x', level: 'district', parentCode: null },
      });
      expect(top.statusCode).toBe(403);
      expect(await counts(t)).toEqual(before);
    });

    it('refuses every grid endpoint without a token, and with a bad one', async () => {
      for (const url of [
        '/api/grids',
        `/api/grids/${M111}`,
        '/api/grids/export?format=geojson',
        `/api/grids/${M111}/boundaries`,
      ]) {
        expect((await t.app.inject({ url })).statusCode, url).toBe(401);
        expect((await t.app.inject({ url, headers: { authorization: 'Bearer nope' } })).statusCode, url).toBe(
          401,
        );
      }
      const write = await t.app.inject({
        method: 'POST',
        url: '/api/grids/import',
        payload: { type: 'FeatureCollection', features: [] },
      });
      expect(write.statusCode).toBe(401);
    });
  });

  describe('the audit log', () => {
    it('records who changed which grid and when, in the same transaction as the change', async () => {
      const rows = rowsOf<{ action: string; actor: string; entity_key: string; at: string }>(
        await t.database.db.execute(
          sql`select action, actor, entity_key, at from audit_log where entity = 'grid' order by id`,
        ),
      );
      expect(rows.filter((row) => row.action === 'grid.create').map((row) => row.entity_key)).toEqual(
        expect.arrayContaining([D, S1, S2, A11, A12, M111, M112, M21]),
      );
      expect(rows.find((row) => row.action === 'grid.boundary' && row.entity_key === M21)?.actor).toBe(
        'admin',
      );
    });
  });

  it('retires a grid without children and refuses one with children', async () => {
    const withChildren = await t.app.inject({ method: 'DELETE', url: `/api/grids/${A11}`, headers: admin });
    expect(withChildren.statusCode).toBe(409);
    const leaf = await t.app.inject({ method: 'DELETE', url: `/api/grids/${M112}`, headers: admin });
    expect(leaf.statusCode).toBe(204);
    expect((await t.app.inject({ url: `/api/grids/${M112}`, headers: admin })).statusCode).toBe(404);
    const located = await t.app.inject({ url: '/api/grids/locate?lng=121.42&lat=31.38' });
    expect(located.json<{ grids: { code: string }[] }>().grids.map((g) => g.code)).toEqual([D, S1, A11]);
  });
});

describe('the grid service on its own', () => {
  it('imports the small map through the service', async () => {
    const t = await buildTestApp();
    try {
      await importSmallMap(t.services);
      expect(t.services.grids.indexedCount()).toBe(8);
    } finally {
      await t.close();
    }
  });
});
