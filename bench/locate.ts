/**
 * Benchmark of the in-memory spatial index (GridIndex) and the sibling-overlap check.
 *
 *   npx tsx bench/locate.ts [microGrids]        (default 50,000 micro-grids)
 *
 * Figures are CPU time of this single-threaded process, i.e. one core, so they hold on a busy
 * machine; wall-clock time is printed beside them. `runLocateBench` is exported for bench/run.ts,
 * which may pass further datasets (e.g. the demo street) as { name, entries }.
 */
import { pathToFileURL } from 'node:url';
import { findSiblingOverlaps, validateGeometry, type GridGeometry } from '../src/grids/geometry.js';
import { GridIndex, type IndexEntry } from '../src/grids/locate.js';
import { syntheticCity } from './synthetic-city.js';
import { formatDuration, formatNumber, measure, printTable, progress, type Row } from './util.js';

export interface LocateDataset {
  name: string;
  entries: IndexEntry[];
}

export interface LocateBenchOptions {
  /** Micro-grids in the synthetic city; 0 leaves it out. */
  microGrids?: number;
  /** Single lookups to time (at least 200,000 for a stable figure). */
  lookups?: number;
  /** Points in the batch. */
  batch?: number;
}

/** Small deterministic generator, so every run probes the same points. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

function boxOf(g: GridGeometry): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const parts = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const part of parts) {
    for (const [x, y] of part[0] ?? []) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  return [minX, minY, maxX, maxY];
}

/** The deepest grids with a boundary: where people actually stand. */
function leaves(entries: IndexEntry[]): IndexEntry[] {
  const withGeometry = entries.filter((e) => e.geometry !== null);
  const deepest = Math.max(...withGeometry.map((e) => e.depth));
  return withGeometry.filter((e) => e.depth === deepest);
}

/**
 * Points inside the city: a random leaf grid, then a random point of its bounding box (so a few
 * land in a neighbour or, at the city's edge, outside — as real reports do).
 */
function probePoints(entries: IndexEntry[], count: number, seed: number): Float64Array {
  const next = random(seed);
  const boxes = leaves(entries).map((e) => boxOf(e.geometry!));
  const points = new Float64Array(count * 2);
  for (let i = 0; i < count; i++) {
    const [minX, minY, maxX, maxY] = boxes[Math.floor(next() * boxes.length)]!;
    points[i * 2] = minX + next() * (maxX - minX);
    points[i * 2 + 1] = minY + next() * (maxY - minY);
  }
  return points;
}

function lookupAll(index: GridIndex, points: Float64Array): number {
  let found = 0;
  for (let i = 0; i < points.length; i += 2) found += index.locate(points[i]!, points[i + 1]!).length;
  return found;
}

