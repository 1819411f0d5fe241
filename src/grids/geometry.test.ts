import polygonClipping from 'polygon-clipping';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syntheticCity } from '../../bench/synthetic-city.js';
import {
  areaSquareMetres,
  bboxOf,
  compileGeometry,
  findSiblingOverlaps,
  geometryKey,
  outsideSquareMetres,
  overlapSquareMetres,
  pointInCompiled,
  pointInGeometry,
  validateGeometry,
  type GridGeometry,
  type MultiPolygonGeometry,
  type PolygonGeometry,
  type Position,
  type Ring,
} from './geometry.js';

/** Test shapes live on a small lattice near People's Square: unit u = 0.001° (about 100 m). */
const LNG = 121.47;
const LAT = 31.23;
const U = 0.001;
const at = (x: number, y: number): Position => [LNG + x * U, LAT + y * U];
const ring = (...points: [number, number][]): Ring => {
  const positions = points.map(([x, y]) => at(x, y));
  positions.push(positions[0]!);
  return positions;
};
const polygon = (...rings: Ring[]): PolygonGeometry => ({ type: 'Polygon', coordinates: rings });
const rect = (x0: number, y0: number, x1: number, y1: number): PolygonGeometry =>
  polygon(ring([x0, y0], [x1, y0], [x1, y1], [x0, y1]));
/** Raw coordinates on the unit lattice, for inputs that must stay exactly as written. */
const raw = (...points: [number, number][]): number[][] => points.map(([x, y]) => [LNG + x * U, LAT + y * U]);

/** Degrees of latitude and longitude for one kilometre on the sphere the areas use, at 31°. */
const KM_LAT = 1000 / ((6_371_008.8 * Math.PI) / 180);
const KM_LNG = KM_LAT / Math.cos((31 * Math.PI) / 180);
/** Area of one lattice cell (u × u) at LAT, for expectations. */
const CELL = areaSquareMetres(rect(0, 0, 1, 1));

