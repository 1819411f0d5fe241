import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { recordAudit, type Actor, type AuditEntry } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { Database, Executor } from '../core/db.js';
import { errors, type FieldProblem } from '../core/errors.js';
import type { Policy } from '../core/policy.js';
import { Scope } from '../accounts/scope.js';
import { checkCodeSyntax, checkHierarchicalCode } from './codes.js';
import {
  areaSquareMetres,
  bboxOf,
  findSiblingOverlaps,
  geometryKey,
  outsideSquareMetres,
  pointInGeometry,
  validateGeometry,
  type GridGeometry,
} from './geometry.js';
import { GridIndex, type IndexEntry } from './locate.js';
import { gridQueries, gridRepository, type GridRow, type LevelRow } from './repository.js';
import { buildingUnits, buildings, gridLevels, grids } from './tables.js';
import type { CreateBuildingBody } from './schema.js';

export interface GridServiceDeps {
  database: Database;
  clock: Clock;
  policy: Policy;
}

/** A GeoJSON Feature as the export gives it and the import takes it. */
export interface GridFeature {
  type: 'Feature';
  geometry: GridGeometry | null;
  properties: {
    code: string;
    name: string;
    level: string;
    parentCode?: string | null;
    depth?: number;
    gridType?: string;
    attributes?: Record<string, unknown>;
    [key: string]: unknown;
  };
}

export interface GridFeatureCollection {
  type: 'FeatureCollection';
  features: GridFeature[];
}

/** The fields of a grid that a change may set. */
export interface GridPatch {
  name?: string;
  level?: string;
  parentCode?: string | null;
  gridType?: string;
  attributes?: Record<string, unknown>;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ApplyOptions {
  /** upsert: create or update; create: every code must be new; update: every code must exist. */
  mode: 'upsert' | 'create' | 'update';
  /** The writer's data scope: every grid written, and its parent, must lie inside it. */
  scope: Scope;
  /** When the new boundaries take effect (default now). */
  validFrom?: Date;
}

const GRID = { zh: '网格', en: 'Grid' };

/** What a feature will make of a grid, after validation. */
interface Planned {
  index: number;
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  gridType: string;
  attributes: Record<string, unknown>;
  /** Undefined: leave the boundary as it is. */
  geometry: GridGeometry | undefined;
  existing: GridRow | undefined;
  geometryChanged: boolean;
  fieldsChanged: boolean;
  depth: number;
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`)
    .join(',')}}`;
}

export class GridService {
  readonly index = new GridIndex();
  private revision = 0;
  private unlisten: (() => Promise<void>) | undefined;
  private poller: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;

  constructor(private readonly deps: GridServiceDeps) {}

  private get db(): Executor {
    return this.deps.database.db;
  }

  // ---------------------------------------------------------------- spatial index

