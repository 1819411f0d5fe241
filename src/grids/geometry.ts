/**
 * Pure geometry of grid boundaries: validation, area, point-in-polygon, overlap.
 *
 * No database, no HTTP. Coordinates are [lng, lat] degrees. Every yes/no question about where a
 * point lies relative to a line is answered exactly (robust-predicates' orient2d), so a point on
 * an edge shared by two tiled grids is "on the boundary" of both, never inside one by rounding.
 */
import Flatbush from 'flatbush';
import polygonClipping from 'polygon-clipping';
import { orient2d } from 'robust-predicates';

/** GeoJSON geometry of a grid boundary, coordinates in WGS-84 / GCJ-02 [lng, lat] degrees. */
export type Position = [number, number];
export type Ring = Position[];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Ring[];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}
export type GridGeometry = PolygonGeometry | MultiPolygonGeometry;

/** [minLng, minLat, maxLng, maxLat] */
export type BoundingBox = [number, number, number, number];

export type GeometryCheck = { ok: true; geometry: GridGeometry } | { ok: false; zh: string; en: string };

/** Mean Earth radius (IUGG), the radius of the sphere the areas are measured on. */
const EARTH_RADIUS_METRES = 6_371_008.8;
const RADIANS_PER_DEGREE = Math.PI / 180;

/** A ring smaller than this (10 cm × 10 cm) is a drawing accident, not a boundary. */
const MIN_RING_SQUARE_METRES = 0.01;
/** Rings with more edges than this get y-bands, so point-in-polygon skips most edges. */
const BAND_THRESHOLD = 32;
/** Above this many edges, edge-against-edge searches go through a flatbush instead of a scan. */
const EDGE_TREE_THRESHOLD = 64;