/** Areas agree to 0.1 % (shapes at different latitudes differ by a few parts in 10^5). */
function expectArea(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 1e-3 + 1e-6);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('validateGeometry', () => {
  const rejected: { name: string; input: unknown; zh: RegExp; en: RegExp }[] = [
    {
      name: 'not an object',
      input: 'POLYGON((0 0,1 0,1 1,0 0))',
      zh: /GeoJSON Polygon 或 MultiPolygon/,
      en: /must be a GeoJSON Polygon or MultiPolygon/,
    },
    {
      name: 'wrong type',
      input: { type: 'Point', coordinates: [LNG, LAT] },
      zh: /几何类型.*"Point"/,
      en: /type must be Polygon or MultiPolygon, got "Point"/,
    },
    {
      name: 'missing coordinates',
      input: { type: 'Polygon' },
      zh: /coordinates/,
      en: /coordinates must be a non-empty array/,
    },
    {
      name: 'open ring',
      input: { type: 'Polygon', coordinates: [raw([0, 0], [1, 0], [1, 1], [0, 1], [0, 0.5])] },
      zh: /第1环未闭合/,
      en: /ring 1 is not closed/,
    },
    {
      name: 'too few positions',
      input: { type: 'Polygon', coordinates: [raw([0, 0], [1, 0], [0, 0])] },
      zh: /第1环坐标少于 4 个/,
      en: /ring 1 has fewer than 4 positions \(got 3\)/,
    },
    {
      name: 'bowtie self-intersection',
      input: { type: 'Polygon', coordinates: [raw([0, 0], [1, 1], [1, 0], [0, 1], [0, 0])] },
      zh: /边界自相交 \(第1环第1条边与第3条边\)/,
      en: /ring 1 intersects itself at edge 1 \(meets edge 3\)/,
    },
    {
      name: 'ring touching itself at a vertex',
      input: { type: 'Polygon', coordinates: [raw([0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0])] },
      zh: /边界自相交/,
      en: /ring 1 intersects itself/,
    },
    {
      name: 'spike doubling back along its own edge',
      input: { type: 'Polygon', coordinates: [raw([0, 0], [2, 0], [2, 2], [2, 1], [0, 0])] },
      zh: /边界自相交 \(第1环第2条边与第3条边\)/,
      en: /ring 1 intersects itself at edge 2/,
    },
    {
      name: 'NaN',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            [LNG, LAT],
            [LNG + U, Number.NaN],
            [LNG + U, LAT + U],
            [LNG, LAT],
          ],
        ],
      },
      zh: /第1环第2个坐标不是有限数字/,
      en: /ring 1 position 2 is not a pair of finite numbers/,
    },
    {
      name: 'number as string',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            [LNG, LAT],
            [LNG + U, '31.23'],
            [LNG + U, LAT + U],
            [LNG, LAT],
          ],
        ],
      },
      zh: /不是有限数字/,
      en: /not a pair of finite numbers/,
    },
    {
      name: 'latitude out of range (lat and lng swapped)',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            [LAT, LNG],
            [LAT + U, LNG],
            [LAT + U, LNG + U],
            [LAT, LNG],
          ],
        ],
      },
      zh: /纬度 121\.47 超出 \[-90, 90\]/,
      en: /latitude 121\.47 is outside \[-90, 90\] \(positions are \[lng, lat\]\)/,
    },
    {
      name: 'longitude out of range',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            [190, LAT],
            [190.001, LAT],
            [190.001, LAT + U],
            [190, LAT],
          ],
        ],
      },
      zh: /经度 190 超出/,
      en: /longitude 190 is outside \[-180, 180\]/,
    },
    {
      name: 'zero area (exactly collinear)',
      input: {
        type: 'Polygon',
        coordinates: [
          [
            [121, 31],
            [121.5, 31.5],
            [122, 32],
            [121, 31],
          ],
        ],
      },
      zh: /^第1环面积为零$/,
      en: /^ring 1 has zero area$/,
    },
    {
      name: 'zero area (collinear but for rounding)',
      input: { type: 'Polygon', coordinates: [raw([0, 0], [1, 1], [2, 2], [0, 0])] },
      zh: /第1环面积为零 \(小于 0.01 平方米\)/,
      en: /ring 1 has zero area \(below 0.01 m²\)/,
    },
    {
      name: 'zero area (repeated points only)',
      input: { type: 'Polygon', coordinates: [raw([0, 0], [1, 0], [1, 0], [0, 0])] },
      zh: /面积为零/,
      en: /zero area/,
    },
    {
      name: 'hole outside its exterior',
      input: {
        type: 'Polygon',
        coordinates: [raw([0, 0], [2, 0], [2, 2], [0, 2], [0, 0]), raw([3, 0], [4, 0], [4, 1], [3, 0])],
      },
      zh: /第2环 \(洞\) 不在第1环 \(外环\) 之内/,
      en: /ring 2 \(a hole\) is not inside ring 1 \(the exterior\)/,
    },
    {
      name: 'hole crossing its exterior',
      input: {
        type: 'Polygon',
        coordinates: [raw([0, 0], [2, 0], [2, 2], [0, 2], [0, 0]), raw([1, 1], [3, 1], [3, 1.5], [1, 1])],
      },
      zh: /第1环第2条边与第2环第1条边交叉或重合/,
      en: /ring 1 edge 2 crosses or runs along ring 2 edge 1/,
    },
    {
      name: 'multipolygon parts overlapping',
      input: {
        type: 'MultiPolygon',
        coordinates: [
          [raw([0, 0], [4, 0], [4, 4], [0, 4], [0, 0])],
          [raw([1, 1], [2, 1], [2, 2], [1, 2], [1, 1])],
        ],
      },
      zh: /第2个多边形与第1个多边形重叠/,
      en: /polygon 2 overlaps polygon 1/,
    },
    {
      name: 'multipolygon parts sharing an edge',
      input: {
        type: 'MultiPolygon',
        coordinates: [
          [raw([0, 0], [1, 0], [1, 1], [0, 1], [0, 0])],
          [raw([1, 0], [2, 0], [2, 1], [1, 1], [1, 0])],
        ],
      },
      zh: /第1个多边形第1环第2条边与第2个多边形第1环第4条边交叉或重合/,
      en: /polygon 1 ring 1 edge 2 crosses or runs along polygon 2 ring 1 edge 4/,
    },
    {
      name: 'multipolygon part without rings',
      input: { type: 'MultiPolygon', coordinates: [[]] },
      zh: /第1个多边形没有环/,
      en: /polygon 1 has no rings/,
    },
  ];
  it.each(rejected)('rejects $name, saying why in Chinese and English', ({ input, zh, en }) => {
    const result = validateGeometry(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.zh).toMatch(zh);
    expect(result.en).toMatch(en);
  });

  const accepted: { name: string; input: GridGeometry }[] = [
    { name: 'a square', input: rect(0, 0, 1, 1) },
    { name: 'a clockwise square', input: polygon(ring([0, 0], [0, 1], [1, 1], [1, 0])) },
    {
      name: 'a square with a hole',
      input: polygon(ring([0, 0], [4, 0], [4, 4], [0, 4]), ring([1, 1], [1, 2], [2, 2], [2, 1])),
    },
    {
      name: 'a hole touching the exterior at one point',
      input: polygon(ring([0, 0], [4, 0], [4, 4], [0, 4]), ring([0, 2], [2, 1], [2, 3])),
    },
    {
      name: 'two parts touching at a corner',
      input: {
        type: 'MultiPolygon',
        coordinates: [[ring([0, 0], [1, 0], [1, 1], [0, 1])], [ring([1, 1], [2, 1], [2, 2], [1, 2])]],
      },
    },
    {
      name: 'a part inside another part’s hole',
      input: {
        type: 'MultiPolygon',
        coordinates: [
          [ring([0, 0], [6, 0], [6, 6], [0, 6]), ring([1, 1], [1, 5], [5, 5], [5, 1])],
          [ring([2, 2], [4, 2], [4, 4], [2, 4])],
        ],
      },
    },
    { name: 'collinear consecutive edges', input: polygon(ring([0, 0], [1, 0], [2, 0], [2, 1], [0, 1])) },
  ];
  it.each(accepted)('accepts $name', ({ input }) => {
    const result = validateGeometry(input);
    expect(result).toEqual({ ok: true, geometry: input });
  });

  it('drops altitude and repeated consecutive positions', () => {
    const input = {
      type: 'Polygon',
      coordinates: [
        [
          [LNG, LAT, 4],
          [LNG + U, LAT, 4],
          [LNG + U, LAT, 5],
          [LNG + U, LAT + U, 4],
          [LNG, LAT, 4],
        ],
      ],
    };
    expect(validateGeometry(input)).toEqual({
      ok: true,
      geometry: polygon([at(0, 0), at(1, 0), at(1, 1), at(0, 0)]),
    });
  });

  it('names the edge the user drew, counting repeated positions', () => {
    const input = { type: 'Polygon', coordinates: [raw([0, 0], [0, 0], [1, 1], [1, 0], [0, 1], [0, 0])] };
    const result = validateGeometry(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.en).toBe('ring 1 intersects itself at edge 2 (meets edge 4)');
  });

  /** A circle-like ring of n vertices (radius 2 km). */
  const circle = (n: number): Ring => {
    const points: Ring = [];
    for (let i = 0; i < n; i++) {
      const angle = (2 * Math.PI * i) / n;
      points.push([LNG + 0.02 * Math.cos(angle), LAT + 0.02 * Math.sin(angle)]);
    }
    points.push(points[0]!);
    return points;
  };

  it('accepts a ring of 20,000 vertices (checked through the segment index)', () => {
    expect(validateGeometry(polygon(circle(20_000))).ok).toBe(true);
  });

  it('finds the one crossing in a ring of 20,000 vertices and names its edges', () => {
    const points = circle(20_000);
    // Swapping positions 7001 and 7002 (1-based) makes edge 7000 (position 7000 → 7001) cross
    // edge 7002 (position 7002 → 7003).
    [points[7000], points[7001]] = [points[7001]!, points[7000]!];
    const result = validateGeometry(polygon(points));
    expect(result).toEqual({
      ok: false,
      zh: '边界自相交 (第1环第7000条边与第7002条边)',
      en: 'ring 1 intersects itself at edge 7000 (meets edge 7002)',
    });
  });
});