  /** Load the index and keep it in step with writes made by this and by other server processes. */
  async startIndex(): Promise<void> {
    await this.reloadIndex();
    if (this.deps.database.engine === 'postgres') {
      this.unlisten = await this.deps.database.listen('grid_changes', () => void this.refreshIndex());
      // Notifications can be missed while a listener reconnects; a cheap poll of max(revision) covers the gap.
      this.poller = setInterval(() => void this.pollRevision(), 2000);
      this.poller.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    if (this.unlisten) await this.unlisten();
    this.unlisten = undefined;
    await this.refreshing;
  }

  indexedCount(): number {
    return this.index.indexedCount;
  }

  private async reloadIndex(): Promise<void> {
    const revision = await gridRepository.maxRevision(this.db);
    const rows = await gridRepository.withBoundary(this.db);
    const ancestors = await this.missingAncestors(rows, new Set(rows.map((row) => row.id)));
    this.index.load([...rows, ...ancestors].map(toEntry));
    this.revision = revision;
  }

  private async pollRevision(): Promise<void> {
    try {
      if ((await gridRepository.maxRevision(this.db)) > this.revision) await this.refreshIndex();
    } catch {
      /* the next poll tries again */
    }
  }

  /** Catch up with every grid change committed since the last refresh. Concurrent calls coalesce. */
  async refreshIndex(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          await this.applyChangesToIndex();
        } while (this.refreshAgain);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private async applyChangesToIndex(): Promise<void> {
    const rows = await gridRepository.changedSince(this.db, this.revision);
    if (rows.length === 0) return;
    const changed: GridRow[] = [];
    const removed: number[] = [];
    for (const row of rows) {
      const wanted = !row.retiredAt && (row.geometry !== null || this.index.get(row.id) !== undefined);
      if (wanted) changed.push(row);
      else if (this.index.get(row.id)) removed.push(row.id);
    }
    const known = new Set<number>(changed.map((row) => row.id));
    const ancestors = await this.missingAncestors(changed, known);
    this.index.apply([...changed, ...ancestors].map(toEntry), removed);
    this.revision = Math.max(this.revision, ...rows.map((row) => row.revision));
  }

  /** Ancestors of these rows that the index does not hold yet (they may have no boundary of their own). */
  private async missingAncestors(rows: GridRow[], known: Set<number>): Promise<GridRow[]> {
    const wanted = new Set<number>();
    for (const row of rows) {
      for (const part of row.path.split('/')) {
        const id = Number(part);
        if (part && !known.has(id) && !this.index.get(id)) wanted.add(id);
      }
    }
    return gridRepository.byIds(this.db, [...wanted]);
  }

  locate(lng: number, lat: number): IndexEntry[] {
    return this.index.locate(lng, lat);
  }

  // ---------------------------------------------------------------- reads

  async levels(): Promise<LevelRow[]> {
    return gridRepository.levels(this.db);
  }

  /** A grid the reader may see, or 404 (outside the scope looks the same as absent). */
  async get(code: string, scope: Scope): Promise<GridRow> {
    const row = await gridRepository.byCode(this.db, code);
    if (!row || row.retiredAt || !scope.coversPath(row.path)) throw errors.notFound(GRID, code);
    return row;
  }

  async detail(code: string, scope: Scope) {
    const row = await this.get(code, scope);
    const [ancestors, childCount] = await Promise.all([
      gridRepository.ancestors(this.db, row.path),
      gridRepository.countActiveChildren(this.db, row.id),
    ]);
    return { row, ancestors, childCount };
  }

  async list(
    query: { parent?: string; level?: string; q?: string; page: number; pageSize: number },
    scope: Scope,
  ) {
    const page = { offset: (query.page - 1) * query.pageSize, limit: query.pageSize };
    const condition = scope.pathCondition(sql`g.path`);
    if (query.parent) {
      const parent = await this.get(query.parent, scope);
      return gridQueries.list(
        this.db,
        { parentId: parent.id, level: query.level, q: query.q, scope: condition },
        page,
      );
    }
    if (query.level || query.q) {
      return gridQueries.list(this.db, { level: query.level, q: query.q, scope: condition }, page);
    }
    // No parent: the tops of what the reader may see — the roots for an admin, the bound grids for others.
    if (scope.all) {
      const roots = await this.db
        .select({ id: grids.id })
        .from(grids)
        .where(and(isNull(grids.parentId), isNull(grids.retiredAt)));
      return gridQueries.list(this.db, { ids: roots.map((r) => r.id), scope: condition }, page);
    }
    const ids = scope.roots.map((path) => Number(path.split('/').filter(Boolean).at(-1)));
    return gridQueries.list(this.db, { ids, scope: condition }, page);
  }

  /**
   * The grid a user's first screen (the dashboard's map and portrait) starts from: the only top grid the user may
   * see, then down while there is only one way down (a district with a single street in the system). With several
   * top grids, the first of them.
   */
  async startGrid(scope: Scope): Promise<{ code: string; name: string; level: string } | null> {
    const tops = await this.list({ page: 1, pageSize: 2 }, scope);
    let start = tops.items[0];
    for (let depth = 0; start && tops.total === 1 && start.childCount > 0 && depth < 4; depth++) {
      const below = await this.list({ parent: start.code, page: 1, pageSize: 2 }, scope);
      if (below.total !== 1) break;
      start = below.items[0]!;
    }
    return start ? { code: start.code, name: start.name, level: start.level } : null;
  }

  async boundaryHistory(code: string, scope: Scope) {
    const row = await this.get(code, scope);
    return gridQueries.boundaryHistory(this.db, row.id);
  }

  /** The grids in a subtree (or the reader's whole scope) as a GeoJSON FeatureCollection. */
  async exportGeoJson(scope: Scope, rootCode?: string): Promise<GridFeatureCollection> {
    const root = rootCode ? await this.get(rootCode, scope) : undefined;
    const rows = await gridQueries.subtree(this.db, {
      rootPath: root?.path,
      scope: scope.pathCondition(sql`g.path`),
    });
    return {
      type: 'FeatureCollection',
      features: rows.map((row) => ({
        type: 'Feature',
        geometry: row.geometry,
        properties: {
          code: row.code,
          name: row.name,
          level: row.level,
          depth: row.depth,
          parentCode: row.parentCode,
          gridType: row.gridType,
          ...(Object.keys(row.attributes ?? {}).length > 0 ? { attributes: row.attributes } : {}),
        },
      })),
    };
  }

  /** Active grids by code, with id and path (for binding users to grids). Unknown codes are absent. */
  async resolveCodes(codes: string[]): Promise<Map<string, { id: number; code: string; path: string }>> {
    if (codes.length === 0) return new Map();
    const rows = await this.db
      .select({ id: grids.id, code: grids.code, path: grids.path })
      .from(grids)
      .where(and(inArray(grids.code, codes), isNull(grids.retiredAt)));
    return new Map(rows.map((row) => [row.code, row]));
  }

  /** Add a level or rename one (level names are per installation: 004's 五级, 000's 综合网格/治理单元 …). */
  async saveLevel(level: LevelRow, actor: Actor): Promise<LevelRow> {
    const at = this.deps.clock.now();
    await this.deps.database.db.transaction(async (tx) => {
      await tx
        .insert(gridLevels)
        .values(level)
        .onConflictDoUpdate({
          target: gridLevels.key,
          set: { rank: level.rank, nameZh: level.nameZh, nameEn: level.nameEn },
        });
      await recordAudit(tx, actor, at, [
        { action: 'grid_level.save', entity: 'grid_level', entityKey: level.key, detail: { ...level } },
      ]);
    });
    return level;
  }

  // ---------------------------------------------------------------- buildings 楼栋

  async listBuildings(code: string, scope: Scope) {
    const grid = await this.get(code, scope);
    const rows = await this.db
      .select()
      .from(buildings)
      .where(eq(buildings.gridId, grid.id))
      .orderBy(buildings.code);
    const units = rows.length
      ? await this.db
          .select()
          .from(buildingUnits)
          .where(
            inArray(
              buildingUnits.buildingId,
              rows.map((row) => row.id),
            ),
          )
      : [];
    return rows.map((row) => ({
      code: row.code,
      name: row.name,
      gridCode: grid.code,
      address: row.address,
      lng: row.lng,
      lat: row.lat,
      floors: row.floors,
      units: units.filter((unit) => unit.buildingId === row.id).map((unit) => unit.name),
    }));
  }

  async createBuilding(code: string, body: CreateBuildingBody, actor: Actor, scope: Scope) {
    const grid = await this.get(code, scope);
    if ((body.lng === undefined) !== (body.lat === undefined)) {
      throw errors.invalid([
        { field: '/body/lng', zh: '经度和纬度须同时提供', en: 'lng and lat go together' },
      ]);
    }
    if (
      body.lng !== undefined &&
      body.lat !== undefined &&
      grid.geometry &&
      pointInGeometry(grid.geometry, body.lng, body.lat) > 0
    ) {
      throw errors.unprocessable(
        'building_outside_grid',
        `楼栋位置不在网格「${code}」内`,
        `The building's location lies outside grid "${code}"`,
        [{ field: '/body/lng', zh: '楼栋位置不在网格内', en: 'location outside the grid', grids: [code] }],
      );
    }
    const at = this.deps.clock.now();
    await this.deps.database.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(buildings)
        .values({
          gridId: grid.id,
          code: body.code,
          name: body.name,
          address: body.address ?? null,
          lng: body.lng ?? null,
          lat: body.lat ?? null,
          floors: body.floors ?? null,
          createdAt: at,
          updatedAt: at,
        })
        .returning({ id: buildings.id });
      if (body.units?.length)
        await tx.insert(buildingUnits).values(body.units.map((name) => ({ buildingId: row!.id, name })));
      await recordAudit(tx, actor, at, [
        {
          action: 'building.create',
          entity: 'building',
          entityKey: body.code,
          gridId: grid.id,
          detail: { name: body.name },
        },
      ]);
    });
    return (await this.listBuildings(code, scope)).find((b) => b.code === body.code)!;
  }

