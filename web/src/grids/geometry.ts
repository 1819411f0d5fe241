import type { MultiPolygon, Polygon, Position } from 'geojson';

export type Box = [minLng: number, minLat: number, maxLng: number, maxLat: number];

export function boxOf(geometry: Polygon | MultiPolygon): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const polygon of polygons) {
    for (const [lng, lat] of polygon[0] ?? []) {
      if (lng! < box[0]) box[0] = lng!;
      if (lat! < box[1]) box[1] = lat!;
      if (lng! > box[2]) box[2] = lng!;
      if (lat! > box[3]) box[3] = lat!;
    }
  }
  return box;
}

export function union(a: Box | null, b: Box): Box {
  if (!a) return [...b];
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

function ringArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  }
  return Math.abs(sum / 2);
}

/** Crossings of the polygon's rings with the parallel at `lat`, sorted west to east. */
function crossings(polygon: Position[][], lat: number): number[] {
  const xs: number[] = [];
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x1, y1] = ring[j] as [number, number];
      const [x2, y2] = ring[i] as [number, number];
      if (y1 > lat !== y2 > lat) xs.push(x1 + ((lat - y1) / (y2 - y1)) * (x2 - x1));
    }
  }
  return xs.sort((a, b) => a - b);
}

/**
 * Where to put a grid's name: inside its largest part, in the middle of the widest stretch of the parallel
 * through the part's centre. Unlike the centroid, this point is inside an L- or U-shaped grid too.
 */
export function labelPoint(geometry: Polygon | MultiPolygon): [number, number] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let largest = polygons[0]!;
  let largestArea = -1;
  for (const polygon of polygons) {
    const area = ringArea(polygon[0] ?? []);
    if (area > largestArea) {
      largest = polygon;
      largestArea = area;
    }
  }
  const outer = largest[0] ?? [];
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const point of outer) {
    minLat = Math.min(minLat, point[1]!);
    maxLat = Math.max(maxLat, point[1]!);
  }
  let best: [number, number] | null = null;
  let bestWidth = -1;
  // a few parallels around the middle; the widest inside stretch wins
  for (const t of [0.5, 0.4, 0.6, 0.3, 0.7]) {
    const lat = minLat + (maxLat - minLat) * t;
    const xs = crossings(largest, lat);
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const width = xs[i + 1]! - xs[i]!;
      if (width > bestWidth * 1.2) {
        bestWidth = width;
        best = [(xs[i]! + xs[i + 1]!) / 2, lat];
      }
    }
  }
  if (best) return best;
  const [first] = outer;
  return [first?.[0] ?? 0, first?.[1] ?? 0];
}