function benchDataset(dataset: LocateDataset, options: Required<LocateBenchOptions>): Row[] {
  const { name, entries } = dataset;
  const rows: Row[] = [];
  const label = `${name} (${formatNumber(entries.length)} grids)`;
  const add = (step: string, timing: { cpuMs: number; wallMs: number }, result: string): void => {
    rows.push({
      dataset: label,
      step,
      'cpu time': formatDuration(timing.cpuMs),
      'wall time': formatDuration(timing.wallMs),
      result,
    });
  };

  progress(`${name}: validating ${formatNumber(entries.length)} boundaries`);
  const withGeometry = entries.filter((e) => e.geometry !== null);
  const validation = measure(() => withGeometry.filter((e) => !validateGeometry(e.geometry).ok).length);
  add(
    'validate every boundary',
    validation,
    `${formatNumber((withGeometry.length / validation.cpuMs) * 1000)} grids/s, ${validation.result} invalid`,
  );

  progress(`${name}: building the index`);
  const index = new GridIndex();
  const build = measure(() => index.load(entries));
  add('build index (load)', build, `${formatNumber(index.indexedCount)} indexed`);

  // A handful of edits, as an import or an edit produces: ten grids replaced (same shapes, new
  // names), one of them removed. Median of five calls: the first one also pays for compiling code.
  const changed = leaves(entries)
    .slice(0, 10)
    .map((e) => ({ ...e, name: `${e.name}′` }));
  const removed = changed.slice(0, 1).map((e) => e.id);
  progress(`${name}: apply()`);
  const applies = Array.from({ length: 5 }, () => {
    const timing = measure(() => index.apply(changed, removed));
    index.apply(changed, []);
    return timing;
  });
  applies.sort((a, b) => a.cpuMs - b.cpuMs);
  add(
    `apply ${changed.length} changed + ${removed.length} removed (median of 5)`,
    applies[2]!,
    `first call ${formatDuration(Math.max(...applies.map((a) => a.cpuMs)))} cpu`,
  );

  const points = probePoints(entries, options.lookups, 1);
  progress(`${name}: warming up`);
  lookupAll(index, points.subarray(0, Math.min(points.length, 40_000)));
  progress(`${name}: ${formatNumber(options.lookups)} single lookups`);
  const single = measure(() => lookupAll(index, points));
  add(
    `${formatNumber(options.lookups)} single lookups`,
    single,
    `${formatNumber((options.lookups / single.cpuMs) * 1000)} lookups/s (${formatNumber((options.lookups / single.wallMs) * 1000)}/s wall), ${(single.result / options.lookups).toFixed(2)} grids per chain`,
  );

  progress(`${name}: batches of ${formatNumber(options.batch)} points`);
  const batchPoints = probePoints(entries, options.batch, 2);
  // Median of five, so one unlucky scheduling slice does not make the figure.
  const batches = Array.from({ length: 5 }, () => measure(() => lookupAll(index, batchPoints)));
  batches.sort((a, b) => a.cpuMs - b.cpuMs);
  const median = batches[2]!;
  add(
    `batch of ${formatNumber(options.batch)} points (median of 5)`,
    median,
    `${formatNumber((options.batch / median.cpuMs) * 1000)} points/s`,
  );

  const siblings = leaves(entries);
  progress(`${name}: sibling overlaps among ${formatNumber(siblings.length)} grids`);
  const overlaps = measure(() =>
    findSiblingOverlaps(
      siblings.map((e) => ({ key: e.code, geometry: e.geometry! })),
      0,
    ),
  );
  add(
    `findSiblingOverlaps, ${formatNumber(siblings.length)} leaf grids in one call`,
    overlaps,
    `${overlaps.result.length} overlapping pairs`,
  );
  return rows;
}

/** Runs the benchmark on the synthetic city and on any extra datasets; returns the table rows. */
export async function runLocateBench(
  extra: LocateDataset[] = [],
  options: LocateBenchOptions = {},
): Promise<Row[]> {
  const settings: Required<LocateBenchOptions> = {
    microGrids: 50_000,
    lookups: 300_000,
    batch: 10_000,
    ...options,
  };
  const datasets: LocateDataset[] = [];
  if (settings.microGrids > 0) {
    progress(`generating a synthetic city of ${formatNumber(settings.microGrids)} micro-grids`);
    const generated = measure(() => syntheticCity(settings.microGrids));
    progress(
      `generated ${formatNumber(generated.result.length)} grids in ${formatDuration(generated.wallMs)}`,
    );
    datasets.push({ name: `synthetic ${formatNumber(settings.microGrids)}`, entries: generated.result });
  }
  datasets.push(...extra);
  const rows: Row[] = [];
  for (const dataset of datasets) {
    rows.push(...benchDataset(dataset, settings));
    // Yield between datasets so a caller's timers and logs get a turn.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const microGrids = process.argv[2] ? Number(process.argv[2]) : 50_000;
  const rows = await runLocateBench([], { microGrids });
  printTable('locate: in-memory spatial index (one core)', rows);
}