  // ---------------------------------------------------------------- writes

  /** Validate the whole collection, then write it in one transaction: all or nothing. */
  async importFeatures(
    collection: GridFeatureCollection,
    actor: Actor,
    scope: Scope = Scope.everything(),
  ): Promise<ImportResult> {
    if (collection.features.length > this.deps.policy.grids.maxImportFeatures) {
      throw errors.invalid([
        {
          field: '/features',
          zh: `一次最多导入 ${this.deps.policy.grids.maxImportFeatures} 个要素`,
          en: `at most ${this.deps.policy.grids.maxImportFeatures} features per import`,
        },
      ]);
    }
    return this.apply(collection.features, actor, { mode: 'upsert', scope });
  }

  async create(feature: GridFeature, actor: Actor, scope: Scope): Promise<GridRow> {
    await this.apply([feature], actor, { mode: 'create', scope });
    return this.get(feature.properties.code, Scope.everything());
  }

  /** Change a grid's name, type, attributes or parent. */
  async update(code: string, patch: GridPatch, actor: Actor, scope: Scope): Promise<GridRow> {
    const row = await this.get(code, scope);
    await this.apply([featureFrom(row, null, patch)], actor, { mode: 'update', scope });
    return this.get(code, Scope.everything());
  }

  /** A new version of the boundary; the old one is kept with its end date. */
  async setBoundary(
    code: string,
    geometry: unknown,
    validFrom: Date | undefined,
    actor: Actor,
    scope: Scope,
  ): Promise<GridRow> {
    const row = await this.get(code, scope);
    await this.apply([featureFrom(row, geometry as GridGeometry, {})], actor, {
      mode: 'update',
      scope,
      validFrom,
    });
    return this.get(code, Scope.everything());
  }

