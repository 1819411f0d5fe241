import { describe, expect, it } from 'vitest';
import { syntheticCity } from '../../bench/synthetic-city.js';
import { pointInGeometry, type GridGeometry, type Position } from './geometry.js';
import { GridIndex, type IndexEntry } from './locate.js';

/** Shapes on a lattice near People's Square: unit u = 0.001° (about 100 m). */
const LNG = 121.47;
const LAT = 31.23;
const U = 0.001;
const at = (x: number, y: number): Position => [LNG + x * U, LAT + y * U];
const rect = (x0: number, y0: number, x1: number, y1: number): GridGeometry => ({
  type: 'Polygon',
  coordinates: [[at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)]],
});

const entry = (
  id: number,
  code: string,
  level: string,
  parentId: number | null,
  depth: number,
  geometry: GridGeometry | null,
): IndexEntry => ({
  id,
  code,
  name: `${level} ${code}`,
  level,
  parentId,
  depth,
  geometry,
});

/**
 * District 1 (no boundary, as imported from statistical division codes) → street 2 over
 * [0,4]×[0,2] → communities 3 over [0,2]×[0,2] and 4 over [2,4]×[0,2] → two micro-grids each.
 * Codes run against insertion order so that "smallest code wins" is really what decides:
 * community 4 has the smaller code, and inside community 3 micro-grid 6 has the smaller code.
 */
function demoStreet(): IndexEntry[] {
  return [
    entry(1, '310101', 'district', null, 0, null),
    entry(2, '310101001', 'street', 1, 1, rect(0, 0, 4, 2)),
    entry(3, '310101001002', 'community', 2, 3, rect(0, 0, 2, 2)),
    entry(4, '310101001001', 'community', 2, 3, rect(2, 0, 4, 2)),
    entry(5, '310101001002002', 'microGrid', 3, 4, rect(0, 0, 1, 2)),
    entry(6, '310101001002001', 'microGrid', 3, 4, rect(1, 0, 2, 2)),
    entry(7, '310101001001001', 'microGrid', 4, 4, rect(2, 0, 3, 2)),
    entry(8, '310101001001002', 'microGrid', 4, 4, rect(3, 0, 4, 2)),
  ];
}

function indexOf(entries: IndexEntry[]): GridIndex {
  const index = new GridIndex();
  index.load(entries);
  return index;
}

const ids = (chain: IndexEntry[]): number[] => chain.map((e) => e.id);