function partsOf(g: GridGeometry): Ring[][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

// ---------------------------------------------------------------------------------------------
// Compiled form: flat typed arrays, built once per geometry and reused for many point tests.
// ---------------------------------------------------------------------------------------------

/**
 * A geometry flattened for fast repeated tests (the spatial index keeps one per grid).
 * Edges are stored as (ax, ay, bx, by) quadruples, ring after ring, part after part; zero-length
 * edges (repeated positions) are dropped because they can neither be crossed nor bound anything.
 */
export interface CompiledGeometry {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly edges: Float64Array;
  readonly edgeCount: number;
  /** Ring r owns edges ringEdgeStart[r] … ringEdgeStart[r + 1] - 1. */
  readonly ringEdgeStart: Uint32Array;
  readonly ringCount: number;
  /** Part p owns rings partRingStart[p] … partRingStart[p + 1] - 1; the first is its exterior. */
  readonly partRingStart: Uint32Array;
  readonly partCount: number;
  /** Ring of each edge, for the per-ring crossing parity. */
  readonly edgeRing: Uint32Array;
  /**
   * Horizontal bands over [minY, maxY]: band b lists every edge whose y-range meets it, so a
   * point test only looks at the edges of its own band. 0 bands when the geometry is small.
   */
  readonly bandCount: number;
  readonly bandScale: number;
  readonly bandStart: Uint32Array;
  readonly bandEdges: Uint32Array;
  /** Lazily built R-tree over the edges, for edge-against-edge searches on large geometries. */
  edgeTree: Flatbush | null;
}

const EMPTY_U32 = new Uint32Array(0);

/**
 * Flatten a geometry for repeated tests. `withBands` = false skips the band table for one-off
 * tests, where building it would cost more than it saves.
 */
export function compileGeometry(g: GridGeometry, withBands = true): CompiledGeometry {
  const parts = partsOf(g);
  let capacity = 0;
  let ringCount = 0;
  for (const part of parts) {
    for (const ring of part) {
      capacity += ring.length;
      ringCount++;
    }
  }
  const edges = new Float64Array(capacity * 4);
  // One buffer for the three index arrays: typed-array buffers are costly to allocate and to
  // collect, and the index keeps one compiled geometry per grid.
  const indexBuffer = new Uint32Array(capacity + ringCount + 1 + parts.length + 1);
  const edgeRing = indexBuffer.subarray(0, capacity);
  const ringEdgeStart = indexBuffer.subarray(capacity, capacity + ringCount + 1);
  const partRingStart = indexBuffer.subarray(capacity + ringCount + 1);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let e = 0;
  let r = 0;
  for (let p = 0; p < parts.length; p++) {
    partRingStart[p] = r;
    for (const ring of parts[p]!) {
      ringEdgeStart[r] = e;
      const n = ring.length;
      if (n > 0) {
        const first = ring[0]!;
        const last = ring[n - 1]!;
        // An unclosed ring (only possible for unvalidated input) is closed implicitly.
        const closed = n > 1 && first[0] === last[0] && first[1] === last[1];
        const edgeTotal = closed ? n - 1 : n;
        for (let i = 0; i < edgeTotal; i++) {
          const a = ring[i]!;
          const b = ring[i + 1 < n ? i + 1 : 0]!;
          const ax = a[0];
          const ay = a[1];
          if (ax < minX) minX = ax;
          if (ax > maxX) maxX = ax;
          if (ay < minY) minY = ay;
          if (ay > maxY) maxY = ay;
          if (ax === b[0] && ay === b[1]) continue;
          const o = e * 4;
          edges[o] = ax;
          edges[o + 1] = ay;
          edges[o + 2] = b[0];
          edges[o + 3] = b[1];
          edgeRing[e] = r;
          e++;
        }
      }
      r++;
    }
  }
  ringEdgeStart[ringCount] = e;
  partRingStart[parts.length] = r;

  let bandCount = 0;
  let bandScale = 0;
  let bandStart = EMPTY_U32;
  let bandEdges = EMPTY_U32;
  if (withBands && e > BAND_THRESHOLD && maxY > minY) {
    // About two edges per band: most bands then hold a handful of edges.
    bandCount = Math.min(Math.ceil(e / 2), 1 << 16);
    bandScale = bandCount / (maxY - minY);
    bandStart = new Uint32Array(bandCount + 1);
    const first = new Uint32Array(e);
    const last = new Uint32Array(e);
    for (let k = 0; k < e; k++) {
      const ay = edges[k * 4 + 1]!;
      const by = edges[k * 4 + 3]!;
      const b0 = bandIndex(minY, bandScale, bandCount, ay < by ? ay : by);
      const b1 = bandIndex(minY, bandScale, bandCount, ay < by ? by : ay);
      first[k] = b0;
      last[k] = b1;
      for (let b = b0; b <= b1; b++) bandStart[b + 1]!++;
    }
    for (let b = 0; b < bandCount; b++) bandStart[b + 1]! += bandStart[b]!;
    bandEdges = new Uint32Array(bandStart[bandCount]!);
    const fill = bandStart.slice(0, bandCount);
    for (let k = 0; k < e; k++) {
      for (let b = first[k]!; b <= last[k]!; b++) bandEdges[fill[b]!++] = k;
    }
  }

  return {
    minX,
    minY,
    maxX,
    maxY,
    edges,
    edgeCount: e,
    ringEdgeStart,
    ringCount,
    partRingStart,
    partCount: parts.length,
    edgeRing,
    bandCount,
    bandScale,
    bandStart,
    bandEdges,
    edgeTree: null,
  };
}

/**
 * Band of a y value. (y - minY) * scale is monotone in y under IEEE rounding, so an edge
 * spanning [y0, y1] is listed in every band a point with y in [y0, y1] can fall into.
 */
function bandIndex(minY: number, scale: number, count: number, y: number): number {
  const b = Math.floor((y - minY) * scale);
  return b < 0 ? 0 : b >= count ? count - 1 : b;
}

/**
 * One edge against the horizontal ray from (x, y) towards +x, half-open in y so a ray through a
 * vertex counts once. 2 = the point is on the edge, 1 = the ray crosses it, 0 = it does not.
 */
function edgeTest(ax: number, ay: number, bx: number, by: number, x: number, y: number): number {
  if (ay > y !== by > y) {
    // Exact shortcuts: an edge wholly left of the point cannot be crossed by the ray or touch the
    // point; one wholly right of it is crossed. Only the rest needs the exact orientation.
    if (ax < x && bx < x) return 0;
    if (ax > x && bx > x) return 1;
    const o = orient2d(ax, ay, bx, by, x, y);
    if (o === 0) return 2;
    // robust-predicates is negative when the point lies left of a→b (y up); a point left of an
    // upward edge, or right of a downward one, has the crossing on its +x side.
    return o < 0 === by > ay ? 1 : 0;
  }
  if (ay === y) {
    if (ax === x) return 2;
    if (by === y && (ax <= x ? x <= bx : x >= bx)) return 2;
  }
  return 0;
}

/**
 * Point against one ring given as packed edges [from, to) of `edges` (no bounding-box test):
 * -1 inside, 0 on it, 1 outside. The spatial index packs small rings this way.
 */
export function pointInEdgeRange(
  edges: Float64Array,
  from: number,
  to: number,
  x: number,
  y: number,
): -1 | 0 | 1 {
  let inside = 0;
  const end = to * 4;
  for (let o = from * 4; o < end; o += 4) {
    const t = edgeTest(edges[o]!, edges[o + 1]!, edges[o + 2]!, edges[o + 3]!, x, y);
    if (t === 2) return 0;
    inside ^= t;
  }
  return inside ? -1 : 1;
}

let parityScratch = new Uint8Array(64);

/** -1 inside, 0 on the boundary (any ring, holes included), 1 outside. */
export function pointInCompiled(c: CompiledGeometry, x: number, y: number): -1 | 0 | 1 {
  if (!(x >= c.minX && x <= c.maxX && y >= c.minY && y <= c.maxY)) return 1;
  const edges = c.edges;
  if (c.ringCount === 1) {
    // The common case (a grid without holes), without the per-ring bookkeeping.
    let inside = 0;
    if (c.bandCount > 0) {
      const band = bandIndex(c.minY, c.bandScale, c.bandCount, y);
      const bandEdges = c.bandEdges;
      const end = c.bandStart[band + 1]!;
      for (let k = c.bandStart[band]!; k < end; k++) {
        const o = bandEdges[k]! * 4;
        const t = edgeTest(edges[o]!, edges[o + 1]!, edges[o + 2]!, edges[o + 3]!, x, y);
        if (t === 2) return 0;
        inside ^= t;
      }
      return inside ? -1 : 1;
    }
    return pointInEdgeRange(edges, 0, c.edgeCount, x, y);
  }
  const edgeRing = c.edgeRing;
  if (parityScratch.length < c.ringCount) parityScratch = new Uint8Array(c.ringCount * 2);
  const parity = parityScratch;
  parity.fill(0, 0, c.ringCount);
  if (c.bandCount > 0) {
    const band = bandIndex(c.minY, c.bandScale, c.bandCount, y);
    const bandEdges = c.bandEdges;
    const end = c.bandStart[band + 1]!;
    for (let k = c.bandStart[band]!; k < end; k++) {
      const edge = bandEdges[k]!;
      const o = edge * 4;
      const t = edgeTest(edges[o]!, edges[o + 1]!, edges[o + 2]!, edges[o + 3]!, x, y);
      if (t === 2) return 0;
      parity[edgeRing[edge]!]! ^= t;
    }
  } else {
    const count = c.edgeCount;
    for (let edge = 0; edge < count; edge++) {
      const o = edge * 4;
      const t = edgeTest(edges[o]!, edges[o + 1]!, edges[o + 2]!, edges[o + 3]!, x, y);
      if (t === 2) return 0;
      parity[edgeRing[edge]!]! ^= t;
    }
  }
  // Inside a part = inside its exterior and inside none of its holes; inside any part wins.
  for (let p = 0; p < c.partCount; p++) {
    const shell = c.partRingStart[p]!;
    const end = c.partRingStart[p + 1]!;
    if (shell === end || !parity[shell]) continue;
    let inHole = false;
    for (let h = shell + 1; h < end; h++) {
      if (parity[h]) {
        inHole = true;
        break;
      }
    }
    if (!inHole) return -1;
  }
  return 1;
}

/**
 * Compiled forms of geometries seen before, so checking fifty children against one parent
 * compiles the parent once. Geometries are treated as values: one changed in place after it
 * was used here would be answered from its old shape.
 */
const compiledCache = new WeakMap<GridGeometry, CompiledGeometry>();

function compiledOf(g: GridGeometry): CompiledGeometry {
  let compiled = compiledCache.get(g);
  if (compiled === undefined) {
    compiled = compileGeometry(g);
    compiledCache.set(g, compiled);
  }
  return compiled;
}

/** -1 inside, 0 on the boundary (a hole's edge included), 1 outside; multipolygon parts handled. */
export function pointInGeometry(g: GridGeometry, lng: number, lat: number): -1 | 0 | 1 {
  return pointInCompiled(compiledOf(g), lng, lat);
}

export function bboxOf(g: GridGeometry): BoundingBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const part of partsOf(g)) {
    for (const ring of part) {
      for (const [x, y] of ring) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  return [minX, minY, maxX, maxY];
}

// ---------------------------------------------------------------------------------------------
// Area
// ---------------------------------------------------------------------------------------------

/**
 * Area of a ring in square metres, unsigned.
 *
 * Approximation: the Earth is a sphere of the mean radius 6,371,008.8 m, and edges are straight
 * lines in [lng, lat] degrees — the same edges the point and overlap tests use, so areas of tiled
 * pieces add up. On that sphere the area is exact: by Green's theorem it is R²·|∮ sin φ dλ|, and
 * along a straight edge that integral is Δλ·sin(φ_mid)·sinc(Δφ/2). Against the WGS-84 ellipsoid the
 * sphere is off by a few tenths of a percent at Shanghai's latitude — fine for overlap tolerances
 * and portraits, not for a land register. Each term is taken relative to the first vertex's
 * latitude (the constant part sums to zero around a closed ring), so a 1 m² micro-grid keeps its
 * digits. Rings must not cross the antimeridian.
 */
function ringAreaSquareMetres(ring: Ring): number {
  const n = ring.length;
  if (n < 3) return 0;
  const phi0 = ring[0]![1] * RADIANS_PER_DEGREE;
  const sin0 = Math.sin(phi0);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[i + 1 < n ? i + 1 : 0]!;
    const deltaLambda = (b[0] - a[0]) * RADIANS_PER_DEGREE;
    if (deltaLambda === 0) continue;
    const halfDeltaPhi = ((b[1] - a[1]) * RADIANS_PER_DEGREE) / 2;
    const midPhi = ((a[1] + b[1]) / 2) * RADIANS_PER_DEGREE;
    const sincMinusOne =
      Math.abs(halfDeltaPhi) < 1e-4
        ? -(halfDeltaPhi * halfDeltaPhi) / 6
        : Math.sin(halfDeltaPhi) / halfDeltaPhi - 1;
    // sin φ_mid − sin φ0 without cancellation.
    const sinMidFromOrigin = 2 * Math.cos((midPhi + phi0) / 2) * Math.sin((midPhi - phi0) / 2);
    sum += deltaLambda * (sinMidFromOrigin * (1 + sincMinusOne) + sin0 * sincMinusOne);
  }
  return Math.abs(sum) * EARTH_RADIUS_METRES * EARTH_RADIUS_METRES;
}