  /** Retire a grid without active children; its history stays. */
  async retire(code: string, actor: Actor, scope: Scope): Promise<void> {
    const at = this.deps.clock.now();
    await this.deps.database.db.transaction(async (tx) => {
      await gridRepository.lockWrites(tx);
      const row = await gridRepository.byCode(tx, code);
      if (!row || row.retiredAt || !scope.coversPath(row.path)) throw errors.notFound(GRID, code);
      if (row.parentId === null && !scope.all)
        throw errors.forbidden(
          '只有管理员可以撤销顶级网格',
          'Only an administrator may retire a top-level grid',
        );
      if ((await gridRepository.countActiveChildren(tx, row.id)) > 0) {
        throw errors.conflict(
          'grid_has_children',
          `网格「${code}」还有下级网格，不能撤销`,
          `Grid "${code}" still has child grids`,
          {
            grids: [code],
          },
        );
      }
      await gridRepository.retire(tx, row.id, at);
      await recordAudit(tx, actor, at, [
        { action: 'grid.retire', entity: 'grid', entityKey: code, gridId: row.id },
      ]);
      await gridRepository.notifyChanged(tx);
    });
    await this.refreshIndex();
  }

  private async apply(features: GridFeature[], actor: Actor, options: ApplyOptions): Promise<ImportResult> {
    const at = this.deps.clock.now();
    const validFrom = options.validFrom ?? at;
    const result = await this.deps.database.db.transaction(async (tx) => {
      await gridRepository.lockWrites(tx);
      const plan = await this.plan(tx, features, options);
      return this.write(tx, plan, actor, at, validFrom);
    });
    if (result.created + result.updated > 0) await this.refreshIndex();
    return result;
  }