describe('GridIndex.locate', () => {
  const cases: { name: string; x: number; y: number; chain: number[] }[] = [
    { name: 'inside micro-grid 5', x: 0.5, y: 1, chain: [1, 2, 3, 5] },
    { name: 'inside micro-grid 6', x: 1.5, y: 1, chain: [1, 2, 3, 6] },
    { name: 'inside micro-grid 7', x: 2.5, y: 1, chain: [1, 2, 4, 7] },
    { name: 'inside micro-grid 8', x: 3.5, y: 0.25, chain: [1, 2, 4, 8] },
    {
      name: 'on the edge shared by micro-grids 5 and 6 (6 has the smaller code)',
      x: 1,
      y: 1,
      chain: [1, 2, 3, 6],
    },
    {
      name: 'on the vertex shared by micro-grids 5 and 6 on the street edge',
      x: 1,
      y: 0,
      chain: [1, 2, 3, 6],
    },
    // Community 4 wins the shared edge, so the micro-grid must be its child 7, never 6.
    { name: 'on the edge shared by communities 3 and 4', x: 2, y: 1, chain: [1, 2, 4, 7] },
    { name: 'on the corner shared by communities 3 and 4 and the street', x: 2, y: 2, chain: [1, 2, 4, 7] },
    { name: 'on the edge shared by micro-grids 7 and 8', x: 3, y: 1.5, chain: [1, 2, 4, 7] },
    { name: 'on the street’s outer edge', x: 0, y: 1, chain: [1, 2, 3, 5] },
    { name: 'on the street’s outer corner', x: 4, y: 2, chain: [1, 2, 4, 8] },
    { name: 'outside everything', x: 5, y: 1, chain: [] },
    { name: 'just outside the street', x: 2, y: -0.001, chain: [] },
  ];
  it.each(cases)('$name → $chain', ({ x, y, chain }) => {
    const index = indexOf(demoStreet());
    expect(ids(index.locate(LNG + x * U, LAT + y * U))).toEqual(chain);
  });

  it('gives the same answer whatever order the entries were loaded in', () => {
    const entries = demoStreet();
    const reversed = indexOf([...entries].reverse());
    const forward = indexOf(entries);
    for (const { x, y } of cases)
      expect(ids(reversed.locate(LNG + x * U, LAT + y * U))).toEqual(
        ids(forward.locate(LNG + x * U, LAT + y * U)),
      );
  });

  it('names the ancestors without a boundary at the top of the chain', () => {
    const [district, ...rest] = indexOf(demoStreet()).locate(...at(0.5, 1));
    expect(district).toMatchObject({ id: 1, level: 'district', geometry: null });
    expect(rest.map((e) => e.level)).toEqual(['street', 'community', 'microGrid']);
  });

  it('descends by the parent chosen, not by the smallest code overall', () => {
    // Codes that are not hierarchical: community "B" beats "C" on their shared edge, so the
    // micro-grid must be B's child "Z" even though C's child "A" has the smallest code.
    const index = indexOf([
      entry(1, 'B', 'community', null, 0, rect(0, 0, 2, 2)),
      entry(2, 'C', 'community', null, 0, rect(2, 0, 4, 2)),
      entry(3, 'Z', 'microGrid', 1, 1, rect(0, 0, 2, 2)),
      entry(4, 'A', 'microGrid', 2, 1, rect(2, 0, 4, 2)),
    ]);
    expect(ids(index.locate(...at(2, 1)))).toEqual([1, 3]);
  });

  it('takes the shallowest candidate as the top when unrelated grids overlap', () => {
    const index = indexOf([
      entry(1, 'S2', 'street', null, 1, rect(0, 0, 4, 4)),
      entry(2, 'P1', 'special', null, 3, rect(1, 1, 2, 2)),
    ]);
    expect(ids(index.locate(...at(1.5, 1.5)))).toEqual([1]);
    expect(ids(index.locate(...at(3, 3)))).toEqual([1]);
  });

  it('starts the chain at a grid whose parent is not loaded', () => {
    const index = indexOf([entry(10, '310101001001', 'community', 99, 3, rect(0, 0, 1, 1))]);
    expect(ids(index.locate(...at(0.5, 0.5)))).toEqual([10]);
  });

  it('stops at the parent when the point is in the parent but in none of its children', () => {
    const index = indexOf([
      entry(1, 'S', 'street', null, 1, {
        type: 'Polygon',
        coordinates: [rect(0, 0, 4, 4).coordinates[0]!, [at(1, 1), at(1, 3), at(3, 3), at(3, 1), at(1, 1)]],
      } as GridGeometry),
      entry(2, 'M', 'microGrid', 1, 2, rect(0, 0, 1, 1)),
    ]);
    expect(ids(index.locate(...at(0.5, 2)))).toEqual([1]);
    expect(ids(index.locate(...at(2, 2)))).toEqual([]); // in the street's hole
    expect(ids(index.locate(...at(1, 1)))).toEqual([1, 2]); // on the hole's corner and the micro-grid's
  });

  it('answers [] for non-finite coordinates and an empty index', () => {
    expect(indexOf(demoStreet()).locate(Number.NaN, LAT)).toEqual([]);
    expect(new GridIndex().locate(LNG, LAT)).toEqual([]);
  });

  it('counts only entries with a boundary', () => {
    expect(indexOf(demoStreet()).indexedCount).toBe(7);
  });
});