function polygonsAreaSquareMetres(polygons: Ring[][]): number {
  let total = 0;
  for (const rings of polygons) {
    const [exterior, ...holes] = rings;
    if (!exterior) continue;
    let area = ringAreaSquareMetres(exterior);
    for (const hole of holes) area -= ringAreaSquareMetres(hole);
    total += area;
  }
  return total;
}

/** Area in square metres, holes subtracted (see ringAreaSquareMetres for the approximation). */
export function areaSquareMetres(g: GridGeometry): number {
  return polygonsAreaSquareMetres(partsOf(g));
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

interface Label {
  zh: string;
  en: string;
}

function invalid(zh: string, en: string): GeometryCheck {
  return { ok: false, zh, en };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  return typeof value;
}

function ringLabel(multi: boolean, part: number, ring: number): Label {
  return multi
    ? { zh: `第${part + 1}个多边形第${ring + 1}环`, en: `polygon ${part + 1} ring ${ring + 1}` }
    : { zh: `第${ring + 1}环`, en: `ring ${ring + 1}` };
}

interface ReadRing {
  /** Positions without altitude and without consecutive repeats, closed. */
  ring: Ring;
  /** Index in the input of each kept position, so messages name the edge the user drew. */
  original: number[];
}

function readRing(raw: unknown, label: Label): ReadRing | { zh: string; en: string } {
  if (!Array.isArray(raw))
    return { zh: `${label.zh}不是坐标数组`, en: `${label.en} is not an array of positions` };
  if (raw.length < 4) {
    return {
      zh: `${label.zh}坐标少于 4 个 (收到 ${raw.length} 个)`,
      en: `${label.en} has fewer than 4 positions (got ${raw.length})`,
    };
  }
  const ring: Ring = [];
  const original: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const position: unknown = raw[i];
    if (
      !Array.isArray(position) ||
      position.length < 2 ||
      position.length > 3 ||
      !position.every((value: unknown) => typeof value === 'number' && Number.isFinite(value))
    ) {
      return {
        zh: `${label.zh}第${i + 1}个坐标不是有限数字 [经度, 纬度]`,
        en: `${label.en} position ${i + 1} is not a pair of finite numbers [lng, lat]`,
      };
    }
    const lng = position[0] as number;
    const lat = position[1] as number;
    if (lng < -180 || lng > 180) {
      return {
        zh: `${label.zh}第${i + 1}个坐标的经度 ${lng} 超出 [-180, 180]`,
        en: `${label.en} position ${i + 1}: longitude ${lng} is outside [-180, 180]`,
      };
    }
    if (lat < -90 || lat > 90) {
      // The usual cause is [lat, lng] order; say so.
      return {
        zh: `${label.zh}第${i + 1}个坐标的纬度 ${lat} 超出 [-90, 90] (坐标顺序应为 [经度, 纬度])`,
        en: `${label.en} position ${i + 1}: latitude ${lat} is outside [-90, 90] (positions are [lng, lat])`,
      };
    }
    const previous = ring[ring.length - 1];
    // Drawing tools often repeat a point; a zero-length edge says nothing, so drop it (and name
    // the edge leaving the repeat, the one the user sees).
    if (previous && previous[0] === lng && previous[1] === lat) {
      original[original.length - 1] = i;
      continue;
    }
    ring.push([lng, lat]);
    original.push(i);
  }
  const first = raw[0] as number[];
  const last = raw[raw.length - 1] as number[];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    return {
      zh: `${label.zh}未闭合 (首尾坐标不同)`,
      en: `${label.en} is not closed (first and last positions differ)`,
    };
  }
  // Distinct vertices, not counting the closing repeat.
  const distinct = ring.length - 1;
  let collinear = true;
  if (distinct >= 3) {
    const [ax, ay] = ring[0]!;
    const [bx, by] = ring[1]!;
    for (let i = 2; i < distinct && collinear; i++) {
      const [cx, cy] = ring[i]!;
      if (orient2d(ax, ay, bx, by, cx, cy) !== 0) collinear = false;
    }
  }
  if (collinear) return { zh: `${label.zh}面积为零`, en: `${label.en} has zero area` };
  return { ring, original };
}