  /** Check everything and work out what changes; throws one error that lists every problem. */
  private async plan(tx: Executor, features: GridFeature[], options: ApplyOptions): Promise<Planned[]> {
    const problems: FieldProblem[] = [];
    const levels = new Map((await gridRepository.levels(tx)).map((level) => [level.key, level]));
    const policy = this.deps.policy.grids;

    // 1. each feature on its own
    const byCode = new Map<string, number>();
    const geometries: (GridGeometry | undefined)[] = [];
    features.forEach((feature, i) => {
      const p = feature.properties;
      const field = `/features/${i}`;
      const syntax = checkCodeSyntax(p.code);
      if (syntax) problems.push({ field: `${field}/properties/code`, ...syntax, grids: [p.code] });
      if (byCode.has(p.code)) {
        problems.push({
          field: `${field}/properties/code`,
          zh: `网格编码「${p.code}」在文件中重复（第 ${byCode.get(p.code)! + 1} 与第 ${i + 1} 个要素）`,
          en: `grid code "${p.code}" appears twice (features ${byCode.get(p.code)! + 1} and ${i + 1})`,
          grids: [p.code],
        });
      } else byCode.set(p.code, i);
      if (!levels.has(p.level)) {
        problems.push({
          field: `${field}/properties/level`,
          zh: `网格「${p.code}」的层级「${p.level}」不存在`,
          en: `grid "${p.code}" has unknown level "${p.level}"`,
          grids: [p.code],
        });
      }
      if (feature.geometry === null || feature.geometry === undefined) {
        geometries.push(undefined);
      } else {
        const checked = validateGeometry(feature.geometry);
        if (checked.ok) geometries.push(checked.geometry);
        else {
          geometries.push(undefined);
          problems.push({
            field: `${field}/geometry`,
            zh: `网格「${p.code}」边界无效：${checked.zh}`,
            en: `grid "${p.code}" has an invalid boundary: ${checked.en}`,
            grids: [p.code],
          });
        }
      }
    });

    // 2. against the database: existing rows and parents outside the file
    const parentCodes = features
      .map((f) => f.properties.parentCode)
      .filter((code): code is string => typeof code === 'string' && !byCode.has(code));
    const existingRows = await gridRepository.byCodes(tx, [...new Set([...byCode.keys(), ...parentCodes])]);
    const existing = new Map(existingRows.filter((row) => !row.retiredAt).map((row) => [row.code, row]));
    const retired = new Set(existingRows.filter((row) => row.retiredAt).map((row) => row.code));

    const planned: Planned[] = features.map((feature, i) => {
      const p = feature.properties;
      const row = existing.get(p.code);
      const parentCode = p.parentCode === undefined ? (row?.parentCode ?? null) : p.parentCode;
      const gridType = p.gridType ?? row?.gridType ?? 'residential';
      const attributes = p.attributes ?? row?.attributes ?? {};
      const geometry = geometries[i];
      const geometryChanged =
        geometry !== undefined && (!row?.geometry || geometryKey(row.geometry) !== geometryKey(geometry));
      const fieldsChanged =
        !row ||
        row.name !== p.name ||
        row.level !== p.level ||
        row.parentCode !== parentCode ||
        row.gridType !== gridType ||
        stableJson(row.attributes ?? {}) !== stableJson(attributes);
      return {
        index: i,
        code: p.code,
        name: p.name,
        level: p.level,
        parentCode,
        gridType,
        attributes,
        geometry,
        existing: row,
        geometryChanged,
        fieldsChanged,
        depth: 0,
      };
    });

    for (const item of planned) {
      const field = `/features/${item.index}`;
      if (retired.has(item.code)) {
        problems.push({
          field: `${field}/properties/code`,
          zh: `网格编码「${item.code}」已被撤销的网格使用`,
          en: `grid code "${item.code}" belongs to a retired grid`,
          grids: [item.code],
        });
      }
      if (options.mode === 'create' && item.existing) {
        throw errors.conflict(
          'grid_exists',
          `网格编码「${item.code}」已存在`,
          `Grid code "${item.code}" already exists`,
          { grids: [item.code] },
        );
      }
      if (options.mode === 'update' && !item.existing) throw errors.notFound(GRID, item.code);
      // the writer's scope: the grid itself (when it exists) and its parent must lie inside it
      if (!options.scope.all) {
        if (item.existing && !options.scope.coversPath(item.existing.path))
          throw errors.notFound(GRID, item.code);
        const parentRow = item.parentCode ? existing.get(item.parentCode) : undefined;
        if (item.parentCode === null) {
          throw errors.forbidden(
            '只有管理员可以创建或移动顶级网格',
            'Only an administrator may create or move a top-level grid',
          );
        }
        if (parentRow && !options.scope.coversPath(parentRow.path))
          throw errors.notFound(GRID, item.parentCode);
      }
      if (item.parentCode !== null && !byCode.has(item.parentCode) && !existing.has(item.parentCode)) {
        problems.push({
          field: `${field}/properties/parentCode`,
          zh: `网格「${item.code}」的上级「${item.parentCode}」不存在`,
          en: `parent "${item.parentCode}" of grid "${item.code}" does not exist`,
          grids: [item.code, item.parentCode],
        });
      }
      if (item.parentCode === item.code) {
        problems.push({
          field: `${field}/properties/parentCode`,
          zh: `网格「${item.code}」不能是自己的上级`,
          en: `grid "${item.code}" cannot be its own parent`,
          grids: [item.code],
        });
      }
    }

    // 3. the tree: depth by walking parents (in the file first, then the database); cycles; level order; codes
    const plannedByCode = new Map(planned.map((item) => [item.code, item]));
    const depthOf = (code: string, seen: Set<string>): number => {
      const item = plannedByCode.get(code);
      if (!item) return existing.get(code)?.depth ?? 0;
      if (item.depth > 0 || (item.parentCode === null && item.depth === 0)) return item.depth;
      if (seen.has(code)) return -1;
      seen.add(code);
      const parent = item.parentCode;
      if (parent === null) return 0;
      const parentDepth = plannedByCode.has(parent) || existing.has(parent) ? depthOf(parent, seen) : 0;
      item.depth = parentDepth < 0 ? -1 : parentDepth + 1;
      return item.depth;
    };
    for (const item of planned) {
      if (item.parentCode === null) item.depth = 0;
    }
    for (const item of planned) {
      const depth = depthOf(item.code, new Set());
      if (depth < 0) {
        problems.push({
          field: `/features/${item.index}/properties/parentCode`,
          zh: `网格「${item.code}」的上级关系形成了环`,
          en: `the parents of grid "${item.code}" form a cycle`,
          grids: [item.code],
        });
      }
      // a grid moved below one of its own descendants
      if (item.existing && item.parentCode) {
        const parentRow = existing.get(item.parentCode);
        if (parentRow && parentRow.path.startsWith(item.existing.path)) {
          problems.push({
            field: `/features/${item.index}/properties/parentCode`,
            zh: `网格「${item.code}」不能移到自己的下级「${item.parentCode}」之下`,
            en: `grid "${item.code}" cannot move below its own descendant "${item.parentCode}"`,
            grids: [item.code, item.parentCode],
          });
        }
      }
      const parentLevel = item.parentCode
        ? (plannedByCode.get(item.parentCode)?.level ?? existing.get(item.parentCode)?.level)
        : undefined;
      const rank = levels.get(item.level)?.rank;
      const parentRank = parentLevel ? levels.get(parentLevel)?.rank : undefined;
      if (rank !== undefined && parentRank !== undefined && rank <= parentRank) {
        problems.push({
          field: `/features/${item.index}/properties/level`,
          zh: `网格「${item.code}」的层级（${item.level}）必须低于上级「${item.parentCode}」的层级（${parentLevel}）`,
          en: `level "${item.level}" of grid "${item.code}" must be below its parent "${item.parentCode}"'s level "${parentLevel}"`,
          grids: [item.code, item.parentCode!],
        });
      }
      if (policy.hierarchicalCodes) {
        const codeProblem = checkHierarchicalCode(item.code, item.parentCode);
        if (codeProblem)
          problems.push({
            field: `/features/${item.index}/properties/code`,
            ...codeProblem,
            grids: [item.code],
          });
      }
    }
    if (problems.length > 0) throw gridProblems(problems);

    // 4. geometry against the final tree: children inside parents, siblings apart
    await this.checkGeometry(tx, planned, existing, problems);
    if (problems.length > 0) throw gridProblems(problems);
    return planned;
  }

