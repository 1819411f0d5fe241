/**
 * A deterministic synthetic city for benchmarks and tests:
 * district → streets → areas (片区) → communities → micro-grids.
 *
 * Micro-grids are the cells of a jittered lattice about 100 m on a side near Shanghai. Every
 * lattice edge is subdivided once or twice (vertical edges sometimes not at all) by points
 * computed once per edge and shared by the two cells beside it, so neighbours share exact
 * vertices and a micro-grid ring has 6–12 vertices. A parent's boundary is traced over the
 * same lattice edges, so it contains its children exactly, vertex for vertex.
 *
 * Block sizes: a community is 5×4 cells, an area 3×3 communities, a street 4×4 areas (2,880
 * micro-grids); streets are laid out roughly square. Cells are handed out street by street,
 * area by area, community by community, row by row, so the last street, area and community
 * may be partial — still one simple polygon each.
 */
import type { IndexEntry } from '../src/grids/locate.js';
import type { Position, Ring } from '../src/grids/geometry.js';

const COMMUNITY_CELLS: [number, number] = [5, 4];
const AREA_COMMUNITIES: [number, number] = [3, 3];
const STREET_AREAS: [number, number] = [4, 4];

const ORIGIN_LNG = 121.3;
const ORIGIN_LAT = 31.1;
/** About 100 m at latitude 31.1°. */
const CELL_LNG = 100 / (111_320 * Math.cos(31.1 * (Math.PI / 180)));
const CELL_LAT = 100 / 110_950;
/** Corner jitter and subdivision offset, in cells: small enough that no ring self-intersects. */
const CORNER_JITTER = 0.15;
const MIDPOINT_OFFSET = 0.05;

const DISTRICT_CODE = '310199';

/** A deterministic value in [0, 1) from integers (a small avalanche hash, no state). */
function noise(seed: number, a: number, b: number, c: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (a + 0x7f4a7c15), 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15) ^ (b + 0x165667b1), 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 13) ^ (c + 0x61c88647), 0x85ebca6b);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}

/** Seven decimals (about 1 cm), as boundaries usually arrive. */
function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

interface Lattice {
  columns: number;
  rows: number;
  vertex(i: number, j: number): Position;
  /** Points strictly inside the lattice edge from (i, j) towards +x ('h') or +y ('v'), in that direction. */
  inner(kind: 'h' | 'v', i: number, j: number): Position[];
}

function buildLattice(columns: number, rows: number, seed: number): Lattice {
  const vertices: Position[] = [];
  for (let j = 0; j <= rows; j++) {
    for (let i = 0; i <= columns; i++) {
      const jx = (noise(seed, i, j, 1) - 0.5) * 2 * CORNER_JITTER;
      const jy = (noise(seed, i, j, 2) - 0.5) * 2 * CORNER_JITTER;
      vertices.push([round7(ORIGIN_LNG + (i + jx) * CELL_LNG), round7(ORIGIN_LAT + (j + jy) * CELL_LAT)]);
    }
  }
  const vertex = (i: number, j: number): Position => vertices[j * (columns + 1) + i]!;
  const horizontal = new Map<number, Position[]>();
  const vertical = new Map<number, Position[]>();
  const inner = (kind: 'h' | 'v', i: number, j: number): Position[] => {
    const cache = kind === 'h' ? horizontal : vertical;
    const key = j * (columns + 1) + i;
    const cached = cache.get(key);
    if (cached) return cached;
    const from = vertex(i, j);
    const to = kind === 'h' ? vertex(i + 1, j) : vertex(i, j + 1);
    const salt = kind === 'h' ? 10 : 20;
    // Horizontal edges get 1–2 points, vertical 0–2: rings of 6–12 vertices.
    const count =
      kind === 'h' ? 1 + Math.floor(noise(seed, i, j, salt) * 2) : Math.floor(noise(seed, i, j, salt) * 3);
    const points: Position[] = [];
    for (let m = 1; m <= count; m++) {
      const t = (m + (noise(seed, i, j, salt + m) - 0.5) * 0.5) / (count + 1);
      const offset = (noise(seed, i, j, salt + 5 + m) - 0.5) * 2 * MIDPOINT_OFFSET;
      const x = from[0] + t * (to[0] - from[0]) + (kind === 'v' ? offset * CELL_LNG : 0);
      const y = from[1] + t * (to[1] - from[1]) + (kind === 'h' ? offset * CELL_LAT : 0);
      points.push([round7(x), round7(y)]);
    }
    cache.set(key, points);
    return points;
  };
  return { columns, rows, vertex, inner };
}

