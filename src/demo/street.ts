/**
 * The deterministic demo street: 宝山区友谊路街道 as seed 000 describes it — 5 comprehensive grids (综合网格) →
 * 9 governance units (治理单元) → 201 micro-grids (小微网格), with buildings (楼栋) and their units (单元).
 *
 * The boundaries are invented but tile exactly: the micro-grids are the Voronoi cells of 201 sites inside an
 * irregular street outline, bounded by mirrored and outer sites; neighbouring cells share the very same vertex
 * coordinates, so every parent is the exact union of its children. The generator is a pure function of the
 * seed: a seeded PRNG, no clock, and only arithmetic that IEEE 754 fixes bit for bit (+ − × ÷ √; no sin, cos
 * or log, whose last bit may differ between platforms), so the output is the same byte for byte everywhere.
 */
import { Delaunay } from 'd3-delaunay';
import polygonClipping from 'polygon-clipping';
import type { PolygonGeometry, Position, Ring } from '../grids/geometry.js';
import type { GridFeature, GridFeatureCollection } from '../grids/service.js';
import {
  COMPOUND_STEMS,
  COMPOUND_SUFFIXES,
  ORDINALS,
  ROADS,
  SPECIAL_PLACES,
  type SpecialGridType,
} from './names.js';
import { mulberry32, type Random } from './random.js';

export const DEMO_SEED = 20261125;

export const DEMO_DISTRICT = { code: '310113', name: '宝山区' } as const;
export const DEMO_STREET = { code: '310113003', name: '友谊路街道' } as const;

/** A building (楼栋) of a residential micro-grid, with its units (单元, stairwells). */
export interface DemoBuilding {
  code: string;
  /** Code of the micro-grid the building stands in. */
  gridCode: string;
  /** "12号楼" */
  name: string;
  address: string;
  lng: number;
  lat: number;
  floors: number;
  /** "1单元", "2单元" … */
  units: string[];
}

export interface DemoStreet {
  collection: GridFeatureCollection;
  buildings: DemoBuilding[];
}

// ---------------------------------------------------------------------------------------------------------------
// Local plane: metres east (x) and north (y) of an origin near 友谊路, Baoshan. An equirectangular projection is
// exact enough over 5 km; the two scale factors are constants so that no trigonometry enters the output.

const ORIGIN_LNG = 121.486;
const ORIGIN_LAT = 31.401;
/** Metres per degree of longitude at 31.40° N (111 320 · cos 31.40°). */
const METRES_PER_DEGREE_LNG = 95_017.3;
/** Metres per degree of latitude at 31.40° N. */
const METRES_PER_DEGREE_LAT = 110_861.2;

type XY = [number, number];

function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

function toLngLat([x, y]: XY): Position {
  return [round7(ORIGIN_LNG + x / METRES_PER_DEGREE_LNG), round7(ORIGIN_LAT + y / METRES_PER_DEGREE_LAT)];
}

/**
 * The street's outline in metres, counter-clockwise: straight stretches like the roads and the river bank that
 * bound a real street. About 4.6 km².
 */
const STREET_OUTLINE: XY[] = [
  [-1240, -880],
  [-620, -960],
  [-80, -1010],
  [420, -900],
  [980, -1040],
  [1260, -620],
  [1190, -120],
  [1330, 380],
  [1180, 860],
  [640, 980],
  [110, 900],
  [-330, 1060],
  [-860, 940],
  [-1130, 520],
  [-1020, 80],
  [-1300, -340],
];

/** Mean distance between neighbouring sites, in metres (≈ 2.3 ha per micro-grid). */
const SITE_SPACING = 150;
/** Distance of a mirrored boundary site from the outline: the pair's bisector is the outline itself. */
const MIRROR_OFFSET = 50;
const MICRO_GRID_COUNT = 201;
const UNIT_COUNT = 9;

// ---------------------------------------------------------------------------------------------------------------
// Plane geometry helpers (metres).

function insideRing(ring: readonly XY[], [x, y]: XY): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function distanceToSegment([x, y]: XY, [ax, ay]: XY, [bx, by]: XY): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  let t = lengthSquared === 0 ? 0 : ((x - ax) * dx + (y - ay) * dy) / lengthSquared;
  t = Math.max(0, Math.min(1, t));
  const px = ax + t * dx - x;
  const py = ay + t * dy - y;
  return Math.sqrt(px * px + py * py);
}