describe('bboxOf', () => {
  it('spans every ring and part', () => {
    const g: MultiPolygonGeometry = {
      type: 'MultiPolygon',
      coordinates: [[ring([0, 0], [1, 0], [1, 1])], [ring([3, -2], [4, 5], [2, 1])]],
    };
    const [minLng, minLat, maxLng, maxLat] = bboxOf(g);
    expect(minLng).toBeCloseTo(LNG, 12);
    expect(minLat).toBeCloseTo(LAT - 2 * U, 12);
    expect(maxLng).toBeCloseTo(LNG + 4 * U, 12);
    expect(maxLat).toBeCloseTo(LAT + 5 * U, 12);
  });
});

describe('areaSquareMetres', () => {
  const kmSquare = (lat: number): Ring => [
    [LNG, lat],
    [LNG + KM_LNG, lat],
    [LNG + KM_LNG, lat + KM_LAT],
    [LNG, lat + KM_LAT],
    [LNG, lat],
  ];
  it('gives about 1 km² for a 1 km square at latitude 31°', () => {
    const area = areaSquareMetres(polygon(kmSquare(31 - KM_LAT / 2)));
    expect(Math.abs(area - 1_000_000) / 1_000_000).toBeLessThan(0.01);
  });
  it('does not depend on winding', () => {
    const square = kmSquare(31);
    expect(areaSquareMetres(polygon([...square].reverse()))).toBeCloseTo(
      areaSquareMetres(polygon(square)),
      6,
    );
  });
  it('subtracts holes and adds parts', () => {
    const outer = rect(0, 0, 4, 4);
    const withHole = polygon(outer.coordinates[0]!, ring([1, 1], [1, 3], [3, 3], [3, 1]));
    expect(areaSquareMetres(withHole)).toBeCloseTo(
      areaSquareMetres(outer) - areaSquareMetres(rect(1, 1, 3, 3)),
      3,
    );
    const twoParts: MultiPolygonGeometry = {
      type: 'MultiPolygon',
      coordinates: [rect(0, 0, 1, 1).coordinates, rect(5, 5, 7, 6).coordinates],
    };
    expect(areaSquareMetres(twoParts)).toBeCloseTo(
      areaSquareMetres(rect(0, 0, 1, 1)) + areaSquareMetres(rect(5, 5, 7, 6)),
      3,
    );
  });
  it('keeps the digits of a small micro-grid far from the origin', () => {
    // 1e-5° ≈ 1 m: a 1 m × 1 m square is about 0.9 m² at this latitude.
    const tiny = polygon([
      [LNG, LAT],
      [LNG + 1e-5, LAT],
      [LNG + 1e-5, LAT + 1e-5],
      [LNG, LAT + 1e-5],
      [LNG, LAT],
    ]);
    expect(areaSquareMetres(tiny)).toBeCloseTo(1.1119 * 1.1119 * Math.cos((LAT * Math.PI) / 180), 2);
  });
});

