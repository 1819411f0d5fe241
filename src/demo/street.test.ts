import { createHash } from 'node:crypto';
import polygonClipping from 'polygon-clipping';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../accounts/roles.js';
import type { PolygonGeometry, Position } from '../grids/geometry.js';
import type { GridFeature } from '../grids/service.js';
import { demoAccounts } from './accounts.js';
import { mulberry32 } from './random.js';
import { generateDemoStreet } from './street.js';

/**
 * sha256 of JSON.stringify(generateDemoStreet()). If a change of the generator is meant, record the new value
 * (and know that existing demo databases keep the old street: the seed runs once).
 */
const DEMO_STREET_SHA256 = '09e0085ef74cd8c7c84c4f9fc7d2a99ba878cd8774875f70c8fa0dc38c7f19f4';

const street = generateDemoStreet();
const features = street.collection.features;
const byCode = new Map(features.map((feature) => [feature.properties.code, feature]));
const atLevel = (level: string): GridFeature[] =>
  features.filter((feature) => feature.properties.level === level);
const childrenOf = (code: string): GridFeature[] =>
  features.filter((feature) => feature.properties.parentCode === code);

type Polygon = [number, number][][];

function polygonOf(feature: GridFeature): Polygon {
  const geometry = feature.geometry;
  if (geometry?.type !== 'Polygon') throw new Error(`${feature.properties.code} is not a Polygon`);
  return geometry.coordinates as Polygon;
}

/**
 * Planar area in square degrees, outer rings minus holes. The shoelace sum runs relative to a point near the
 * street: with raw longitudes (~121) the products cancel and lose seven digits of a micro-grid's 2e-6 deg².
 */
function areaOf(polygons: Polygon[]): number {
  const [x0, y0] = [121.48, 31.4];
  let total = 0;
  for (const polygon of polygons) {
    polygon.forEach((ring, k) => {
      let twice = 0;
      for (let i = 0; i + 1 < ring.length; i += 1) {
        twice += (ring[i]![0] - x0) * (ring[i + 1]![1] - y0) - (ring[i + 1]![0] - x0) * (ring[i]![1] - y0);
      }
      total += (k === 0 ? 1 : -1) * Math.abs(twice / 2);
    });
  }
  return total;
}

function signedArea(ring: Position[]): number {
  let twice = 0;
  for (let i = 0; i + 1 < ring.length; i += 1) {
    twice +=
      (ring[i]![0] - 121.48) * (ring[i + 1]![1] - 31.4) - (ring[i + 1]![0] - 121.48) * (ring[i]![1] - 31.4);
  }
  return twice / 2;
}

function bbox(polygon: Polygon): [number, number, number, number] {
  const points = polygon[0]!;
  return [
    Math.min(...points.map((p) => p[0])),
    Math.min(...points.map((p) => p[1])),
    Math.max(...points.map((p) => p[0])),
    Math.max(...points.map((p) => p[1])),
  ];
}

/** Ray casting, and at least `margin` degrees from every edge: strictly inside, not on the boundary. */
function strictlyInside(polygon: Polygon, [x, y]: [number, number], margin: number): boolean {
  const ring = polygon[0]!;
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i, i += 1) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    const dx = xj - xi;
    const dy = yj - yi;
    const t = Math.max(0, Math.min(1, ((x - xi) * dx + (y - yi) * dy) / (dx * dx + dy * dy)));
    if (Math.hypot(xi + t * dx - x, yi + t * dy - y) < margin) return false;
  }
  return inside;
}

/** Square metres of an area in square degrees near 31.40° N. */
const SQUARE_METRES_PER_SQUARE_DEGREE = 95_017.3 * 110_861.2;

