/**
 * The in-memory spatial index: which grids contain a point (定位).
 *
 * PGlite has no PostGIS, so boundaries live in JSON and this index answers "where am I". Grids
 * are split into layers by depth, one flatbush each: a district's box in the same tree as 50k
 * micro-grid boxes would inflate every node it lands in. Within a layer everything a lookup
 * touches — ids, parent ids, the edges of small rings — sits in typed arrays in the tree's own
 * leaf order (Hilbert order), so neighbouring grids are neighbours in memory too: a lookup is
 * bound by cache misses, not by arithmetic.
 */
import Flatbush from 'flatbush';
import {
  compileGeometry,
  pointInCompiled,
  pointInEdgeRange,
  type CompiledGeometry,
  type GridGeometry,
} from './geometry.js';

export interface IndexEntry {
  id: number;
  code: string;
  name: string;
  level: string;
  parentId: number | null;
  depth: number;
  geometry: GridGeometry | null;
}

interface Slot {
  entry: IndexEntry;
  shape: CompiledGeometry | null;
  /** Where the slot sits after the last rebuild: layer number and leaf position, or -1. */
  layer: number;
  position: number;
}

interface Layer {
  depth: number;
  tree: Flatbush;
  /** Slots by leaf position. */
  slots: Slot[];
  ids: Float64Array;
  /** NaN for "no parent". */
  parentIds: Float64Array;
  /**
   * Edges of single-ring shapes without bands, packed by leaf position: the shape at position p
   * owns edges edgeStart[p] … edgeStart[p + 1] - 1. Other shapes own none and are tested through
   * their compiled form.
   */
  edges: Float64Array;
  edgeStart: Uint32Array;
  /** Memo of point tests within one locate call: side[p] is valid when stamp[p] is the call's. */
  stamp: Uint32Array;
  side: Int8Array;
}

function slotOf(entry: IndexEntry): Slot {
  return { entry, shape: entry.geometry ? compileGeometry(entry.geometry) : null, layer: -1, position: -1 };
}

/** Whether a shape can be packed: one ring, small enough to be scanned edge by edge. */
function packable(shape: CompiledGeometry): boolean {
  return shape.ringCount === 1 && shape.bandCount === 0;
}

/** Smaller code (code-unit order), then smaller id: the order among siblings. */
function siblingBefore(a: IndexEntry, b: IndexEntry): boolean {
  if (a.code !== b.code) return a.code < b.code;
  return a.id < b.id;
}

/**
 * Typed arrays of the previous build are reused when large enough: apply() on 50k grids would
 * otherwise allocate ~20 MB per call, and the garbage collector made that cost 100+ ms.
 * Reusing them is safe because a build runs between lookups, never during one, and stale memo
 * stamps are harmless: stamps only grow, so an old one never equals a later call's.
 */
function reuseFloat64(previous: Float64Array | undefined, size: number): Float64Array {
  return previous !== undefined && previous.length >= size
    ? previous
    : new Float64Array(Math.ceil(size * 1.25));
}
function reuseUint32(previous: Uint32Array | undefined, size: number): Uint32Array {
  return previous !== undefined && previous.length >= size
    ? previous
    : new Uint32Array(Math.ceil(size * 1.25));
}
function reuseInt8(previous: Int8Array | undefined, size: number): Int8Array {
  return previous !== undefined && previous.length >= size ? previous : new Int8Array(Math.ceil(size * 1.25));
}

function buildLayer(depth: number, slots: Slot[], layerNumber: number, previous: Layer | undefined): Layer {
  const count = slots.length;
  const tree = new Flatbush(count);
  for (const slot of slots) {
    const shape = slot.shape!;
    tree.add(shape.minX, shape.minY, shape.maxX, shape.maxY);
  }
  tree.finish();
  // Leaves of a packed flatbush come first in its arrays; _indices maps a leaf to the item added.
  const ordered: Slot[] = new Array<Slot>(count);
  let packedEdges = 0;
  for (let position = 0; position < count; position++) {
    const slot = slots[tree._indices[position]!]!;
    ordered[position] = slot;
    slot.layer = layerNumber;
    slot.position = position;
    if (packable(slot.shape!)) packedEdges += slot.shape!.edgeCount;
  }
  // Sized by count, not by .length: reused arrays may be longer.
  const ids = reuseFloat64(previous?.ids, count);
  const parentIds = reuseFloat64(previous?.parentIds, count);
  const edges = reuseFloat64(previous?.edges, packedEdges * 4);
  const edgeStart = reuseUint32(previous?.edgeStart, count + 1);
  let cursor = 0;
  for (let position = 0; position < count; position++) {
    const slot = ordered[position]!;
    const shape = slot.shape!;
    ids[position] = slot.entry.id;
    parentIds[position] = slot.entry.parentId ?? Number.NaN;
    edgeStart[position] = cursor;
    if (packable(shape)) {
      const source = shape.edges;
      const length = shape.edgeCount * 4;
      const base = cursor * 4;
      for (let k = 0; k < length; k++) edges[base + k] = source[k]!;
      cursor += shape.edgeCount;
    }
  }
  edgeStart[count] = cursor;
  return {
    depth,
    tree,
    slots: ordered,
    ids,
    parentIds,
    edges,
    edgeStart,
    stamp: reuseUint32(previous?.stamp, count),
    side: reuseInt8(previous?.side, count),
  };
}