/** The points from lattice vertex (i0, j0) to its neighbour (i1, j1), excluding the end. */
function latticeEdge(lattice: Lattice, i0: number, j0: number, i1: number, j1: number): Position[] {
  const start = lattice.vertex(i0, j0);
  if (j0 === j1) {
    const forward = i1 > i0;
    const inner = lattice.inner('h', Math.min(i0, i1), j0);
    return [start, ...(forward ? inner : [...inner].reverse())];
  }
  const forward = j1 > j0;
  const inner = lattice.inner('v', i0, Math.min(j0, j1));
  return [start, ...(forward ? inner : [...inner].reverse())];
}

/**
 * The boundary ring of every owner in `owner` (cell → owner, -1 for none), counter-clockwise.
 * Throws if an owner's cells do not form one simple polygon — a bug in the block layout.
 */
function traceBoundaries(lattice: Lattice, owner: Int32Array, ownerCount: number): Ring[] {
  const { columns, rows } = lattice;
  const ownerAt = (i: number, j: number): number =>
    i < 0 || j < 0 || i >= columns || j >= rows ? -1 : owner[j * columns + i]!;
  const vertexId = (i: number, j: number): number => j * (columns + 1) + i;
  // Directed boundary edges per owner, kept in each cell's counter-clockwise order.
  const next: Map<number, number>[] = Array.from({ length: ownerCount }, () => new Map<number, number>());
  const add = (o: number, from: number, to: number): void => {
    const edges = next[o]!;
    if (edges.has(from)) throw new Error(`synthetic city: owner ${o} pinches at vertex ${from}`);
    edges.set(from, to);
  };
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < columns; i++) {
      const o = ownerAt(i, j);
      if (o < 0) continue;
      if (ownerAt(i, j - 1) !== o) add(o, vertexId(i, j), vertexId(i + 1, j));
      if (ownerAt(i + 1, j) !== o) add(o, vertexId(i + 1, j), vertexId(i + 1, j + 1));
      if (ownerAt(i, j + 1) !== o) add(o, vertexId(i + 1, j + 1), vertexId(i, j + 1));
      if (ownerAt(i - 1, j) !== o) add(o, vertexId(i, j + 1), vertexId(i, j));
    }
  }
  return next.map((edges, o) => {
    const [start] = edges.keys();
    if (start === undefined) throw new Error(`synthetic city: owner ${o} has no cells`);
    const ring: Ring = [];
    let at = start;
    let steps = 0;
    do {
      const to = edges.get(at)!;
      const i0 = at % (columns + 1);
      const j0 = Math.floor(at / (columns + 1));
      const i1 = to % (columns + 1);
      const j1 = Math.floor(to / (columns + 1));
      ring.push(...latticeEdge(lattice, i0, j0, i1, j1));
      at = to;
      steps++;
    } while (at !== start);
    if (steps !== edges.size) throw new Error(`synthetic city: owner ${o} is not one simple polygon`);
    ring.push(ring[0]!);
    return ring;
  });
}

/**
 * A deterministic synthetic city of `microGrids` micro-grids and their parents, ids from 1, the
 * district first, then parents before their children.
 */