describe('the demo street', () => {
  it('has 1 district, 1 street, 5 comprehensive grids, 9 governance units and 201 micro-grids, parents first', () => {
    const counts = Object.fromEntries(
      ['district', 'street', 'area', 'community', 'microGrid'].map((level) => [level, atLevel(level).length]),
    );
    expect(counts).toEqual({ district: 1, street: 1, area: 5, community: 9, microGrid: 201 });
    expect(features).toHaveLength(217);
    const position = new Map(features.map((feature, i) => [feature.properties.code, i]));
    for (const feature of features) {
      const parent = feature.properties.parentCode;
      if (parent) expect(position.get(parent)!).toBeLessThan(position.get(feature.properties.code)!);
    }
    expect(atLevel('district')[0]!.properties).toMatchObject({
      code: '310113',
      name: '宝山区',
      parentCode: null,
    });
    expect(atLevel('street')[0]!.properties).toMatchObject({
      code: '310113003',
      name: '友谊路街道',
      parentCode: '310113',
    });
    expect(atLevel('area').map((feature) => feature.properties.code)).toEqual(
      ['801', '802', '803', '804', '805'].map((suffix) => `310113003${suffix}`),
    );
    expect(atLevel('area').map((feature) => childrenOf(feature.properties.code).length)).toEqual([
      2, 2, 2, 2, 1,
    ]);
  });

  it('gives unique codes, each extending its parent code to 12, 15 and 18 digits', () => {
    expect(byCode.size).toBe(features.length);
    const digits: Record<string, number> = { district: 6, street: 9, area: 12, community: 15, microGrid: 18 };
    for (const feature of features) {
      const { code, level, parentCode } = feature.properties;
      expect(code).toMatch(new RegExp(`^\\d{${digits[level]}}$`));
      if (level === 'district') expect(parentCode).toBeNull();
      else {
        expect(parentCode).toEqual(expect.any(String));
        if (!parentCode) continue;
        expect(code.startsWith(parentCode)).toBe(true);
        expect(code.length - parentCode.length).toBe(3);
        expect(byCode.get(parentCode)).toBeDefined();
      }
    }
  });

  it('names the micro-grids after their compounds and special places, mostly residential', () => {
    const microGrids = atLevel('microGrid');
    for (const grid of microGrids) expect(grid.properties.name).toMatch(/^\S+微网格$/);
    const types = new Map<string, number>();
    for (const grid of microGrids)
      types.set(grid.properties.gridType!, (types.get(grid.properties.gridType!) ?? 0) + 1);
    expect(types.get('residential')!).toBeGreaterThan(150);
    for (const type of [
      'school',
      'market',
      'commercial_complex',
      'office_building',
      'street_shops',
      'industrial_park',
      'street_road',
    ]) {
      expect(types.get(type) ?? 0).toBeGreaterThan(0);
    }
    expect(new Set(microGrids.map((grid) => grid.properties.name)).size).toBe(microGrids.length);
  });

  it('is the same on every run, byte for byte', () => {
    const again = generateDemoStreet();
    expect(again).toEqual(street);
    const hash = createHash('sha256').update(JSON.stringify(street)).digest('hex');
    expect(hash).toBe(DEMO_STREET_SHA256);
    expect(JSON.stringify(generateDemoStreet(7))).not.toBe(JSON.stringify(street));
  });

  it('gives every grid one Polygon without holes, closed, outer ring counter-clockwise', () => {
    for (const feature of features) {
      const geometry = feature.geometry as PolygonGeometry;
      expect(geometry.type).toBe('Polygon');
      expect(geometry.coordinates).toHaveLength(1);
      const ring = geometry.coordinates[0]!;
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      expect(signedArea(ring)).toBeGreaterThan(0);
      for (const [lng, lat] of ring) {
        expect(Math.round(lng * 1e7) / 1e7).toBe(lng);
        expect(Math.round(lat * 1e7) / 1e7).toBe(lat);
      }
    }
  });

  it('lies near 121.48° E, 31.40° N and covers about 4–5 km²', () => {
    const streetPolygon = polygonOf(atLevel('street')[0]!);
    const [minLng, minLat, maxLng, maxLat] = bbox(streetPolygon);
    expect((minLng + maxLng) / 2).toBeCloseTo(121.48, 1);
    expect((minLat + maxLat) / 2).toBeCloseTo(31.4, 1);
    const squareKilometres = (areaOf([streetPolygon]) * SQUARE_METRES_PER_SQUARE_DEGREE) / 1e6;
    expect(squareKilometres).toBeGreaterThan(4);
    expect(squareKilometres).toBeLessThan(5);
  });

  it('has no two micro-grids overlapping', () => {
    const microGrids = atLevel('microGrid').map((feature) => ({
      code: feature.properties.code,
      polygon: polygonOf(feature),
    }));
    const boxes = microGrids.map((grid) => bbox(grid.polygon));
    let neighbours = 0;
    for (let i = 0; i < microGrids.length; i += 1) {
      for (let j = i + 1; j < microGrids.length; j += 1) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        if (a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1]) continue;
        neighbours += 1;
        const overlap = areaOf(polygonClipping.intersection(microGrids[i]!.polygon, microGrids[j]!.polygon));
        expect(overlap, `${microGrids[i]!.code} × ${microGrids[j]!.code}`).toBeLessThan(1e-12);
      }
    }
    expect(neighbours).toBeGreaterThan(500);
  });

  it('tiles every parent exactly with its children, from micro-grids up to the street', () => {
    const parents = [...atLevel('community'), ...atLevel('area'), ...atLevel('street')];
    for (const parent of parents) {
      const parentPolygon = polygonOf(parent);
      const children = childrenOf(parent.properties.code).map(polygonOf);
      expect(children.length).toBeGreaterThan(0);
      const parentArea = areaOf([parentPolygon]);
      const childArea = children.reduce((sum, child) => sum + areaOf([child]), 0);
      expect(Math.abs(childArea - parentArea) / parentArea, parent.properties.code).toBeLessThan(1e-9);
      for (const child of children) {
        expect(areaOf(polygonClipping.difference(child, parentPolygon)), parent.properties.code).toBe(0);
      }
    }
  });

  it('puts the street well inside the district', () => {
    const district = polygonOf(atLevel('district')[0]!);
    const streetPolygon = polygonOf(atLevel('street')[0]!);
    expect(polygonClipping.difference(streetPolygon, district)).toEqual([]);
    expect(areaOf([district])).toBeGreaterThan(4 * areaOf([streetPolygon]));
  });

  it('puts 3–8 buildings in every residential micro-grid, strictly inside it, and none elsewhere', () => {
    const { buildings } = street;
    expect(new Set(buildings.map((building) => building.code)).size).toBe(buildings.length);
    const perGrid = new Map<string, number>();
    for (const building of buildings) {
      const grid = byCode.get(building.gridCode)!;
      expect(grid.properties.level).toBe('microGrid');
      expect(grid.properties.gridType).toBe('residential');
      // 1e-6° is about 10 cm
      expect(strictlyInside(polygonOf(grid), [building.lng, building.lat], 1e-6), building.code).toBe(true);
      expect(building.name).toMatch(/^\d+号楼$/);
      expect(building.address).toMatch(/^上海市宝山区\S+路\d+弄\d+号$/);
      expect(building.floors).toBeGreaterThanOrEqual(5);
      expect(building.units.length).toBeGreaterThan(0);
      perGrid.set(building.gridCode, (perGrid.get(building.gridCode) ?? 0) + 1);
    }
    for (const grid of atLevel('microGrid')) {
      const count = perGrid.get(grid.properties.code) ?? 0;
      if (grid.properties.gridType === 'residential') {
        expect(count, grid.properties.code).toBeGreaterThanOrEqual(3);
        expect(count, grid.properties.code).toBeLessThanOrEqual(8);
      } else expect(count).toBe(0);
    }
  });

  it('can be generated from other seeds as well', () => {
    for (const seed of [1, 2, 3]) {
      const other = generateDemoStreet(seed);
      expect(
        other.collection.features.filter((feature) => feature.properties.level === 'microGrid'),
      ).toHaveLength(201);
    }
  });
});