function opposite(a: number, b: number): boolean {
  return (a > 0 && b < 0) || (a < 0 && b > 0);
}

/** c lies within the bounding box of a–b; with orient2d(a, b, c) = 0 that means on the segment. */
function withinSegmentBox(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return (
    (ax <= bx ? ax <= cx && cx <= bx : bx <= cx && cx <= ax) &&
    (ay <= by ? ay <= cy && cy <= by : by <= cy && cy <= ay)
  );
}

/** Whether two segments share any point (crossing, touching or overlapping). */
function segmentsTouch(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
): boolean {
  const o1 = orient2d(ax, ay, bx, by, cx, cy);
  const o2 = orient2d(ax, ay, bx, by, dx, dy);
  const o3 = orient2d(cx, cy, dx, dy, ax, ay);
  const o4 = orient2d(cx, cy, dx, dy, bx, by);
  if (opposite(o1, o2) && opposite(o3, o4)) return true;
  return (
    (o1 === 0 && withinSegmentBox(ax, ay, bx, by, cx, cy)) ||
    (o2 === 0 && withinSegmentBox(ax, ay, bx, by, dx, dy)) ||
    (o3 === 0 && withinSegmentBox(cx, cy, dx, dy, ax, ay)) ||
    (o4 === 0 && withinSegmentBox(cx, cy, dx, dy, bx, by))
  );
}

/** A proper crossing, or a collinear overlap longer than a point: what two rings may not share. */
function segmentsCrossOrOverlap(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
): boolean {
  const o1 = orient2d(ax, ay, bx, by, cx, cy);
  const o2 = orient2d(ax, ay, bx, by, dx, dy);
  if (opposite(o1, o2)) return opposite(orient2d(cx, cy, dx, dy, ax, ay), orient2d(cx, cy, dx, dy, bx, by));
  if (o1 !== 0 || o2 !== 0) return false;
  // Collinear: compare along an axis on which a–b is not degenerate (exact, all four are on one line).
  const alongX = ax !== bx;
  const a = alongX ? ax : ay;
  const b = alongX ? bx : by;
  const c = alongX ? cx : cy;
  const d = alongX ? dx : dy;
  return Math.max(Math.min(a, b), Math.min(c, d)) < Math.min(Math.max(a, b), Math.max(c, d));
}

interface RingRef {
  part: number;
  ring: number;
  /** Index of the ring's first edge in the flat edge list. */
  firstEdge: number;
  edgeCount: number;
  original: number[];
}

/**
 * Checks a geometry's rings: no ring touches itself (besides adjacent edges at their shared
 * vertex), no two rings cross or share an edge, holes lie inside their exterior, parts do not
 * overlap. Edges go into a flatbush so a ring with thousands of vertices is checked in n log n.
 */