describe('pointInGeometry', () => {
  const withHole = polygon(ring([0, 0], [4, 0], [4, 4], [0, 4]), ring([1, 1], [1, 3], [3, 3], [3, 1]));
  const twoParts: MultiPolygonGeometry = {
    type: 'MultiPolygon',
    coordinates: [withHole.coordinates, rect(10, 0, 12, 2).coordinates],
  };
  const cases: { name: string; g: GridGeometry; x: number; y: number; expected: -1 | 0 | 1 }[] = [
    { name: 'between exterior and hole', g: withHole, x: 0.5, y: 2, expected: -1 },
    { name: 'in the hole', g: withHole, x: 2, y: 2, expected: 1 },
    { name: 'on the hole’s edge', g: withHole, x: 1, y: 2, expected: 0 },
    { name: 'on a hole vertex', g: withHole, x: 3, y: 3, expected: 0 },
    { name: 'on the exterior edge', g: withHole, x: 4, y: 2, expected: 0 },
    { name: 'on a horizontal exterior edge', g: withHole, x: 2, y: 0, expected: 0 },
    { name: 'on an exterior vertex', g: withHole, x: 0, y: 4, expected: 0 },
    { name: 'level with a vertex, outside', g: withHole, x: -1, y: 4, expected: 1 },
    { name: 'level with a vertex, inside', g: withHole, x: 0.5, y: 3, expected: -1 },
    { name: 'outside', g: withHole, x: 5, y: 2, expected: 1 },
    { name: 'in the second part', g: twoParts, x: 11, y: 1, expected: -1 },
    { name: 'in the first part’s hole', g: twoParts, x: 2, y: 2, expected: 1 },
    { name: 'between the parts', g: twoParts, x: 7, y: 1, expected: 1 },
  ];
  it.each(cases)('answers $expected $name', ({ g, x, y, expected }) => {
    expect(pointInGeometry(g, LNG + x * U, LAT + y * U)).toBe(expected);
  });

  it('gives the same answers with and without the band table on a ring of 3,000 vertices', () => {
    const points: Ring = [];
    for (let i = 0; i < 3000; i++) {
      // A wobbly star: many vertices share y values with others, which stresses the half-open rule.
      const angle = (2 * Math.PI * i) / 3000;
      const radius = i % 2 === 0 ? 0.02 : 0.017;
      points.push([
        Math.round((LNG + radius * Math.cos(angle)) * 1e5) / 1e5,
        Math.round((LAT + radius * Math.sin(angle)) * 1e5) / 1e5,
      ]);
    }
    points.push(points[0]!);
    const g = polygon(points);
    const banded = compileGeometry(g, true);
    const plain = compileGeometry(g, false);
    expect(banded.bandCount).toBeGreaterThan(0);
    expect(plain.bandCount).toBe(0);
    let seed = 42;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 4_294_967_296;
    const probes: Position[] = points.slice(0, 500);
    for (let i = 0; i < 5000; i++)
      probes.push([LNG - 0.021 + random() * 0.042, LAT - 0.021 + random() * 0.042]);
    for (const [x, y] of probes) expect(pointInCompiled(banded, x, y)).toBe(pointInCompiled(plain, x, y));
    expect(points.slice(0, 500).every(([x, y]) => pointInCompiled(banded, x, y) === 0)).toBe(true);
  });
});