  private async checkGeometry(
    tx: Executor,
    planned: Planned[],
    existing: Map<string, GridRow>,
    problems: FieldProblem[],
  ): Promise<void> {
    const tolerance = this.deps.policy.grids.overlapToleranceSquareMetres;
    const plannedByCode = new Map(planned.map((item) => [item.code, item]));
    // parents whose set of children or whose own boundary changes
    const affectedParents = new Set<string>();
    for (const item of planned) {
      const moved = item.existing && item.existing.parentCode !== item.parentCode;
      if ((item.geometryChanged || moved || !item.existing) && item.parentCode)
        affectedParents.add(item.parentCode);
      if (item.geometryChanged && item.existing) affectedParents.add(item.code);
    }
    if (affectedParents.size === 0) return;
    const parentIds = [...affectedParents]
      .map((code) => existing.get(code)?.id)
      .filter((id): id is number => id !== undefined);
    const dbChildren = await gridRepository.activeChildrenOf(tx, parentIds);
    const parentGeometry = (code: string): GridGeometry | null => {
      const item = plannedByCode.get(code);
      if (item?.geometry) return item.geometry;
      return existing.get(code)?.geometry ?? null;
    };
    // final children of each affected parent: database children (unless the file moves or changes them) + file
    const groups = new Map<string, { code: string; geometry: GridGeometry }[]>();
    for (const code of affectedParents) groups.set(code, []);
    for (const child of dbChildren) {
      if (plannedByCode.has(child.code) || !child.geometry || !child.parentCode) continue;
      groups.get(child.parentCode)?.push({ code: child.code, geometry: child.geometry });
    }
    for (const item of planned) {
      const geometry = item.geometry ?? item.existing?.geometry ?? null;
      if (item.parentCode && geometry && groups.has(item.parentCode))
        groups.get(item.parentCode)!.push({ code: item.code, geometry });
    }
    const featureOf = (code: string) => plannedByCode.get(code);
    for (const [parentCode, children] of groups) {
      const parent = parentGeometry(parentCode);
      if (parent) {
        for (const child of children) {
          const outside = outsideSquareMetres(child.geometry, parent);
          if (outside > tolerance) {
            const item = featureOf(child.code) ?? featureOf(parentCode);
            problems.push({
              field: item ? `/features/${item.index}/geometry` : '/features',
              zh: `网格「${child.code}」有 ${outside.toFixed(1)} 平方米超出上级网格「${parentCode}」`,
              en: `grid "${child.code}" lies ${outside.toFixed(1)} m² outside its parent "${parentCode}"`,
              grids: [child.code, parentCode],
            });
          }
        }
      }
      for (const overlap of findSiblingOverlaps(
        children.map((child) => ({ key: child.code, geometry: child.geometry })),
        tolerance,
      )) {
        const item = featureOf(overlap.a) ?? featureOf(overlap.b);
        problems.push({
          field: item ? `/features/${item.index}/geometry` : '/features',
          zh: `同级网格「${overlap.a}」与「${overlap.b}」重叠 ${overlap.squareMetres.toFixed(1)} 平方米`,
          en: `sibling grids "${overlap.a}" and "${overlap.b}" overlap by ${overlap.squareMetres.toFixed(1)} m²`,
          grids: [overlap.a, overlap.b],
        });
      }
    }
  }