describe('GridIndex.apply', () => {
  it('replaces an entry’s boundary', () => {
    const index = indexOf(demoStreet());
    // Micro-grid 5 shrinks to [0,0.5]×[0,2]; the freed strip now belongs to no micro-grid.
    index.apply([entry(5, '310101001002002', 'microGrid', 3, 4, rect(0, 0, 0.5, 2))], []);
    expect(ids(index.locate(...at(0.25, 1)))).toEqual([1, 2, 3, 5]);
    expect(ids(index.locate(...at(0.75, 1)))).toEqual([1, 2, 3]);
    expect(index.get(5)?.geometry).toEqual(rect(0, 0, 0.5, 2));
  });

  it('removes entries and inserts new ones', () => {
    const index = indexOf(demoStreet());
    index.apply([entry(9, '310101001001003', 'microGrid', 4, 4, rect(3, 0, 4, 1))], [8]);
    expect(index.get(8)).toBeUndefined();
    expect(index.indexedCount).toBe(7);
    expect(ids(index.locate(...at(3.5, 0.5)))).toEqual([1, 2, 4, 9]);
    expect(ids(index.locate(...at(3.5, 1.5)))).toEqual([1, 2, 4]);
  });

  it('drops an entry whose boundary is taken away from the tree but keeps it as an ancestor', () => {
    const index = indexOf(demoStreet());
    index.apply([entry(2, '310101001', 'street', 1, 1, null)], []);
    expect(index.indexedCount).toBe(6);
    expect(ids(index.locate(...at(0.5, 1)))).toEqual([1, 2, 3, 5]);
  });

  it('removes an id listed both as changed and removed', () => {
    const index = indexOf(demoStreet());
    index.apply([entry(7, '310101001001001', 'microGrid', 4, 4, rect(2, 0, 3, 2))], [7]);
    expect(index.get(7)).toBeUndefined();
    expect(ids(index.locate(...at(2.5, 1)))).toEqual([1, 2, 4]);
  });

  it('replaces everything on load', () => {
    const index = indexOf(demoStreet());
    index.load([entry(20, 'X', 'street', null, 1, rect(10, 10, 11, 11))]);
    expect(index.get(1)).toBeUndefined();
    expect(index.indexedCount).toBe(1);
    expect(ids(index.locate(...at(0.5, 1)))).toEqual([]);
    expect(ids(index.locate(...at(10.5, 10.5)))).toEqual([20]);
  });
});

describe('GridIndex on a synthetic city', () => {
  const city = syntheticCity(700, 3);
  const byId = new Map(city.map((e) => [e.id, e]));
  const index = indexOf(city);

  /** The rule of locate, written the slow and obvious way over every entry. */
  function reference(lng: number, lat: number): number[] {
    const candidates = city.filter((e) => e.geometry !== null && pointInGeometry(e.geometry, lng, lat) <= 0);
    const isCandidate = (id: number | null): boolean => id !== null && candidates.some((c) => c.id === id);
    const roots = candidates.filter((c) => !isCandidate(c.parentId));
    roots.sort((a, b) => a.depth - b.depth || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const top = roots[0];
    if (!top) return [];
    const chain = [top];
    for (;;) {
      const children = candidates.filter((c) => c.parentId === chain[chain.length - 1]!.id);
      children.sort((a, b) => (a.code < b.code ? -1 : 1));
      if (!children[0]) break;
      chain.push(children[0]);
    }
    for (let parent = byId.get(top.parentId ?? -1); parent; parent = byId.get(parent.parentId ?? -1))
      chain.unshift(parent);
    return chain.map((e) => e.id);
  }

  it('agrees with the rule written out by hand, at random points and at every shared vertex', () => {
    const probes: Position[] = [];
    let seed = 11;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 4_294_967_296;
    const [minLng, minLat, maxLng, maxLat] = [121.299, 31.099, 121.32, 31.12];
    for (let i = 0; i < 400; i++)
      probes.push([minLng + random() * (maxLng - minLng), minLat + random() * (maxLat - minLat)]);
    // Vertices of micro-grids are shared by up to four of them and often lie on parent edges.
    for (const e of city.filter((c) => c.level === 'microGrid').slice(0, 150)) {
      if (e.geometry?.type === 'Polygon') probes.push(...e.geometry.coordinates[0]!.slice(0, -1));
    }
    for (const [lng, lat] of probes)
      expect(ids(index.locate(lng, lat)), `at ${lng}, ${lat}`).toEqual(reference(lng, lat));
  });

  it('gives full, consistent chains inside the city: district to micro-grid, each inside its parent', () => {
    const microGrids = city.filter((e) => e.level === 'microGrid');
    for (const micro of microGrids.slice(0, 200)) {
      if (micro.geometry?.type !== 'Polygon') continue;
      for (const [lng, lat] of micro.geometry.coordinates[0]!) {
        const chain = index.locate(lng, lat);
        expect(chain.map((e) => e.level)).toEqual(['district', 'street', 'area', 'community', 'microGrid']);
        for (let i = 1; i < chain.length; i++) expect(chain[i]!.parentId).toBe(chain[i - 1]!.id);
        for (const e of chain) expect(pointInGeometry(e.geometry!, lng, lat)).toBeLessThanOrEqual(0);
      }
    }
  });
});