describe('overlapSquareMetres', () => {
  /** An L: [0,2]×[0,1] plus [0,1]×[1,2]; its notch is the cell [1,2]×[1,2]. */
  const ell = polygon(ring([0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]));
  const cases: { name: string; a: GridGeometry; b: GridGeometry; expected: number; clipped: boolean }[] = [
    {
      name: 'tiled neighbours sharing an edge',
      a: rect(0, 0, 1, 1),
      b: rect(1, 0, 2, 1),
      expected: 0,
      clipped: false,
    },
    {
      name: 'tiled neighbours with an extra vertex on the shared edge',
      a: polygon(ring([0, 0], [1, 0], [1, 0.4], [1, 1], [0, 1])),
      b: rect(1, 0, 2, 1),
      expected: 0,
      clipped: false,
    },
    {
      name: 'neighbours sharing part of an edge',
      a: rect(0, 0, 1, 1),
      b: rect(1, 0.5, 2, 3),
      expected: 0,
      clipped: false,
    },
    {
      name: 'neighbours sharing only a corner',
      a: rect(0, 0, 1, 1),
      b: rect(1, 1, 2, 2),
      expected: 0,
      clipped: false,
    },
    { name: 'far apart', a: rect(0, 0, 1, 1), b: rect(5, 5, 6, 6), expected: 0, clipped: false },
    // Boxes overlap here, so it is the exact edge test that answers, not the boxes.
    {
      name: 'a square in an L-shaped neighbour’s notch',
      a: ell,
      b: rect(1, 1, 2, 2),
      expected: 0,
      clipped: false,
    },
    {
      name: 'a square in the notch with an extra vertex on a shared edge',
      a: ell,
      b: polygon(ring([1, 1], [2, 1], [2, 2], [1, 2], [1, 1.5])),
      expected: 0,
      clipped: false,
    },
    {
      name: 'a square over the corner of the notch',
      a: ell,
      b: rect(0.5, 0.5, 1.5, 1.5),
      expected: 0.75 * CELL,
      clipped: true,
    },
    { name: 'a real overlap', a: rect(0, 0, 2, 2), b: rect(1, 1, 3, 3), expected: CELL, clipped: true },
    // No edge crosses properly and no vertex is strictly inside the other: only the cut edges show it.
    {
      name: 'aligned rectangles overlapping along a line',
      a: rect(0, 0, 2, 1),
      b: rect(1, 0, 3, 1),
      expected: CELL,
      clipped: true,
    },
    { name: 'identical squares', a: rect(0, 0, 1, 1), b: rect(0, 0, 1, 1), expected: CELL, clipped: true },
    {
      name: 'a square inside another',
      a: rect(0, 0, 4, 4),
      b: rect(1, 1, 2, 2),
      expected: CELL,
      clipped: true,
    },
    {
      name: 'a triangle on three corners of a square',
      a: rect(0, 0, 2, 2),
      b: polygon(ring([0, 0], [2, 0], [2, 2])),
      expected: 2 * CELL,
      clipped: true,
    },
    {
      name: 'a square filling another’s hole exactly',
      a: polygon(ring([0, 0], [3, 0], [3, 3], [0, 3]), ring([1, 1], [1, 2], [2, 2], [2, 1])),
      b: rect(1, 1, 2, 2),
      expected: 0,
      clipped: true,
    },
  ];
  it.each(cases)('$name: $expected m² (clipping: $clipped)', ({ a, b, expected, clipped }) => {
    const intersection = vi.spyOn(polygonClipping, 'intersection');
    expectArea(overlapSquareMetres(a, b), expected);
    expectArea(overlapSquareMetres(b, a), expected);
    expect(intersection.mock.calls.length > 0).toBe(clipped);
  });
});