  private async write(
    tx: Executor,
    planned: Planned[],
    actor: Actor,
    at: Date,
    validFrom: Date,
  ): Promise<ImportResult> {
    const result: ImportResult = { created: 0, updated: 0, unchanged: 0 };
    const ids = new Map<string, number>();
    for (const item of planned) if (item.existing) ids.set(item.code, item.existing.id);
    const parentsOutside = [
      ...new Set(
        planned.map((item) => item.parentCode).filter((code): code is string => !!code && !ids.has(code)),
      ),
    ];
    for (const row of await gridRepository.byCodes(tx, parentsOutside)) ids.set(row.code, row.id);

    const audit: AuditEntry[] = [];
    const byDepth = [...planned].sort((a, b) => a.depth - b.depth || a.index - b.index);
    const depths = [...new Set(byDepth.map((item) => item.depth))];
    for (const depth of depths) {
      const layer = byDepth.filter((item) => item.depth === depth);
      const fresh = layer.filter((item) => !item.existing);
      const changed = layer.filter((item) => item.existing && item.fieldsChanged);
      const inserted = await gridRepository.insert(
        tx,
        fresh.map((item) => ({
          code: item.code,
          name: item.name,
          level: item.level,
          parentId: item.parentCode ? ids.get(item.parentCode)! : null,
          gridType: item.gridType,
          attributes: item.attributes,
        })),
        at,
      );
      for (const [code, id] of inserted) ids.set(code, id);
      await gridRepository.update(
        tx,
        changed.map((item) => ({
          id: item.existing!.id,
          name: item.name,
          level: item.level,
          parentId: item.parentCode ? ids.get(item.parentCode)! : null,
          gridType: item.gridType,
          attributes: item.attributes,
        })),
        at,
      );
      const moved = changed.filter((item) => item.existing!.parentCode !== item.parentCode);
      await gridRepository.setPaths(
        tx,
        [...fresh, ...moved].map((item) => ids.get(item.code)!),
      );
      for (const item of fresh)
        audit.push({
          action: 'grid.create',
          entity: 'grid',
          entityKey: item.code,
          gridId: ids.get(item.code),
          detail: {
            name: item.name,
            level: item.level,
            parentCode: item.parentCode,
            boundary: item.geometry ? validFrom.toISOString() : null,
          },
        });
      for (const item of changed)
        audit.push({
          action: 'grid.update',
          entity: 'grid',
          entityKey: item.code,
          gridId: item.existing!.id,
          detail: {
            name: item.name,
            level: item.level,
            parentCode: item.parentCode,
            gridType: item.gridType,
          },
        });
    }
    const boundaries = planned.filter((item) => item.geometryChanged && item.geometry);
    await gridRepository.replaceBoundaries(
      tx,
      boundaries.map((item) => ({
        gridId: ids.get(item.code)!,
        geometry: item.geometry!,
        bbox: bboxOf(item.geometry!),
        areaSquareMetres: areaSquareMetres(item.geometry!),
        validFrom,
        fresh: !item.existing,
      })),
    );
    // a new grid's boundary is part of its grid.create entry; a changed boundary of an existing grid has its own
    for (const item of boundaries) {
      if (item.existing)
        audit.push({
          action: 'grid.boundary',
          entity: 'grid',
          entityKey: item.code,
          gridId: item.existing.id,
          detail: { validFrom: validFrom.toISOString() },
        });
    }

    for (const item of planned) {
      if (!item.existing) result.created += 1;
      else if (item.fieldsChanged || item.geometryChanged) result.updated += 1;
      else result.unchanged += 1;
    }
    await recordAudit(tx, actor, at, audit);
    if (result.created + result.updated > 0) await gridRepository.notifyChanged(tx);
    return result;
  }
}

function gridProblems(problems: FieldProblem[]) {
  const first = problems[0]!;
  return errors.unprocessable(
    'invalid_grids',
    problems.length === 1 ? first.zh : `${first.zh}（另有 ${problems.length - 1} 个问题）`,
    problems.length === 1 ? first.en : `${first.en} (and ${problems.length - 1} more problems)`,
    problems,
  );
}

/** The feature that re-states an existing grid with some of its fields changed. */
function featureFrom(row: GridRow, geometry: GridGeometry | null, patch: GridPatch): GridFeature {
  return {
    type: 'Feature',
    geometry,
    properties: {
      code: row.code,
      name: patch.name ?? row.name,
      level: patch.level ?? row.level,
      parentCode: patch.parentCode === undefined ? row.parentCode : patch.parentCode,
      gridType: patch.gridType ?? row.gridType,
      attributes: patch.attributes ?? row.attributes,
    },
  };
}

function toEntry(row: GridRow): IndexEntry {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    level: row.level,
    parentId: row.parentId,
    depth: row.depth,
    geometry: row.geometry,
  };
}