export function syntheticCity(microGrids = 50_000, seed = 1): IndexEntry[] {
  if (!Number.isInteger(microGrids) || microGrids < 1)
    throw new Error('syntheticCity: microGrids must be a positive integer');
  const streetColumnsOfCells = COMMUNITY_CELLS[0] * AREA_COMMUNITIES[0] * STREET_AREAS[0];
  const streetRowsOfCells = COMMUNITY_CELLS[1] * AREA_COMMUNITIES[1] * STREET_AREAS[1];
  const perStreet = streetColumnsOfCells * streetRowsOfCells;
  const streetsNeeded = Math.ceil(microGrids / perStreet);
  // Roughly square: columns × width ≈ rows × height.
  const streetColumns = Math.max(
    1,
    Math.round(Math.sqrt((streetsNeeded * streetRowsOfCells) / streetColumnsOfCells)),
  );
  const streetRows = Math.ceil(streetsNeeded / streetColumns);
  const columns = streetColumns * streetColumnsOfCells;
  const rows = streetRows * streetRowsOfCells;
  const lattice = buildLattice(columns, rows, seed);

  const cellCount = columns * rows;
  const owners = {
    street: new Int32Array(cellCount).fill(-1),
    area: new Int32Array(cellCount).fill(-1),
    community: new Int32Array(cellCount).fill(-1),
    district: new Int32Array(cellCount).fill(-1),
  };
  const microCells: number[] = [];
  const streetCodes: string[] = [];
  const areaCodes: string[] = [];
  const areaStreet: number[] = [];
  const communityCodes: string[] = [];
  const communityArea: number[] = [];
  const microCodes: string[] = [];
  const microCommunity: number[] = [];

  placement: for (let sr = 0; sr < streetRows; sr++) {
    for (let sc = 0; sc < streetColumns; sc++) {
      const street = streetCodes.length;
      streetCodes.push(`${DISTRICT_CODE}${pad(street + 1, 3)}`);
      let areaInStreet = 0;
      for (let ar = 0; ar < STREET_AREAS[1]; ar++) {
        for (let ac = 0; ac < STREET_AREAS[0]; ac++) {
          const area = areaCodes.length;
          areaCodes.push(`${streetCodes[street]}${pad(++areaInStreet, 2)}`);
          areaStreet.push(street);
          let communityInArea = 0;
          for (let cr = 0; cr < AREA_COMMUNITIES[1]; cr++) {
            for (let cc = 0; cc < AREA_COMMUNITIES[0]; cc++) {
              const community = communityCodes.length;
              communityCodes.push(`${areaCodes[area]}${pad(++communityInArea, 3)}`);
              communityArea.push(area);
              let microInCommunity = 0;
              for (let mr = 0; mr < COMMUNITY_CELLS[1]; mr++) {
                for (let mc = 0; mc < COMMUNITY_CELLS[0]; mc++) {
                  const i =
                    sc * streetColumnsOfCells + (ac * AREA_COMMUNITIES[0] + cc) * COMMUNITY_CELLS[0] + mc;
                  const j =
                    sr * streetRowsOfCells + (ar * AREA_COMMUNITIES[1] + cr) * COMMUNITY_CELLS[1] + mr;
                  const cell = j * columns + i;
                  owners.street[cell] = street;
                  owners.area[cell] = area;
                  owners.community[cell] = community;
                  owners.district[cell] = 0;
                  microCells.push(cell);
                  microCodes.push(`${communityCodes[community]}${pad(++microInCommunity, 3)}`);
                  microCommunity.push(community);
                  if (microCells.length === microGrids) break placement;
                }
              }
            }
          }
        }
      }
    }
  }

  const [districtRing] = traceBoundaries(lattice, owners.district, 1);
  const streetRings = traceBoundaries(lattice, owners.street, streetCodes.length);
  const areaRings = traceBoundaries(lattice, owners.area, areaCodes.length);
  const communityRings = traceBoundaries(lattice, owners.community, communityCodes.length);

  const entries: IndexEntry[] = [];
  let nextId = 1;
  const polygon = (ring: Ring): IndexEntry['geometry'] => ({ type: 'Polygon', coordinates: [ring] });
  const districtId = nextId++;
  entries.push({
    id: districtId,
    code: DISTRICT_CODE,
    name: '合成区',
    level: 'district',
    parentId: null,
    depth: 0,
    geometry: polygon(districtRing!),
  });
  const streetIds = streetCodes.map((code, s) => {
    const id = nextId++;
    entries.push({
      id,
      code,
      name: `合成街道${s + 1}`,
      level: 'street',
      parentId: districtId,
      depth: 1,
      geometry: polygon(streetRings[s]!),
    });
    return id;
  });
  const areaIds = areaCodes.map((code, a) => {
    const id = nextId++;
    entries.push({
      id,
      code,
      name: `片区${a + 1}`,
      level: 'area',
      parentId: streetIds[areaStreet[a]!]!,
      depth: 2,
      geometry: polygon(areaRings[a]!),
    });
    return id;
  });
  const communityIds = communityCodes.map((code, c) => {
    const id = nextId++;
    entries.push({
      id,
      code,
      name: `社区${c + 1}`,
      level: 'community',
      parentId: areaIds[communityArea[c]!]!,
      depth: 3,
      geometry: polygon(communityRings[c]!),
    });
    return id;
  });
  for (let m = 0; m < microCells.length; m++) {
    const cell = microCells[m]!;
    const i = cell % columns;
    const j = Math.floor(cell / columns);
    const ring: Ring = [
      ...latticeEdge(lattice, i, j, i + 1, j),
      ...latticeEdge(lattice, i + 1, j, i + 1, j + 1),
      ...latticeEdge(lattice, i + 1, j + 1, i, j + 1),
      ...latticeEdge(lattice, i, j + 1, i, j),
    ];
    ring.push(ring[0]!);
    entries.push({
      id: nextId++,
      code: microCodes[m]!,
      name: `微网格${m + 1}`,
      level: 'microGrid',
      parentId: communityIds[microCommunity[m]!]!,
      depth: 4,
      geometry: polygon(ring),
    });
  }
  return entries;
}