describe('outsideSquareMetres', () => {
  const parent = rect(0, 0, 4, 2);
  const cases: {
    name: string;
    child: GridGeometry;
    parent: GridGeometry;
    expected: number;
    clipped: boolean;
  }[] = [
    {
      name: 'a child in the corner, sharing two edges',
      child: rect(0, 0, 1, 1),
      parent,
      expected: 0,
      clipped: false,
    },
    { name: 'a child strictly inside', child: rect(1, 0.5, 2, 1.5), parent, expected: 0, clipped: false },
    {
      name: 'a child poking out by one cell',
      child: rect(3, 0, 5, 1),
      parent,
      expected: CELL,
      clipped: true,
    },
    { name: 'a child wholly outside', child: rect(10, 0, 11, 1), parent, expected: CELL, clipped: false },
    { name: 'a child equal to its parent', child: parent, parent, expected: 0, clipped: true },
    {
      name: 'a child over a hole of its parent',
      child: rect(0, 0, 3, 3),
      parent: polygon(ring([0, 0], [4, 0], [4, 4], [0, 4]), ring([1, 1], [1, 2], [2, 2], [2, 1])),
      expected: CELL,
      clipped: true,
    },
  ];
  it.each(cases)(
    '$name: $expected m² outside (clipping: $clipped)',
    ({ child, parent: p, expected, clipped }) => {
      const difference = vi.spyOn(polygonClipping, 'difference');
      expectArea(outsideSquareMetres(child, p), expected);
      expect(difference.mock.calls.length > 0).toBe(clipped);
    },
  );
});