function distanceToRing(ring: readonly XY[], point: XY): number {
  let best = Infinity;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    best = Math.min(best, distanceToSegment(point, ring[j]!, ring[i]!));
  }
  return best;
}

function distance([ax, ay]: XY, [bx, by]: XY): number {
  return Math.sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by));
}

function unit([x, y]: XY): XY {
  const length = Math.sqrt(x * x + y * y);
  return [x / length, y / length];
}

/** Signed area (positive when counter-clockwise) of an open or closed ring. */
function signedArea(ring: readonly (readonly [number, number])[]): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    twice += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
  }
  return twice / 2;
}

function centroid(ring: readonly XY[]): XY {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const cross = ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
    a += cross;
    cx += (ring[j]![0] + ring[i]![0]) * cross;
    cy += (ring[j]![1] + ring[i]![1]) * cross;
  }
  return [cx / (3 * a), cy / (3 * a)];
}

function bounds(points: readonly XY[]): { minX: number; minY: number; maxX: number; maxY: number } {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return { minX, minY, maxX, maxY };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Sites: mirrored pairs along the outline, Poisson-disc sites inside, a loose ring of sites outside.

interface Sites {
  /** The 201 sites of the micro-grids; the first `fixed` of them sit on the outline and never move. */
  inner: XY[];
  fixed: number;
  outer: XY[];
}

function placeSites(random: Random): Sites {
  const outline = STREET_OUTLINE;
  const inner: XY[] = [];
  const outer: XY[] = [];
  for (let i = 0; i < outline.length; i += 1) {
    const a = outline[i]!;
    const b = outline[(i + 1) % outline.length]!;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const length = Math.sqrt(dx * dx + dy * dy);
    // outward normal of a counter-clockwise ring
    const nx = dy / length;
    const ny = -dx / length;
    const count = Math.max(1, Math.round(length / SITE_SPACING));
    for (let k = 0; k < count; k += 1) {
      const t = (k + 0.5) / count;
      const px = a[0] + t * dx;
      const py = a[1] + t * dy;
      const inside: XY = [px - MIRROR_OFFSET * nx, py - MIRROR_OFFSET * ny];
      const outside: XY = [px + MIRROR_OFFSET * nx, py + MIRROR_OFFSET * ny];
      // near a sharp corner a mirrored site may land on the wrong side or crowd its neighbour: leave the pair out
      if (!insideRing(outline, inside) || insideRing(outline, outside)) continue;
      if (
        distanceToRing(outline, inside) < MIRROR_OFFSET * 0.9 ||
        distanceToRing(outline, outside) < MIRROR_OFFSET * 0.9
      )
        continue;
      if (inner.some((site) => distance(site, inside) < SITE_SPACING * 0.5)) continue;
      inner.push(inside);
      outer.push(outside);
    }
  }
  const fixed = inner.length;
  // an outer site beyond each convex corner, as far out as the nearest inner site is in: the corner then lies on
  // their bisector, instead of the corner cell reaching out to the lattice below or being cut off
  for (let i = 0; i < outline.length; i += 1) {
    const previous = outline[(i + outline.length - 1) % outline.length]!;
    const corner = outline[i]!;
    const next = outline[(i + 1) % outline.length]!;
    const cross =
      (corner[0] - previous[0]) * (next[1] - corner[1]) - (corner[1] - previous[1]) * (next[0] - corner[0]);
    if (cross <= 0) continue;
    const a = unit([corner[0] - previous[0], corner[1] - previous[1]]);
    const b = unit([corner[0] - next[0], corner[1] - next[1]]);
    const outward = unit([a[0] + b[0], a[1] + b[1]]);
    const reach = Math.min(...inner.map((site) => distance(site, corner)));
    const site: XY = [corner[0] + reach * outward[0], corner[1] + reach * outward[1]];
    if (!insideRing(outline, site) && !outer.some((other) => distance(other, site) < MIRROR_OFFSET))
      outer.push(site);
  }

  const box = bounds(outline);
  let minimumDistance = SITE_SPACING * 0.8;
  while (inner.length < MICRO_GRID_COUNT) {
    let placed = false;
    for (let attempt = 0; attempt < 5000 && !placed; attempt += 1) {
      const candidate: XY = [random.between(box.minX, box.maxX), random.between(box.minY, box.maxY)];
      if (!insideRing(outline, candidate)) continue;
      if (distanceToRing(outline, candidate) < SITE_SPACING * 0.6) continue;
      if (inner.some((site) => distance(site, candidate) < minimumDistance)) continue;
      inner.push(candidate);
      placed = true;
    }
    if (!placed) minimumDistance *= 0.95;
  }

  // a loose lattice outside keeps every inner cell finite; it stays clear of the mirrored sites
  const margin = 900;
  for (let y = box.minY - margin; y <= box.maxY + margin; y += SITE_SPACING * 1.2) {
    for (let x = box.minX - margin; x <= box.maxX + margin; x += SITE_SPACING * 1.2) {
      const point: XY = [x + random.between(-30, 30), y + random.between(-30, 30)];
      if (insideRing(outline, point) || distanceToRing(outline, point) < SITE_SPACING * 1.1) continue;
      outer.push(point);
    }
  }
  return { inner, fixed, outer };
}

// ---------------------------------------------------------------------------------------------------------------
// 2. The Voronoi cells of the inner sites, with shared vertices.

interface Cell {
  index: number;
  site: XY;
  /** Vertex ids, counter-clockwise, open. */
  ring: number[];
  /** The ring in metres, counter-clockwise, open. */
  metres: XY[];
  areaSquareMetres: number;
  center: XY;
  neighbours: Set<number>;
  /** True when one of the cell's edges is on the street boundary. */
  onBoundary: boolean;
}

function voronoi(sites: XY[], innerCount: number): { cells: Cell[] } {
  const delaunay = Delaunay.from(sites);
  const { points, triangles, halfedges, inedges } = delaunay;
  const triangleCount = triangles.length / 3;
  const circumcenters: XY[] = [];
  for (let t = 0; t < triangleCount; t += 1) {
    const i1 = triangles[3 * t]! * 2;
    const i2 = triangles[3 * t + 1]! * 2;
    const i3 = triangles[3 * t + 2]! * 2;
    const x1 = points[i1]!;
    const y1 = points[i1 + 1]!;
    const dx = points[i2]! - x1;
    const dy = points[i2 + 1]! - y1;
    const ex = points[i3]! - x1;
    const ey = points[i3 + 1]! - y1;
    const d = 1 / ((dx * ey - dy * ex) * 2);
    const bl = dx * dx + dy * dy;
    const cl = ex * ex + ey * ey;
    circumcenters.push([x1 + (ey * bl - dy * cl) * d, y1 + (dx * cl - ex * bl) * d]);
  }
  // Circumcentres closer than half a metre (nearly co-circular sites) become one vertex, so that no edge is
  // shorter than the rounding of the coordinates to 7 decimals (about 1 cm).
  const representative = Array.from({ length: triangleCount }, (_, t) => t);
  const find = (t: number): number => {
    while (representative[t] !== t) t = representative[t]!;
    return t;
  };
  for (let e = 0; e < halfedges.length; e += 1) {
    const h = halfedges[e]!;
    if (h < e) continue;
    const a = find(Math.floor(e / 3));
    const b = find(Math.floor(h / 3));
    if (a !== b && distance(circumcenters[a]!, circumcenters[b]!) < 0.5) {
      representative[Math.max(a, b)] = Math.min(a, b);
    }
  }

  const cells: Cell[] = [];
  for (let i = 0; i < innerCount; i += 1) {
    const e0 = inedges[i]!;
    if (e0 === -1) throw new Error(`demo street: site ${i} coincides with another`);
    const ring: number[] = [];
    let e = e0;
    do {
      const vertex = find(Math.floor(e / 3));
      if (ring[ring.length - 1] !== vertex) ring.push(vertex);
      e = e % 3 === 2 ? e - 2 : e + 1;
      e = halfedges[e]!;
      if (e === -1) throw new Error(`demo street: the cell of site ${i} is unbounded`);
    } while (e !== e0);
    if (ring.length > 1 && ring[0] === ring[ring.length - 1]) ring.pop();
    let metres = ring.map((vertex) => circumcenters[vertex]!);
    if (signedArea(metres) < 0) {
      ring.reverse();
      metres = metres.slice().reverse();
    }
    cells.push({
      index: i,
      site: sites[i]!,
      ring,
      metres,
      areaSquareMetres: signedArea(metres),
      center: centroid(metres),
      neighbours: new Set(),
      onBoundary: false,
    });
  }

  // neighbours share an edge (two consecutive vertex ids) at least 5 m long
  const edges = new Map<string, number[]>();
  for (const cell of cells) {
    cell.ring.forEach((vertex, k) => {
      const next = cell.ring[(k + 1) % cell.ring.length]!;
      const key = vertex < next ? `${vertex}:${next}` : `${next}:${vertex}`;
      const owners = edges.get(key);
      if (owners) owners.push(cell.index);
      else edges.set(key, [cell.index]);
    });
  }
  for (const [key, owners] of edges) {
    if (owners.length === 1) {
      cells[owners[0]!]!.onBoundary = true;
      continue;
    }
    const [a, b] = key.split(':').map(Number) as [number, number];
    if (distance(circumcenters[a]!, circumcenters[b]!) < 5) continue;
    cells[owners[0]!]!.neighbours.add(owners[1]!);
    cells[owners[1]!]!.neighbours.add(owners[0]!);
  }
  return { cells };
}

/** Lloyd relaxation of the free inner sites: even, compact micro-grids like real ones. */
function relax(sites: Sites, rounds: number): void {
  for (let round = 0; round < rounds; round += 1) {
    const { cells } = voronoi([...sites.inner, ...sites.outer], sites.inner.length);
    for (let i = sites.fixed; i < sites.inner.length; i += 1) {
      const target = cells[i]!.center;
      if (
        insideRing(STREET_OUTLINE, target) &&
        distanceToRing(STREET_OUTLINE, target) >= SITE_SPACING * 0.55
      ) {
        sites.inner[i] = target;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Grouping: cells → 9 governance units → 5 comprehensive grids, each group one connected piece.

/** k centres of the points (k-means, farthest-point start), weighted by area. */
function kMeans(points: { at: XY; weight: number }[], k: number): XY[] {
  const first = points.reduce((best, point) =>
    point.at[0] - point.at[1] < best.at[0] - best.at[1] ? point : best,
  );
  const centres: XY[] = [first.at];
  while (centres.length < k) {
    let farthest = points[0]!;
    let farthestDistance = -1;
    for (const point of points) {
      const nearest = Math.min(...centres.map((centre) => distance(centre, point.at)));
      if (nearest > farthestDistance) {
        farthestDistance = nearest;
        farthest = point;
      }
    }
    centres.push(farthest.at);
  }
  for (let round = 0; round < 30; round += 1) {
    const sums = centres.map(() => ({ x: 0, y: 0, w: 0 }));
    for (const point of points) {
      const nearest = nearestIndex(centres, point.at);
      sums[nearest]!.x += point.at[0] * point.weight;
      sums[nearest]!.y += point.at[1] * point.weight;
      sums[nearest]!.w += point.weight;
    }
    sums.forEach((sum, i) => {
      if (sum.w > 0) centres[i] = [sum.x / sum.w, sum.y / sum.w];
    });
  }
  return centres;
}

function nearestIndex(centres: readonly XY[], point: XY): number {
  let best = 0;
  for (let i = 1; i < centres.length; i += 1) {
    if (distance(centres[i]!, point) < distance(centres[best]!, point)) best = i;
  }
  return best;
}

/**
 * Assign cells to regions grown from the cell nearest each centre, always taking next the unclaimed neighbour
 * closest to its region's centre: a Voronoi partition on the adjacency graph, so every region is connected.
 */
function growRegions(cells: Cell[], members: number[], centres: XY[]): Map<number, number> {
  const allowed = new Set(members);
  const region = new Map<number, number>();
  centres.forEach((centre, r) => {
    let seed = -1;
    for (const index of members) {
      if (region.has(index)) continue;
      if (seed === -1 || distance(cells[index]!.center, centre) < distance(cells[seed]!.center, centre))
        seed = index;
    }
    region.set(seed, r);
  });
  while (region.size < members.length) {
    let best: { cell: number; region: number; distance: number } | null = null;
    for (const [index, r] of region) {
      for (const neighbour of cells[index]!.neighbours) {
        if (!allowed.has(neighbour) || region.has(neighbour)) continue;
        const d = distance(cells[neighbour]!.center, centres[r]!);
        if (!best || d < best.distance || (d === best.distance && neighbour < best.cell)) {
          best = { cell: neighbour, region: r, distance: d };
        }
      }
    }
    if (!best) throw new Error('demo street: the micro-grids are not connected');
    region.set(best.cell, best.region);
  }
  return region;
}

type PlanePolygon = [number, number][][];

function unionOf(polygons: PlanePolygon[]): PlanePolygon[] {
  const [first, ...rest] = polygons;
  if (!first) return [];
  return polygonClipping.union(first, ...rest);
}

/** A group is usable when its union is one polygon without holes. */
function isSimpleUnion(polygons: PlanePolygon[]): boolean {
  const union = unionOf(polygons);
  return union.length === 1 && union[0]!.length === 1;
}

function cellPolygon(cell: Cell): PlanePolygon {
  return [[...cell.metres, cell.metres[0]!]];
}

/** The 9 units paired into 5 comprehensive grids (2, 2, 2, 2, 1): the most compact pairing of neighbours. */
function pairUnits(unitCells: number[][], cells: Cell[]): number[][] {
  const unitOf = new Map<number, number>();
  unitCells.forEach((members, u) => members.forEach((index) => unitOf.set(index, u)));
  const adjacent = unitCells.map(() => new Set<number>());
  for (const cell of cells) {
    for (const neighbour of cell.neighbours) {
      const a = unitOf.get(cell.index)!;
      const b = unitOf.get(neighbour)!;
      if (a !== b) adjacent[a]!.add(b);
    }
  }
  const centres = unitCells.map((members) => areaWeightedCentre(members.map((index) => cells[index]!)));
  const options: { groups: number[][]; score: number }[] = [];
  const match = (rest: number[], pairs: number[][], single: number): void => {
    if (rest.length === 0) {
      const score = pairs.reduce((sum, [a, b]) => {
        const d = distance(centres[a!]!, centres[b!]!);
        return sum + d * d;
      }, 0);
      options.push({ groups: [...pairs, [single]], score });
      return;
    }
    const [first, ...others] = rest as [number, ...number[]];
    for (const partner of others) {
      if (!adjacent[first]!.has(partner)) continue;
      match(
        others.filter((u) => u !== partner),
        [...pairs, [first, partner]],
        single,
      );
    }
  };
  for (let single = 0; single < unitCells.length; single += 1) {
    match(
      unitCells.map((_, u) => u).filter((u) => u !== single),
      [],
      single,
    );
  }
  options.sort((a, b) => a.score - b.score);
  for (const option of options) {
    const simple = option.groups.every((group) =>
      isSimpleUnion(group.flatMap((u) => unitCells[u]!.map((index) => cellPolygon(cells[index]!)))),
    );
    if (simple) return option.groups;
  }
  throw new Error('demo street: no pairing of the governance units gives 5 simple comprehensive grids');
}

function areaWeightedCentre(cells: Cell[]): XY {
  let x = 0;
  let y = 0;
  let w = 0;
  for (const cell of cells) {
    x += cell.center[0] * cell.areaSquareMetres;
    y += cell.center[1] * cell.areaSquareMetres;
    w += cell.areaSquareMetres;
  }
  return [x / w, y / w];
}

/** North-west first: the order in which the grids are numbered. */
function readingKey([x, y]: XY): number {
  return x - y;
}

/** Row by row from north to south, west to east within a row of about 200 m. */
function rowKey([x, y]: XY): number {
  return -Math.floor(y / 200) * 100_000 + x;
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Micro-grid types, compounds, names.

const SPECIAL_COUNTS: Record<SpecialGridType, number> = {
  school: 7,
  market: 4,
  commercial_complex: 3,
  office_building: 5,
  street_shops: 7,
  industrial_park: 3,
  street_road: 4,
};

function assignTypes(cells: Cell[], random: Random): Map<number, SpecialGridType> {
  const types = new Map<number, SpecialGridType>();
  const touchesType = (index: number, type: SpecialGridType): boolean =>
    [...cells[index]!.neighbours].some((neighbour) => types.get(neighbour) === type);
  // an industrial park: three neighbouring cells on the street's edge
  const boundary = cells.filter((cell) => cell.onBoundary).map((cell) => cell.index);
  const park: number[] = [random.pick(boundary)];
  while (park.length < SPECIAL_COUNTS.industrial_park) {
    const next = park
      .flatMap((index) => [...cells[index]!.neighbours])
      .filter((index) => !park.includes(index) && cells[index]!.onBoundary)
      .sort((a, b) => a - b)[0];
    if (next === undefined) break;
    park.push(next);
  }
  for (const index of park) types.set(index, 'industrial_park');
  // street roads on the edge, the rest anywhere; never two of a kind side by side
  const order: SpecialGridType[] = [
    'street_road',
    'school',
    'market',
    'commercial_complex',
    'office_building',
    'street_shops',
  ];
  for (const type of order) {
    const candidates = random.shuffle(type === 'street_road' ? boundary : cells.map((cell) => cell.index));
    let placed = 0;
    for (const index of candidates) {
      if (placed === SPECIAL_COUNTS[type]) break;
      if (types.has(index) || touchesType(index, type)) continue;
      types.set(index, type);
      placed += 1;
    }
  }
  return types;
}

interface Compound {
  name: string;
  road: string;
  lane: number;
  /** Multi-storey 新村 of the 1980s–90s, or a high-rise 小区 of the 2000s. */
  highRise: boolean;
  /** Axis of the building rows (a unit vector near east). */
  axis: XY;
  nextBuilding: number;
}

function compoundNames(random: Random): string[] {
  const names: string[] = [];
  for (const stem of COMPOUND_STEMS) for (const suffix of COMPOUND_SUFFIXES) names.push(`${stem}${suffix}`);
  return random.shuffle(names);
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Buildings on a rotated lattice inside each residential micro-grid, rows facing south.

function placeBuildings(cell: Cell, compound: Compound, count: number, random: Random): XY[] {
  const [ux, uy] = compound.axis;
  const vx = -uy;
  const vy = ux;
  const along = cell.metres.map(([x, y]) => (x - cell.center[0]) * ux + (y - cell.center[1]) * uy);
  const across = cell.metres.map(([x, y]) => (x - cell.center[0]) * vx + (y - cell.center[1]) * vy);
  const uMin = Math.min(...along);
  const uMax = Math.max(...along);
  const vMin = Math.min(...across);
  const vMax = Math.max(...across);
  let spacingU = compound.highRise ? 50 : 58;
  let spacingV = compound.highRise ? 55 : 36;
  let points: XY[] = [];
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const phaseU = random.between(0, spacingU);
    const phaseV = random.between(0, spacingV);
    points = [];
    for (let v = vMin + phaseV; v <= vMax; v += spacingV) {
      for (let u = uMin + phaseU; u <= uMax; u += spacingU) {
        const point: XY = [cell.center[0] + u * ux + v * vx, cell.center[1] + u * uy + v * vy];
        if (insideRing(cell.metres, point) && distanceToRing(cell.metres, point) >= 12) points.push(point);
      }
    }
    if (points.length >= count) break;
    spacingU *= 0.8;
    spacingV *= 0.8;
  }
  if (points.length === 0) points = [cell.center];
  const chosen = random.shuffle(points).slice(0, count);
  // number them like a compound does: row by row from the north, west to east
  return chosen.sort((a, b) => {
    const rowA = Math.round(((a[0] - cell.center[0]) * vx + (a[1] - cell.center[1]) * vy) / 10);
    const rowB = Math.round(((b[0] - cell.center[0]) * vx + (b[1] - cell.center[1]) * vy) / 10);
    return rowB - rowA || a[0] * ux + a[1] * uy - (b[0] * ux + b[1] * uy);
  });
}

function floorsAndUnits(compound: Compound, random: Random): { floors: number; units: string[] } {
  const floors = compound.highRise ? random.pick([11, 14, 18, 18, 24, 28]) : random.pick([5, 6, 6, 6, 6, 7]);
  const unitCount = compound.highRise ? random.integer(1, 2) : random.integer(2, 5);
  return { floors, units: Array.from({ length: unitCount }, (_, k) => `${k + 1}单元`) };
}

// ---------------------------------------------------------------------------------------------------------------
// 6. The street.

function polygonGeometry(rings: [number, number][][]): PolygonGeometry {
  return {
    type: 'Polygon',
    coordinates: rings.map((ring, k) => {
      const closed: Ring = ring.map(([x, y]) => [x, y] as Position);
      const first = closed[0]!;
      const last = closed[closed.length - 1]!;
      if (first[0] !== last[0] || first[1] !== last[1]) closed.push([first[0], first[1]]);
      // RFC 7946: exterior rings counter-clockwise, holes clockwise
      const counterClockwise = signedArea(closed) > 0;
      if ((k === 0) !== counterClockwise) closed.reverse();
      return closed;
    }),
  };
}

/** The exact union of child polygons (degrees); the children share vertices, so the union adds none. */
function unionGeometry(children: PolygonGeometry[], what: string): PolygonGeometry {
  const union = unionOf(children.map((child) => child.coordinates as [number, number][][]));
  if (union.length !== 1 || union[0]!.length !== 1) {
    throw new Error(`demo street: ${what} is not one polygon without holes`);
  }
  return polygonGeometry(union[0]!);
}

/** An irregular 12-gon around the street, 1.5–3.5 km beyond its farthest point. */
function districtOutline(street: XY[], random: Random): XY[] {
  const centre = centroid(street);
  const reach = Math.max(...street.map((point) => distance(point, centre)));
  const half = Math.sqrt(3) / 2;
  const directions: XY[] = [
    [1, 0],
    [half, 0.5],
    [0.5, half],
    [0, 1],
    [-0.5, half],
    [-half, 0.5],
    [-1, 0],
    [-half, -0.5],
    [-0.5, -half],
    [0, -1],
    [0.5, -half],
    [half, -0.5],
  ];
  return directions.map(([dx, dy]) => {
    const radius = reach + random.between(1500, 3500);
    return [centre[0] + dx * radius, centre[1] + dy * radius];
  });
}

function feature(
  code: string,
  name: string,
  level: string,
  parentCode: string | null,
  gridType: string,
  geometry: PolygonGeometry,
): GridFeature {
  return { type: 'Feature', geometry, properties: { code, name, level, parentCode, gridType } };
}

export function generateDemoStreet(seed: number = DEMO_SEED): DemoStreet {
  const random = mulberry32(seed);

  // sites and cells
  const sites = placeSites(random);
  relax(sites, 4);
  const { cells } = voronoi([...sites.inner, ...sites.outer], sites.inner.length);
  if (cells.length !== MICRO_GRID_COUNT)
    throw new Error(`demo street: ${cells.length} cells instead of ${MICRO_GRID_COUNT}`);

  // units and comprehensive grids
  const all = cells.map((cell) => cell.index);
  const unitCentres = kMeans(
    cells.map((cell) => ({ at: cell.center, weight: cell.areaSquareMetres })),
    UNIT_COUNT,
  );
  const unitOfCell = growRegions(cells, all, unitCentres);
  const unitCells = unitCentres.map((_, u) => all.filter((index) => unitOfCell.get(index) === u));
  unitCells.forEach((members, u) => {
    if (!isSimpleUnion(members.map((index) => cellPolygon(cells[index]!)))) {
      throw new Error(`demo street: governance unit ${u} is not one polygon without holes (seed ${seed})`);
    }
  });
  const centreOf = (members: number[]): XY => areaWeightedCentre(members.map((index) => cells[index]!));
  const areaGroups = pairUnits(unitCells, cells)
    .map((group) =>
      group.map((u) => unitCells[u]!).sort((a, b) => readingKey(centreOf(a)) - readingKey(centreOf(b))),
    )
    .sort((a, b) => readingKey(centreOf(a.flat())) - readingKey(centreOf(b.flat())));

  // micro-grid types and residential compounds
  const types = assignTypes(cells, random);
  const names = compoundNames(random);
  const specialNames = new Map<SpecialGridType, string[]>(
    (Object.keys(SPECIAL_PLACES) as SpecialGridType[]).map((type) => [
      type,
      random.shuffle(SPECIAL_PLACES[type]),
    ]),
  );
  const usedLanes = new Set<string>();
  const newCompound = (): Compound => {
    const name = names.shift();
    if (!name) throw new Error('demo street: out of compound names');
    let road: string;
    let lane: number;
    do {
      road = random.pick(ROADS);
      lane = random.integer(10, 999);
    } while (usedLanes.has(`${road}${lane}`));
    usedLanes.add(`${road}${lane}`);
    const slope = random.between(-0.18, 0.18);
    const length = Math.sqrt(1 + slope * slope);
    return {
      name,
      road,
      lane,
      highRise: random.next() < 0.3,
      axis: [1 / length, slope / length],
      nextBuilding: 1,
    };
  };

  const features: GridFeature[] = [];
  const areaFeatures: GridFeature[] = [];
  const unitFeatures: GridFeature[] = [];
  const microFeatures: GridFeature[] = [];
  const buildings: DemoBuilding[] = [];
  const areaGeometries: PolygonGeometry[] = [];

  areaGroups.forEach((units, a) => {
    const areaCode = `${DEMO_STREET.code}${String(801 + a)}`;
    const unitGeometries: PolygonGeometry[] = [];
    const unitStart = unitFeatures.length;
    units.forEach((members, u) => {
      const unitCode = `${areaCode}${String(u + 1).padStart(3, '0')}`;
      const unitNumber = unitStart + u + 1;
      // the unit's micro-grids in order: compounds of 1–4 neighbouring residential cells, and the special grids
      const member = new Set(members);
      const byRow = members
        .slice()
        .sort((p, q) => rowKey(cells[p]!.center) - rowKey(cells[q]!.center) || p - q);
      const rank = new Map(byRow.map((index, k) => [index, k]));
      const items: { rank: number; cells: number[]; compound?: Compound; special?: SpecialGridType }[] = [];
      const taken = new Set<number>();
      for (const index of byRow) {
        if (taken.has(index)) continue;
        taken.add(index);
        const special = types.get(index);
        if (special) {
          items.push({ rank: rank.get(index)!, cells: [index], special });
          continue;
        }
        const target = random.pick([1, 2, 2, 3, 3, 3, 4, 4]);
        const group = [index];
        while (group.length < target) {
          const next = group
            .flatMap((g) => [...cells[g]!.neighbours])
            .filter((n) => member.has(n) && !taken.has(n) && !types.has(n))
            .sort((p, q) => rank.get(p)! - rank.get(q)!)[0];
          if (next === undefined) break;
          group.push(next);
          taken.add(next);
        }
        items.push({ rank: rank.get(index)!, cells: group, compound: newCompound() });
      }
      items.sort((p, q) => p.rank - q.rank);

      const microGeometries: PolygonGeometry[] = [];
      let sequence = 0;
      for (const item of items) {
        item.cells.forEach((index, k) => {
          sequence += 1;
          const cell = cells[index]!;
          const code = `${unitCode}${String(sequence).padStart(3, '0')}`;
          const geometry = polygonGeometry([cell.metres.map(toLngLat)]);
          microGeometries.push(geometry);
          if (item.special) {
            const name = specialNames.get(item.special)!.shift()!;
            microFeatures.push(feature(code, `${name}微网格`, 'microGrid', unitCode, item.special, geometry));
            return;
          }
          const compound = item.compound!;
          const name = item.cells.length > 1 ? `${compound.name}第${k + 1}微网格` : `${compound.name}微网格`;
          microFeatures.push(feature(code, name, 'microGrid', unitCode, 'residential', geometry));
          const points = placeBuildings(cell, compound, random.integer(3, 8), random);
          points.forEach((point, b) => {
            const number = compound.nextBuilding;
            compound.nextBuilding += 1;
            const [lng, lat] = toLngLat(point);
            buildings.push({
              code: `${code}-${String(b + 1).padStart(2, '0')}`,
              gridCode: code,
              name: `${number}号楼`,
              address: `上海市宝山区${compound.road}${compound.lane}弄${number}号`,
              lng,
              lat,
              ...floorsAndUnits(compound, random),
            });
          });
        });
      }
      const unitGeometry = unionGeometry(microGeometries, `governance unit ${unitCode}`);
      unitGeometries.push(unitGeometry);
      unitFeatures.push(
        feature(
          unitCode,
          `第${ORDINALS[unitNumber - 1]}治理单元`,
          'community',
          areaCode,
          'residential',
          unitGeometry,
        ),
      );
    });
    const areaGeometry = unionGeometry(unitGeometries, `comprehensive grid ${areaCode}`);
    areaGeometries.push(areaGeometry);
    areaFeatures.push(
      feature(areaCode, `第${ORDINALS[a]}综合网格`, 'area', DEMO_STREET.code, 'residential', areaGeometry),
    );
  });

  const streetGeometry = unionGeometry(areaGeometries, 'the street');
  const streetMetres = cells.flatMap((cell) => (cell.onBoundary ? cell.metres : []));
  const district = polygonGeometry([districtOutline(streetMetres, random).map(toLngLat)]);
  features.push(feature(DEMO_DISTRICT.code, DEMO_DISTRICT.name, 'district', null, 'residential', district));
  features.push(
    feature(DEMO_STREET.code, DEMO_STREET.name, 'street', DEMO_DISTRICT.code, 'residential', streetGeometry),
  );
  features.push(...areaFeatures, ...unitFeatures, ...microFeatures);
  return { collection: { type: 'FeatureCollection', features }, buildings };
}