export class GridIndex {
  /** Every entry by id, with or without a boundary (ancestors without one still name the chain). */
  private readonly slots = new Map<number, Slot>();
  /** Layers by increasing depth. */
  private layers: Layer[] = [];
  private indexed = 0;
  /** Boxes containing the point of the current call, as (layer, leaf position); reused. */
  private hitLayer = new Int32Array(64);
  private hitPosition = new Int32Array(64);
  private hitCount = 0;
  private stamp = 0;
  /** Depth-first stack of collect(): two numbers per pending node, at most nodeSize per level. */
  private readonly stack = new Int32Array(4096);

  /** Replace everything. */
  load(entries: IndexEntry[]): void {
    this.slots.clear();
    for (const entry of entries) this.slots.set(entry.id, slotOf(entry));
    this.rebuild();
  }

  /**
   * Insert or replace these entries (by id) and drop the ids in `removed`; rebuilds the flatbush.
   * An id in both lists ends up removed: removals are applied after the changes.
   * Only changed entries are recompiled; the rest is one pass of copying and tree building.
   */
  apply(changed: IndexEntry[], removed: number[]): void {
    for (const entry of changed) this.slots.set(entry.id, slotOf(entry));
    for (const id of removed) this.slots.delete(id);
    this.rebuild();
  }

  get(id: number): IndexEntry | undefined {
    return this.slots.get(id)?.entry;
  }

  /** Number of entries with a geometry. */
  get indexedCount(): number {
    return this.indexed;
  }