describe('findSiblingOverlaps', () => {
  /** A 20 × 20 tiling of cells whose shared edges carry the same midpoints on both sides. */
  const tiles = (): { key: string; geometry: GridGeometry }[] => {
    const items: { key: string; geometry: GridGeometry }[] = [];
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 20; j++) {
        items.push({
          key: `m${String(i * 20 + j).padStart(3, '0')}`,
          geometry: polygon(
            ring(
              [i, j],
              [i + 0.5, j],
              [i + 1, j],
              [i + 1, j + 0.5],
              [i + 1, j + 1],
              [i + 0.5, j + 1],
              [i, j + 1],
              [i, j + 0.5],
            ),
          ),
        });
      }
    }
    return items;
  };

  it('finds nothing among tiled siblings, without clipping a single pair', () => {
    const intersection = vi.spyOn(polygonClipping, 'intersection');
    expect(findSiblingOverlaps(tiles(), 0)).toEqual([]);
    expect(intersection).not.toHaveBeenCalled();
  });

  it('reports each overlapping pair once, keys in order, above the tolerance only', () => {
    // Covers a quarter of m000 and m001 (a cell's column is i) and of m020, m021.
    const intruder = { key: 'a-intruder', geometry: rect(0.5, 0.5, 1.5, 1.5) };
    const items = [...tiles(), intruder];
    const quarter = CELL / 4;
    const found = findSiblingOverlaps(items, 0);
    expect(found.map(({ a, b }) => [a, b])).toEqual([
      ['a-intruder', 'm000'],
      ['a-intruder', 'm001'],
      ['a-intruder', 'm020'],
      ['a-intruder', 'm021'],
    ]);
    for (const { squareMetres } of found) expectArea(squareMetres, quarter);
    expect(findSiblingOverlaps(items, quarter * 0.9)).toHaveLength(4);
    expect(findSiblingOverlaps(items, quarter * 1.1)).toEqual([]);
  });

  it('finds nothing among the jittered micro-grids of a synthetic city, without clipping', () => {
    const intersection = vi.spyOn(polygonClipping, 'intersection');
    const microGrids = syntheticCity(600).filter((entry) => entry.level === 'microGrid');
    expect(
      findSiblingOverlaps(
        microGrids.map((entry) => ({ key: entry.code, geometry: entry.geometry! })),
        0,
      ),
    ).toEqual([]);
    expect(intersection).not.toHaveBeenCalled();
  });

  it('handles fewer than two items', () => {
    expect(findSiblingOverlaps([], 0)).toEqual([]);
    expect(findSiblingOverlaps([{ key: 'x', geometry: rect(0, 0, 1, 1) }], 0)).toEqual([]);
  });
});

describe('geometryKey', () => {
  const base = polygon(
    ring([0, 0], [2, 0], [2, 2], [0, 2]),
    ring([0.5, 0.5], [0.5, 1], [1, 1]),
    ring([1.2, 1.2], [1.2, 1.5], [1.5, 1.5]),
  );
  const exterior = base.coordinates[0]!;
  const same: { name: string; g: GridGeometry }[] = [
    { name: 'itself', g: base },
    {
      name: 'a rotated start',
      g: polygon([...exterior.slice(2, -1), ...exterior.slice(0, 3)], ...base.coordinates.slice(1)),
    },
    {
      name: 'reversed winding',
      g: polygon([...exterior].reverse(), ...base.coordinates.slice(1).map((hole) => [...hole].reverse())),
    },
    {
      name: 'noise below 1e-9°',
      g: polygon(
        exterior.map(([x, y]) => [x + 1e-12, y - 1e-12] as Position),
        ...base.coordinates.slice(1),
      ),
    },
    { name: 'a repeated position', g: polygon([exterior[0]!, ...exterior], ...base.coordinates.slice(1)) },
    { name: 'holes in another order', g: polygon(exterior, base.coordinates[2]!, base.coordinates[1]!) },
    {
      name: 'the same shape as a one-part MultiPolygon',
      g: { type: 'MultiPolygon', coordinates: [base.coordinates] },
    },
  ];
  it.each(same)('is unchanged by $name', ({ g }) => {
    expect(geometryKey(g)).toBe(geometryKey(base));
  });
  it('changes when a vertex moves by 1e-6° (about 10 cm)', () => {
    const moved = polygon(
      exterior.map(([x, y], i) => (i === 1 ? ([x + 1e-6, y] as Position) : ([x, y] as Position))),
      ...base.coordinates.slice(1),
    );
    expect(geometryKey(moved)).not.toBe(geometryKey(base));
  });
});