export function validateGeometry(input: unknown): GeometryCheck {
  if (!isRecord(input)) {
    return invalid(
      '几何必须是 GeoJSON Polygon 或 MultiPolygon 对象',
      'geometry must be a GeoJSON Polygon or MultiPolygon object',
    );
  }
  const type = input.type;
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    return invalid(
      `几何类型必须是 Polygon 或 MultiPolygon (收到 ${describe(type)})`,
      `geometry type must be Polygon or MultiPolygon, got ${describe(type)}`,
    );
  }
  const coordinates = input.coordinates;
  if (!Array.isArray(coordinates) || coordinates.length === 0) {
    return invalid('coordinates 必须是非空数组', 'coordinates must be a non-empty array');
  }
  const multi = type === 'MultiPolygon';
  const rawParts: unknown[] = multi ? coordinates : [coordinates];
  const parts: Ring[][] = [];
  const refs: RingRef[] = [];
  let edgeTotal = 0;
  for (let p = 0; p < rawParts.length; p++) {
    const rawPart = rawParts[p];
    if (!Array.isArray(rawPart) || rawPart.length === 0) {
      return invalid(`第${p + 1}个多边形没有环`, `polygon ${p + 1} has no rings`);
    }
    const rings: Ring[] = [];
    for (let r = 0; r < rawPart.length; r++) {
      const read = readRing(rawPart[r], ringLabel(multi, p, r));
      if (!('ring' in read)) return invalid(read.zh, read.en);
      rings.push(read.ring);
      refs.push({
        part: p,
        ring: r,
        firstEdge: edgeTotal,
        edgeCount: read.ring.length - 1,
        original: read.original,
      });
      edgeTotal += read.ring.length - 1;
    }
    parts.push(rings);
  }

  const crossing = findRingContact(parts, refs, edgeTotal);
  if (crossing) return invalid(crossing.zh, crossing.en);
  // A sliver whose vertices are collinear but for rounding is as degenerate as an exactly
  // collinear ring. Checked only now: the shoelace area means something once the ring is simple.
  for (const ref of refs) {
    if (ringAreaSquareMetres(parts[ref.part]![ref.ring]!) < MIN_RING_SQUARE_METRES) {
      const label = ringLabel(multi, ref.part, ref.ring);
      return invalid(
        `${label.zh}面积为零 (小于 ${MIN_RING_SQUARE_METRES} 平方米)`,
        `${label.en} has zero area (below ${MIN_RING_SQUARE_METRES} m²)`,
      );
    }
  }
  const nesting = checkNesting(parts, multi);
  if (nesting) return invalid(nesting.zh, nesting.en);

  const geometry: GridGeometry = multi
    ? { type: 'MultiPolygon', coordinates: parts }
    : { type: 'Polygon', coordinates: parts[0]! };
  return { ok: true, geometry };
}