  /**
   * The chain of grids containing the point, top level first; [] when outside all.
   *
   * Candidates are the grids whose boundary contains the point, edges included. The top is the
   * shallowest candidate whose parent is not a candidate (smallest code on ties); from it the
   * chain descends through candidate children, smallest code first, so a point on an edge shared
   * by siblings always resolves to the same one, and the child chosen lies in the parent chosen.
   * The top's ancestors are prepended by parentId, with or without boundaries.
   *
   * The answer is exactly that rule's, but point tests run lazily and at most once per grid: a
   * grid that cannot beat the best found so far is never tested.
   */
  locate(lng: number, lat: number): IndexEntry[] {
    if (this.indexed === 0 || !Number.isFinite(lng) || !Number.isFinite(lat)) return [];
    if (this.stamp === 0xffffffff) {
      // Before the memo stamps wrap, forget them all.
      for (const layer of this.layers) layer.stamp.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    this.hitCount = 0;
    // Layers are in depth order, so hits are too.
    for (let layer = 0; layer < this.layers.length; layer++) this.collect(layer, lng, lat);
    const hitCount = this.hitCount;
    if (hitCount === 0) return [];
    const layers = this.layers;
    const hitLayer = this.hitLayer;
    const hitPosition = this.hitPosition;

    // The top: smallest (depth, code, id) among candidates whose parent is not a candidate.
    let topLayer = -1;
    let topPosition = -1;
    for (let h = 0; h < hitCount; h++) {
      const li = hitLayer[h]!;
      const position = hitPosition[h]!;
      if (topLayer >= 0) {
        // Hits come in depth order: a deeper hit can no longer win.
        if (layers[li]!.depth > layers[topLayer]!.depth) break;
        if (!siblingBefore(layers[li]!.slots[position]!.entry, layers[topLayer]!.slots[topPosition]!.entry))
          continue;
      }
      if (this.side(li, position, lng, lat, stamp) > 0) continue;
      const parentId = layers[li]!.parentIds[position]!;
      if (!Number.isNaN(parentId) && parentId !== layers[li]!.ids[position]) {
        const parent = this.slots.get(parentId);
        if (
          parent !== undefined &&
          parent.layer >= 0 &&
          this.side(parent.layer, parent.position, lng, lat, stamp) <= 0
        ) {
          continue;
        }
      }
      topLayer = li;
      topPosition = position;
    }
    if (topLayer < 0) {
      // Only a parentId cycle among the candidates leaves no top; take the first candidate then.
      for (let h = 0; h < hitCount && topLayer < 0; h++) {
        if (this.side(hitLayer[h]!, hitPosition[h]!, lng, lat, stamp) <= 0) {
          topLayer = hitLayer[h]!;
          topPosition = hitPosition[h]!;
        }
      }
      if (topLayer < 0) return [];
    }

    const top = layers[topLayer]!.slots[topPosition]!.entry;
    const chain: IndexEntry[] = [top];
    let current = top;
    // Each step moves to a new candidate, so a cycle in bad data cannot loop forever.
    for (let step = 1; step < hitCount; step++) {
      let next: IndexEntry | undefined;
      for (let h = 0; h < hitCount; h++) {
        const layer = layers[hitLayer[h]!]!;
        const position = hitPosition[h]!;
        if (layer.parentIds[position] !== current.id || layer.ids[position] === current.id) continue;
        const entry = layer.slots[position]!.entry;
        if (next !== undefined && !siblingBefore(entry, next)) continue;
        if (this.side(hitLayer[h]!, position, lng, lat, stamp) <= 0) next = entry;
      }
      if (next === undefined || chain.includes(next)) break;
      chain.push(next);
      current = next;
    }

    let parentId = top.parentId;
    if (parentId === null) return chain;
    const result: IndexEntry[] = [];
    for (let guard = this.slots.size; parentId !== null && guard > 0; guard--) {
      const parent: IndexEntry | undefined = this.slots.get(parentId)?.entry;
      if (parent === undefined || parent === top || result.includes(parent)) break;
      result.push(parent);
      parentId = parent.parentId;
    }
    result.reverse();
    for (const entry of chain) result.push(entry);
    return result;
  }

  /**
   * Appends to the hits the leaves of one layer whose box contains (x, y). The same walk as
   * Flatbush#search, over the tree's packed arrays (the layout Flatbush.from documents), but with
   * a reused stack and no result array: at 100k+ lookups a second the allocations showed up.
   */
  private collect(layerNumber: number, x: number, y: number): void {
    const tree = this.layers[layerNumber]!.tree;
    const boxes = tree._boxes;
    const indices = tree._indices;
    const levelBounds = tree._levelBounds;
    const nodeSize = tree.nodeSize;
    const leafEnd = tree.numItems * 4;
    const stack = this.stack;
    let height = 0;
    let nodeIndex = boxes.length - 4;
    let level = levelBounds.length - 1;
    for (;;) {
      const end = Math.min(nodeIndex + nodeSize * 4, levelBounds[level]!);
      const isNode = nodeIndex >= leafEnd;
      for (let position = nodeIndex; position < end; position += 4) {
        if (
          x < boxes[position]! ||
          y < boxes[position + 1]! ||
          x > boxes[position + 2]! ||
          y > boxes[position + 3]!
        ) {
          continue;
        }
        if (isNode) {
          stack[height++] = indices[position >> 2]!;
          stack[height++] = level - 1;
        } else {
          this.addHit(layerNumber, position >> 2);
        }
      }
      if (height === 0) return;
      level = stack[--height]!;
      nodeIndex = stack[--height]!;
    }
  }

  private addHit(layer: number, position: number): void {
    if (this.hitCount === this.hitLayer.length) {
      const grownLayer = new Int32Array(this.hitCount * 2);
      const grownPosition = new Int32Array(this.hitCount * 2);
      grownLayer.set(this.hitLayer);
      grownPosition.set(this.hitPosition);
      this.hitLayer = grownLayer;
      this.hitPosition = grownPosition;
    }
    this.hitLayer[this.hitCount] = layer;
    this.hitPosition[this.hitCount++] = position;
  }

  /** Point test of one leaf, memoised for the current call. The leaf's box contains the point. */
  private side(layerNumber: number, position: number, x: number, y: number, stamp: number): number {
    const layer = this.layers[layerNumber]!;
    if (layer.stamp[position] === stamp) return layer.side[position]!;
    const from = layer.edgeStart[position]!;
    const to = layer.edgeStart[position + 1]!;
    const side =
      from < to
        ? pointInEdgeRange(layer.edges, from, to, x, y)
        : pointInCompiled(layer.slots[position]!.shape!, x, y);
    layer.stamp[position] = stamp;
    layer.side[position] = side;
    return side;
  }

  private rebuild(): void {
    const byDepth = new Map<number, Slot[]>();
    let indexed = 0;
    for (const slot of this.slots.values()) {
      slot.layer = -1;
      slot.position = -1;
      if (slot.shape === null || slot.shape.edgeCount === 0) continue;
      indexed++;
      const group = byDepth.get(slot.entry.depth);
      if (group) group.push(slot);
      else byDepth.set(slot.entry.depth, [slot]);
    }
    this.indexed = indexed;
    const previous = new Map(this.layers.map((layer) => [layer.depth, layer]));
    this.layers = [...byDepth.keys()]
      .sort((a, b) => a - b)
      .map((depth, layerNumber) => buildLayer(depth, byDepth.get(depth)!, layerNumber, previous.get(depth)));
  }
}