describe('the demo accounts', () => {
  const accounts = demoAccounts(street.collection);

  it('gives one user per role, bound to grids of the demo street', () => {
    expect(accounts.map((account) => account.username)).toEqual([
      'admin',
      'district',
      'centre',
      'area1',
      'area2',
      'area3',
      'area4',
      'area5',
      'leader1',
      'worker1',
      'worker2',
      'dept-fire',
      'dept-cityman',
      'dept-market',
      'dept-housing',
      'resident1',
    ]);
    const used = new Set(accounts.flatMap((account) => account.roles));
    expect([...used].sort()).toEqual([...ROLES].sort());
    for (const account of accounts) {
      expect(account.displayName).toMatch(/[\u4e00-\u9fff]/);
      for (const code of account.grids) expect(byCode.has(code), `${account.username} → ${code}`).toBe(true);
    }
  });

  it('binds each role to the grid of its level', () => {
    const find = (username: string) => accounts.find((account) => account.username === username)!;
    const levelOf = (code: string) => byCode.get(code)!.properties.level;
    expect(find('admin').grids).toEqual([]);
    expect(find('district').grids).toEqual(['310113']);
    expect(find('centre').grids).toEqual(['310113003']);
    expect(find('dept-fire')).toMatchObject({
      displayName: '消防救援站',
      roles: ['department'],
      grids: ['310113003'],
    });
    expect([1, 2, 3, 4, 5].map((n) => find(`area${n}`).grids[0])).toEqual(
      atLevel('area').map((feature) => feature.properties.code),
    );
    expect(find('leader1').grids).toEqual([atLevel('community')[0]!.properties.code]);
    expect(find('worker1').grids).toEqual([atLevel('microGrid')[0]!.properties.code]);
    expect(find('worker2').grids).toEqual([atLevel('microGrid')[1]!.properties.code]);
    const home = byCode.get(find('resident1').grids[0]!)!;
    expect(levelOf(home.properties.code)).toBe('microGrid');
    expect(home.properties.gridType).toBe('residential');
  });
});

describe('the demo random generator', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const take = (seed: number) => Array.from({ length: 5 }, mulberry32(seed).next);
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    for (const value of take(1)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});