function findRingContact(parts: Ring[][], refs: RingRef[], edgeTotal: number): Label | null {
  const edges = new Float64Array(edgeTotal * 4);
  const edgeRef = new Uint32Array(edgeTotal);
  for (let k = 0; k < refs.length; k++) {
    const ref = refs[k]!;
    const ring = parts[ref.part]![ref.ring]!;
    for (let i = 0; i < ref.edgeCount; i++) {
      const o = (ref.firstEdge + i) * 4;
      edges[o] = ring[i]![0];
      edges[o + 1] = ring[i]![1];
      edges[o + 2] = ring[i + 1]![0];
      edges[o + 3] = ring[i + 1]![1];
      edgeRef[ref.firstEdge + i] = k;
    }
  }

  /** The problem between edges i < j, if any. */
  const check = (i: number, j: number): Label | null => {
    const oi = i * 4;
    const oj = j * 4;
    const ax = edges[oi]!;
    const ay = edges[oi + 1]!;
    const bx = edges[oi + 2]!;
    const by = edges[oi + 3]!;
    const cx = edges[oj]!;
    const cy = edges[oj + 1]!;
    const dx = edges[oj + 2]!;
    const dy = edges[oj + 3]!;
    const refI = refs[edgeRef[i]!]!;
    const refJ = refs[edgeRef[j]!]!;
    const multi = parts.length > 1;
    if (refI === refJ) {
      const li = i - refI.firstEdge;
      const lj = j - refI.firstEdge;
      let bad: boolean;
      if (lj === li + 1) {
        // Neighbours share b = c; they may only meet there, so a → b → back along itself is a spike.
        bad = orient2d(ax, ay, bx, by, dx, dy) === 0 && sameSide(bx, by, ax, ay, dx, dy);
      } else if (li === 0 && lj === refI.edgeCount - 1) {
        // The closing edge and the first edge share a = d.
        bad = orient2d(cx, cy, ax, ay, bx, by) === 0 && sameSide(ax, ay, cx, cy, bx, by);
      } else {
        bad = segmentsTouch(ax, ay, bx, by, cx, cy, dx, dy);
      }
      if (!bad) return null;
      const label = ringLabel(multi, refI.part, refI.ring);
      const edgeI = refI.original[li]! + 1;
      const edgeJ = refI.original[lj]! + 1;
      return {
        zh: `边界自相交 (${label.zh}第${edgeI}条边与第${edgeJ}条边)`,
        en: `${label.en} intersects itself at edge ${edgeI} (meets edge ${edgeJ})`,
      };
    }
    if (!segmentsCrossOrOverlap(ax, ay, bx, by, cx, cy, dx, dy)) return null;
    const labelI = ringLabel(multi, refI.part, refI.ring);
    const labelJ = ringLabel(multi, refJ.part, refJ.ring);
    const edgeI = refI.original[i - refI.firstEdge]! + 1;
    const edgeJ = refJ.original[j - refJ.firstEdge]! + 1;
    return {
      zh: `${labelI.zh}第${edgeI}条边与${labelJ.zh}第${edgeJ}条边交叉或重合`,
      en: `${labelI.en} edge ${edgeI} crosses or runs along ${labelJ.en} edge ${edgeJ}`,
    };
  };

  if (edgeTotal <= EDGE_TREE_THRESHOLD) {
    for (let i = 0; i < edgeTotal; i++) {
      for (let j = i + 1; j < edgeTotal; j++) {
        if (!boxesTouch(edges, i, j)) continue;
        const problem = check(i, j);
        if (problem) return problem;
      }
    }
    return null;
  }
  const tree = edgeTree(edges, edgeTotal);
  for (let i = 0; i < edgeTotal; i++) {
    const o = i * 4;
    const ax = edges[o]!;
    const ay = edges[o + 1]!;
    const bx = edges[o + 2]!;
    const by = edges[o + 3]!;
    const found = tree.search(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
    // Smallest partner first, so the message is the same whatever order the tree returns.
    found.sort((x, y) => x - y);
    for (const j of found) {
      if (j <= i) continue;
      const problem = check(i, j);
      if (problem) return problem;
    }
  }
  return null;
}

/** With s, u, w collinear: whether u and w lie on the same side of s. */
function sameSide(sx: number, sy: number, ux: number, uy: number, wx: number, wy: number): boolean {
  return ux !== sx ? ux > sx === wx > sx : uy > sy === wy > sy;
}

function boxesTouch(edges: Float64Array, i: number, j: number): boolean {
  const oi = i * 4;
  const oj = j * 4;
  const iMinX = Math.min(edges[oi]!, edges[oi + 2]!);
  const iMaxX = Math.max(edges[oi]!, edges[oi + 2]!);
  const jMinX = Math.min(edges[oj]!, edges[oj + 2]!);
  const jMaxX = Math.max(edges[oj]!, edges[oj + 2]!);
  if (iMaxX < jMinX || jMaxX < iMinX) return false;
  const iMinY = Math.min(edges[oi + 1]!, edges[oi + 3]!);
  const iMaxY = Math.max(edges[oi + 1]!, edges[oi + 3]!);
  const jMinY = Math.min(edges[oj + 1]!, edges[oj + 3]!);
  const jMaxY = Math.max(edges[oj + 1]!, edges[oj + 3]!);
  return !(iMaxY < jMinY || jMaxY < iMinY);
}

function edgeTree(edges: Float64Array, count: number): Flatbush {
  const tree = new Flatbush(count);
  for (let k = 0; k < count; k++) {
    const o = k * 4;
    const ax = edges[o]!;
    const ay = edges[o + 1]!;
    const bx = edges[o + 2]!;
    const by = edges[o + 3]!;
    tree.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
  }
  tree.finish();
  return tree;
}

/**
 * Once no rings cross, each ring is wholly inside or outside another, so one vertex off the
 * other's boundary decides: holes must be inside their exterior and outside each other, and no
 * part may lie inside another part.
 */
function checkNesting(parts: Ring[][], multi: boolean): Label | null {
  if (parts.length === 1 && parts[0]!.length === 1) return null;
  const compiledParts = parts.map((rings) => compileGeometry({ type: 'Polygon', coordinates: rings }, false));
  for (let p = 0; p < parts.length; p++) {
    const rings = parts[p]!;
    if (rings.length < 2) continue;
    const shell = compileGeometry({ type: 'Polygon', coordinates: [rings[0]!] }, false);
    const holes = rings
      .slice(1)
      .map((hole) => compileGeometry({ type: 'Polygon', coordinates: [hole] }, false));
    for (let h = 1; h < rings.length; h++) {
      if (decidingSide(rings[h]!, shell) === 1) {
        const hole = ringLabel(multi, p, h);
        const exterior = ringLabel(multi, p, 0);
        return {
          zh: `${hole.zh} (洞) 不在${exterior.zh} (外环) 之内`,
          en: `${hole.en} (a hole) is not inside ${exterior.en} (the exterior)`,
        };
      }
      for (let other = 1; other < rings.length; other++) {
        if (other === h) continue;
        if (decidingSide(rings[h]!, holes[other - 1]!) === -1) {
          const inner = ringLabel(multi, p, h);
          const outer = ringLabel(multi, p, other);
          return {
            zh: `${inner.zh} (洞) 位于${outer.zh} (洞) 之内`,
            en: `${inner.en} (a hole) lies inside ${outer.en} (another hole)`,
          };
        }
      }
    }
  }
  for (let p = 0; p < parts.length; p++) {
    for (let q = 0; q < parts.length; q++) {
      if (p === q) continue;
      const other = compiledParts[q]!;
      const mine = compiledParts[p]!;
      if (
        mine.maxX < other.minX ||
        other.maxX < mine.minX ||
        mine.maxY < other.minY ||
        other.maxY < mine.minY
      )
        continue;
      if (decidingSide(parts[p]![0]!, other) === -1) {
        return {
          zh: `第${p + 1}个多边形与第${q + 1}个多边形重叠`,
          en: `polygon ${p + 1} overlaps polygon ${q + 1}`,
        };
      }
    }
  }
  return null;
}

/** Side of `shape` that the first vertex of `ring` off the shape's boundary is on; 0 if none is. */
function decidingSide(ring: Ring, shape: CompiledGeometry): -1 | 0 | 1 {
  for (const [x, y] of ring) {
    const side = pointInCompiled(shape, x, y);
    if (side !== 0) return side;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Overlap and coverage
// ---------------------------------------------------------------------------------------------

/** Flags from relateBoundary. */
const CROSSES = 1;
const INSIDE = 2;
const OUTSIDE = 4;
const RING_ON_BOUNDARY = 8;
const AMBIGUOUS = 16;

function edgeTreeOf(c: CompiledGeometry): Flatbush {
  if (c.edgeTree === null) c.edgeTree = edgeTree(c.edges, c.edgeCount);
  return c.edgeTree;
}

/** Scratch for relateBoundary: cut points along one edge (x, y, position along the edge). */
let splitX = new Float64Array(64);
let splitY = new Float64Array(64);
let splitKey = new Float64Array(64);
let collinearEdges = new Uint32Array(64);

function growScratch(): void {
  const size = splitX.length * 2;
  const grow = (old: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
    const grown = new Float64Array(size);
    grown.set(old);
    return grown;
  };
  splitX = grow(splitX);
  splitY = grow(splitY);
  splitKey = grow(splitKey);
  const edges = new Uint32Array(size);
  edges.set(collinearEdges);
  collinearEdges = edges;
}

/**
 * Where a's boundary lies relative to b, as flags:
 *  CROSSES          an edge of a properly crosses an edge of b;
 *  INSIDE / OUTSIDE some piece of a's boundary lies strictly inside / outside b;
 *  RING_ON_BOUNDARY some ring of a lies wholly on b's boundary (identical rings, a hole of b …);
 *  AMBIGUOUS        a sample point landed exactly on b's boundary although its piece is not on
 *                   an edge of b — too close to call, so the caller takes the slow, exact path.
 *
 * Each edge of a is cut at every vertex of b lying on it. Without proper crossings, the pieces
 * between cuts cannot meet b's boundary except by running along a collinear edge of b, so each
 * piece is either on b's boundary (covered by a collinear edge, decided exactly) or wholly
 * inside or outside b, which its midpoint decides. Returns early once any flag in stopMask is set.
 */
function relateBoundary(a: CompiledGeometry, b: CompiledGeometry, stopMask: number): number {
  let flags = 0;
  const ae = a.edges;
  const be = b.edges;
  const tree = b.edgeCount > EDGE_TREE_THRESHOLD ? edgeTreeOf(b) : null;
  for (let r = 0; r < a.ringCount; r++) {
    let ringOnBoundary = true;
    const end = a.ringEdgeStart[r + 1]!;
    for (let e = a.ringEdgeStart[r]!; e < end; e++) {
      const o = e * 4;
      const ax = ae[o]!;
      const ay = ae[o + 1]!;
      const bx = ae[o + 2]!;
      const by = ae[o + 3]!;
      const minX = ax < bx ? ax : bx;
      const maxX = ax < bx ? bx : ax;
      const minY = ay < by ? ay : by;
      const maxY = ay < by ? by : ay;
      if (maxX < b.minX || minX > b.maxX || maxY < b.minY || minY > b.maxY) {
        ringOnBoundary = false;
        flags |= OUTSIDE;
        if (flags & stopMask) return flags;
        continue;
      }
      const alongX = Math.abs(bx - ax) >= Math.abs(by - ay);
      // Position along the edge, increasing from a to b; exact, as every cut point is on the edge.
      const sign = (alongX ? bx > ax : by > ay) ? 1 : -1;
      splitX[0] = ax;
      splitY[0] = ay;
      splitKey[0] = sign * (alongX ? ax : ay);
      splitX[1] = bx;
      splitY[1] = by;
      splitKey[1] = sign * (alongX ? bx : by);
      let splits = 2;
      let collinear = 0;
      const candidates = tree ? tree.search(minX, minY, maxX, maxY) : null;
      const candidateCount = candidates ? candidates.length : b.edgeCount;
      for (let n = 0; n < candidateCount; n++) {
        const k = candidates ? candidates[n]! : n;
        const ok = k * 4;
        const cx = be[ok]!;
        const cy = be[ok + 1]!;
        const dx = be[ok + 2]!;
        const dy = be[ok + 3]!;
        if (
          (cx < minX && dx < minX) ||
          (cx > maxX && dx > maxX) ||
          (cy < minY && dy < minY) ||
          (cy > maxY && dy > maxY)
        )
          continue;
        const o1 = orient2d(ax, ay, bx, by, cx, cy);
        const o2 = orient2d(ax, ay, bx, by, dx, dy);
        if (opposite(o1, o2)) {
          if (opposite(orient2d(cx, cy, dx, dy, ax, ay), orient2d(cx, cy, dx, dy, bx, by)))
            return flags | CROSSES;
          continue;
        }
        if (splits + 2 >= splitX.length || collinear + 1 >= collinearEdges.length) growScratch();
        if (o1 === 0 && withinSegmentBox(ax, ay, bx, by, cx, cy)) {
          splitX[splits] = cx;
          splitY[splits] = cy;
          splitKey[splits++] = sign * (alongX ? cx : cy);
        }
        if (o2 === 0 && withinSegmentBox(ax, ay, bx, by, dx, dy)) {
          splitX[splits] = dx;
          splitY[splits] = dy;
          splitKey[splits++] = sign * (alongX ? dx : dy);
        }
        if (o1 === 0 && o2 === 0) collinearEdges[collinear++] = k;
      }
      // Insertion sort: an edge rarely has more than a few cut points.
      for (let s = 1; s < splits; s++) {
        const key = splitKey[s]!;
        const x = splitX[s]!;
        const y = splitY[s]!;
        let t = s - 1;
        for (; t >= 0 && splitKey[t]! > key; t--) {
          splitKey[t + 1] = splitKey[t]!;
          splitX[t + 1] = splitX[t]!;
          splitY[t + 1] = splitY[t]!;
        }
        splitKey[t + 1] = key;
        splitX[t + 1] = x;
        splitY[t + 1] = y;
      }
      for (let s = 0; s + 1 < splits; s++) {
        const pKey = splitKey[s]!;
        const qKey = splitKey[s + 1]!;
        if (pKey === qKey) continue;
        let covered = false;
        for (let n = 0; n < collinear; n++) {
          const ok = collinearEdges[n]! * 4;
          const c = sign * (alongX ? be[ok]! : be[ok + 1]!);
          const d = sign * (alongX ? be[ok + 2]! : be[ok + 3]!);
          if ((c <= pKey && qKey <= d) || (d <= pKey && qKey <= c)) {
            covered = true;
            break;
          }
        }
        if (covered) continue;
        ringOnBoundary = false;
        const side = pointInCompiled(b, (splitX[s]! + splitX[s + 1]!) / 2, (splitY[s]! + splitY[s + 1]!) / 2);
        flags |= side < 0 ? INSIDE : side > 0 ? OUTSIDE : AMBIGUOUS;
        if (flags & stopMask) return flags;
      }
    }
    if (ringOnBoundary && end > a.ringEdgeStart[r]!) {
      flags |= RING_ON_BOUNDARY;
      if (flags & stopMask) return flags;
    }
  }
  return flags;
}

function boxesOverlapWithArea(a: CompiledGeometry, b: CompiledGeometry): boolean {
  // Boxes that only touch along a line cannot hold overlapping interiors.
  return a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;
}

/**
 * Whether the interiors are certainly disjoint: no proper crossing, no piece of either boundary
 * strictly inside the other, and neither has a ring lying wholly on the other's boundary (which
 * is how identical polygons look). Tiled neighbours sharing exact edges and vertices pass.
 */
function interiorsDisjoint(a: CompiledGeometry, b: CompiledGeometry): boolean {
  const stop = CROSSES | INSIDE | AMBIGUOUS | RING_ON_BOUNDARY;
  return (relateBoundary(a, b, stop) & stop) === 0 && (relateBoundary(b, a, stop) & stop) === 0;
}

/** Whether child lies certainly within parent (holes of the parent respected). */
function coveredBy(child: CompiledGeometry, parent: CompiledGeometry): boolean {
  const childStop = CROSSES | OUTSIDE | AMBIGUOUS | RING_ON_BOUNDARY;
  if (relateBoundary(child, parent, childStop) & childStop) return false;
  const parentStop = CROSSES | INSIDE | AMBIGUOUS;
  return (relateBoundary(parent, child, parentStop) & parentStop) === 0;
}

function clippingInput(g: GridGeometry): polygonClipping.Geom {
  return g.coordinates;
}

function overlapOfCompiled(
  a: GridGeometry,
  ca: CompiledGeometry,
  b: GridGeometry,
  cb: CompiledGeometry,
): number {
  if (!boxesOverlapWithArea(ca, cb)) return 0;
  if (interiorsDisjoint(ca, cb)) return 0;
  return polygonsAreaSquareMetres(polygonClipping.intersection(clippingInput(a), clippingInput(b)));
}

/**
 * Area of the intersection in square metres. Disjoint interiors (the common case of tiled
 * neighbours) are recognised with exact predicates and answered 0 without polygon clipping.
 */
export function overlapSquareMetres(a: GridGeometry, b: GridGeometry): number {
  return overlapOfCompiled(a, compiledOf(a), b, compiledOf(b));
}

/** Area of child not covered by parent, in square metres; 0 without clipping when it is covered. */
export function outsideSquareMetres(child: GridGeometry, parent: GridGeometry): number {
  const c = compiledOf(child);
  const p = compiledOf(parent);
  if (!boxesOverlapWithArea(c, p)) return areaSquareMetres(child);
  if (coveredBy(c, p)) return 0;
  return polygonsAreaSquareMetres(polygonClipping.difference(clippingInput(child), clippingInput(parent)));
}

/**
 * Pairs of items whose overlap exceeds the tolerance, a before b in key order, sorted by a then b.
 * Candidate pairs come from a flatbush on the bounding boxes.
 */
export function findSiblingOverlaps(
  items: { key: string; geometry: GridGeometry }[],
  toleranceSquareMetres: number,
): { a: string; b: string; squareMetres: number }[] {
  const found: { a: string; b: string; squareMetres: number }[] = [];
  if (items.length < 2) return found;
  const compiled = items.map((item) => compiledOf(item.geometry));
  const tree = new Flatbush(items.length);
  for (const c of compiled) tree.add(c.minX, c.minY, c.maxX, c.maxY);
  tree.finish();
  for (let i = 0; i < items.length; i++) {
    const ci = compiled[i]!;
    for (const j of tree.search(ci.minX, ci.minY, ci.maxX, ci.maxY)) {
      if (j <= i) continue;
      const squareMetres = overlapOfCompiled(items[i]!.geometry, ci, items[j]!.geometry, compiled[j]!);
      if (squareMetres > toleranceSquareMetres) {
        const ki = items[i]!.key;
        const kj = items[j]!.key;
        found.push(ki <= kj ? { a: ki, b: kj, squareMetres } : { a: kj, b: ki, squareMetres });
      }
    }
  }
  found.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0));
  return found;
}

// ---------------------------------------------------------------------------------------------
// Canonical key
// ---------------------------------------------------------------------------------------------

function roundCoordinate(value: number): number {
  const rounded = Math.round(value * 1e9) / 1e9;
  return rounded === 0 ? 0 : rounded; // no "-0" in the key
}

function canonicalRing(ring: Ring, exterior: boolean): Ring {
  const points: Ring = [];
  for (const [x, y] of ring) {
    const position: Position = [roundCoordinate(x), roundCoordinate(y)];
    const previous = points[points.length - 1];
    if (previous && previous[0] === position[0] && previous[1] === position[1]) continue;
    points.push(position);
  }
  const first = points[0];
  const last = points[points.length - 1];
  if (points.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) points.pop();
  if (points.length === 0) return points;
  // Relative to the first point, so a small ring's winding is not lost in 121° × 31° products.
  const [originX, originY] = points[0]!;
  let twiceArea = 0;
  for (let i = 0; i < points.length; i++) {
    const [x0, y0] = points[i]!;
    const [x1, y1] = points[(i + 1) % points.length]!;
    twiceArea += (x0 - originX) * (y1 - originY) - (x1 - originX) * (y0 - originY);
  }
  // RFC 7946 winding: exteriors counter-clockwise, holes clockwise.
  if ((exterior && twiceArea < 0) || (!exterior && twiceArea > 0)) points.reverse();
  let start = 0;
  for (let i = 1; i < points.length; i++) {
    const [x, y] = points[i]!;
    const [sx, sy] = points[start]!;
    if (x < sx || (x === sx && y < sy)) start = i;
  }
  const rotated = [...points.slice(start), ...points.slice(0, start)];
  rotated.push(rotated[0]!);
  return rotated;
}

/**
 * A canonical string of the boundary, equal for two geometries that differ only in noise below
 * 1e-9 degrees (about 0.1 mm), repeated points, ring start, ring direction, the order of holes or
 * parts, or Polygon versus one-part MultiPolygon — so an importer can tell an unchanged boundary.
 */
export function geometryKey(g: GridGeometry): string {
  const parts = partsOf(g).map((rings) => {
    const [exterior, ...holes] = rings;
    const canonicalHoles = holes.map((hole) => canonicalRing(hole, false));
    const holeKeys = canonicalHoles.map((hole) => JSON.stringify(hole));
    const order = holeKeys
      .map((_, i) => i)
      .sort((i, j) => (holeKeys[i]! < holeKeys[j]! ? -1 : holeKeys[i]! > holeKeys[j]! ? 1 : 0));
    return [exterior ? canonicalRing(exterior, true) : [], ...order.map((i) => canonicalHoles[i]!)];
  });
  const partKeys = parts.map((part) => JSON.stringify(part));
  partKeys.sort();
  return `MultiPolygon:[${partKeys.join(',')}]`;
}
