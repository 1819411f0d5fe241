import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';
import type { GridGeometry } from './geometry.js';

/** Every grid write takes this transaction-level lock first, so revisions are handed out in commit order. */
export const GRID_WRITE_LOCK = 7263002;

export interface GridRow {
  id: number;
  code: string;
  name: string;
  level: string;
  parentId: number | null;
  parentCode: string | null;
  depth: number;
  path: string;
  gridType: string;
  attributes: Record<string, unknown>;
  revision: number;
  retiredAt: string | null;
  geometry: GridGeometry | null;
  validFrom: string | null;
}

export interface LevelRow {
  key: string;
  rank: number;
  nameZh: string;
  nameEn: string;
}

const selectGrid = sql`
  select g.id, g.code, g.name, g.level, g.parent_id as "parentId", p.code as "parentCode", g.depth, g.path,
         g.grid_type as "gridType", g.attributes, g.revision::float8 as revision, g.retired_at as "retiredAt",
         b.geometry, b.valid_from as "validFrom"
  from grids g
  left join grids p on p.id = g.parent_id
  left join grid_boundaries b on b.grid_id = g.id and b.valid_to is null`;

function asJson(value: unknown): string {
  return JSON.stringify(value);
}

export const gridRepository = {
  async lockWrites(executor: Executor): Promise<void> {
    await executor.execute(sql`select pg_advisory_xact_lock(${GRID_WRITE_LOCK})`);
  },

  async levels(executor: Executor): Promise<LevelRow[]> {
    return rowsOf<LevelRow>(
      await executor.execute(
        sql`select key, rank, name_zh as "nameZh", name_en as "nameEn" from grid_levels order by rank`,
      ),
    );
  },

  async byCodes(executor: Executor, codes: string[]): Promise<GridRow[]> {
    if (codes.length === 0) return [];
    return rowsOf<GridRow>(
      await executor.execute(sql`${selectGrid} where g.code = any(${sql.param(codes)}::text[])`),
    );
  },

  async byCode(executor: Executor, code: string): Promise<GridRow | undefined> {
    return (await gridRepository.byCodes(executor, [code]))[0];
  },

  /** Active children (with their current boundary) of these parents. */
  async activeChildrenOf(executor: Executor, parentIds: number[]): Promise<GridRow[]> {
    if (parentIds.length === 0) return [];
    return rowsOf<GridRow>(
      await executor.execute(
        sql`${selectGrid} where g.parent_id = any(${sql.param(parentIds)}::int[]) and g.retired_at is null`,
      ),
    );
  },

  async ancestors(
    executor: Executor,
    path: string,
  ): Promise<{ code: string; name: string; level: string }[]> {
    const ids = path.split('/').filter(Boolean).slice(0, -1).map(Number);
    if (ids.length === 0) return [];
    return rowsOf<{ code: string; name: string; level: string }>(
      await executor.execute(
        sql`select code, name, level from grids where id = any(${sql.param(ids)}::int[]) order by depth`,
      ),
    );
  },

  async countActiveChildren(executor: Executor, id: number): Promise<number> {
    const rows = rowsOf<{ n: number }>(
      await executor.execute(
        sql`select count(*)::int as n from grids where parent_id = ${id} and retired_at is null`,
      ),
    );
    return rows[0]?.n ?? 0;
  },

  /** Insert grids (path filled in afterwards by setPaths); returns their ids by code. */
  async insert(
    executor: Executor,
    rows: {
      code: string;
      name: string;
      level: string;
      parentId: number | null;
      gridType: string;
      attributes: Record<string, unknown>;
    }[],
    at: Date,
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (let i = 0; i < rows.length; i += 5000) {
      const batch = rows.slice(i, i + 5000);
      const result = rowsOf<{ id: number; code: string }>(
        await executor.execute(sql`
          insert into grids (code, name, level, parent_id, depth, path, grid_type, attributes, created_at, updated_at)
          select r.code, r.name, r.level, r.parent_id, 0, '/', r.grid_type, r.attributes, ${at}, ${at}
          from jsonb_to_recordset(${asJson(batch.map((row) => ({ ...row, parent_id: row.parentId, grid_type: row.gridType })))}::jsonb)
            as r(code text, name text, level text, parent_id int, grid_type text, attributes jsonb)
          returning id, code`),
      );
      for (const row of result) ids.set(row.code, row.id);
    }
    return ids;
  },

  async update(
    executor: Executor,
    rows: {
      id: number;
      name: string;
      level: string;
      parentId: number | null;
      gridType: string;
      attributes: Record<string, unknown>;
    }[],
    at: Date,
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += 5000) {
      const batch = rows.slice(i, i + 5000);
      await executor.execute(sql`
        update grids g set name = r.name, level = r.level, parent_id = r.parent_id, grid_type = r.grid_type,
               attributes = r.attributes, updated_at = ${at}, revision = nextval('grid_revision')
        from jsonb_to_recordset(${asJson(batch.map((row) => ({ ...row, parent_id: row.parentId, grid_type: row.gridType })))}::jsonb)
          as r(id int, name text, level text, parent_id int, grid_type text, attributes jsonb)
        where g.id = r.id`);
    }
  },

  /**
   * Recompute path and depth of these grids from their parents (parents must already be right; call in order of
   * depth), and carry the change down to their existing descendants.
   */
  async setPaths(executor: Executor, ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    const moved = rowsOf<{
      id: number;
      oldPath: string;
      newPath: string;
      oldDepth: number;
      newDepth: number;
    }>(
      await executor.execute(sql`
        with target as (
          select c.id, c.path as old_path, c.depth as old_depth,
                 coalesce(p.path, '/') || c.id || '/' as new_path,
                 coalesce(p.depth + 1, 0) as new_depth
          from grids c left join grids p on p.id = c.parent_id
          where c.id = any(${sql.param(ids)}::int[])
        )
        update grids g set path = t.new_path, depth = t.new_depth
        from target t where g.id = t.id and (g.path <> t.new_path or g.depth <> t.new_depth)
        returning g.id, t.old_path as "oldPath", t.new_path as "newPath", t.old_depth as "oldDepth", t.new_depth as "newDepth"`),
    );
    for (const row of moved) {
      if (row.oldPath === '/') continue; // a new grid has no descendants yet
      await executor.execute(sql`
        update grids set path = ${row.newPath} || substr(path, ${row.oldPath.length + 1}),
                         depth = depth + ${row.newDepth - row.oldDepth},
                         revision = nextval('grid_revision')
        where path like ${`${row.oldPath}%`} and id <> ${row.id}`);
    }
  },

  /**
   * Close the current boundary of each grid and open the new one. `fresh` grids were inserted in this transaction:
   * they have no boundary to close and already carry a revision newer than any reader has seen.
   */
  async replaceBoundaries(
    executor: Executor,
    rows: {
      gridId: number;
      geometry: GridGeometry;
      bbox: [number, number, number, number];
      areaSquareMetres: number;
      validFrom: Date;
      fresh: boolean;
    }[],
  ): Promise<void> {
    const existing = rows.filter((row) => !row.fresh);
    for (let i = 0; i < existing.length; i += 5000) {
      const batch = existing.slice(i, i + 5000);
      const gridIds = batch.map((row) => row.gridId);
      const validFrom = batch.map((row) => row.validFrom.toISOString());
      await executor.execute(sql`
        update grid_boundaries b set valid_to = greatest(r.valid_from, b.valid_from)
        from unnest(${sql.param(gridIds)}::int[], ${sql.param(validFrom)}::timestamptz[]) as r(grid_id, valid_from)
        where b.grid_id = r.grid_id and b.valid_to is null`);
      await executor.execute(
        sql`update grids set revision = nextval('grid_revision') where id = any(${sql.param(gridIds)}::int[])`,
      );
    }
    for (let i = 0; i < rows.length; i += 5000) {
      const batch = rows.slice(i, i + 5000).map((row) => ({
        grid_id: row.gridId,
        geometry: row.geometry,
        min_lng: row.bbox[0],
        min_lat: row.bbox[1],
        max_lng: row.bbox[2],
        max_lat: row.bbox[3],
        area_m2: row.areaSquareMetres,
        valid_from: row.validFrom.toISOString(),
      }));
      await executor.execute(sql`
        insert into grid_boundaries (grid_id, geometry, min_lng, min_lat, max_lng, max_lat, area_m2, valid_from)
        select r.grid_id, r.geometry, r.min_lng, r.min_lat, r.max_lng, r.max_lat, r.area_m2, r.valid_from
        from jsonb_to_recordset(${asJson(batch)}::jsonb)
          as r(grid_id int, geometry jsonb, min_lng float8, min_lat float8, max_lng float8, max_lat float8, area_m2 float8, valid_from timestamptz)`);
    }
  },

  async retire(executor: Executor, id: number, at: Date): Promise<void> {
    await executor.execute(
      sql`update grids set retired_at = ${at}, updated_at = ${at}, revision = nextval('grid_revision') where id = ${id}`,
    );
    await executor.execute(
      sql`update grid_boundaries set valid_to = greatest(${at}, valid_from) where grid_id = ${id} and valid_to is null`,
    );
  },

  async notifyChanged(executor: Executor): Promise<void> {
    await executor.execute(
      sql`select pg_notify('grid_changes', (select coalesce(max(revision), 0)::text from grids))`,
    );
  },

  async maxRevision(executor: Executor): Promise<number> {
    const rows = rowsOf<{ r: number }>(
      await executor.execute(sql`select coalesce(max(revision), 0)::float8 as r from grids`),
    );
    return rows[0]?.r ?? 0;
  },

  /** Rows changed after a revision, for the spatial index. */
  async changedSince(executor: Executor, revision: number): Promise<GridRow[]> {
    return rowsOf<GridRow>(
      await executor.execute(sql`${selectGrid} where g.revision > ${revision} order by g.revision`),
    );
  },

  /** All grids with a current boundary (the index's first load). */
  async withBoundary(executor: Executor): Promise<GridRow[]> {
    return rowsOf<GridRow>(
      await executor.execute(sql`${selectGrid} where b.id is not null and g.retired_at is null`),
    );
  },

  async byIds(executor: Executor, ids: number[]): Promise<GridRow[]> {
    if (ids.length === 0) return [];
    return rowsOf<GridRow>(
      await executor.execute(sql`${selectGrid} where g.id = any(${sql.param(ids)}::int[])`),
    );
  },
};

export interface GridListRow extends Omit<GridRow, 'geometry' | 'validFrom' | 'revision' | 'attributes'> {
  childCount: number;
  hasBoundary: boolean;
}

export const gridQueries = {
  /** A page of grids under `parentId` (or the given root ids when parentId is null) with child counts. */
  async list(
    executor: Executor,
    filter: { parentId?: number; ids?: number[]; level?: string; q?: string; scope: ReturnType<typeof sql> },
    page: { offset: number; limit: number },
  ): Promise<{ items: GridListRow[]; total: number }> {
    const conditions = [sql`g.retired_at is null`, filter.scope];
    if (filter.parentId !== undefined) conditions.push(sql`g.parent_id = ${filter.parentId}`);
    if (filter.ids) conditions.push(sql`g.id = any(${sql.param(filter.ids)}::int[])`);
    if (filter.level) conditions.push(sql`g.level = ${filter.level}`);
    if (filter.q) conditions.push(sql`(g.name like ${`%${filter.q}%`} or g.code like ${`${filter.q}%`})`);
    const where = sql.join(conditions, sql` and `);
    const totalRows = rowsOf<{ n: number }>(
      await executor.execute(sql`select count(*)::int as n from grids g where ${where}`),
    );
    const items = rowsOf<GridListRow>(
      await executor.execute(sql`
        select g.id, g.code, g.name, g.level, g.parent_id as "parentId", p.code as "parentCode", g.depth, g.path,
               g.grid_type as "gridType", g.retired_at as "retiredAt",
               (select count(*)::int from grids c where c.parent_id = g.id and c.retired_at is null) as "childCount",
               exists (select 1 from grid_boundaries b where b.grid_id = g.id and b.valid_to is null) as "hasBoundary"
        from grids g left join grids p on p.id = g.parent_id
        where ${where}
        order by g.code
        limit ${page.limit} offset ${page.offset}`),
    );
    return { items, total: totalRows[0]?.n ?? 0 };
  },

  /** Active grids in a subtree (or the whole scope) with their current boundary, parents first. */
  async subtree(
    executor: Executor,
    filter: { rootPath?: string; scope: ReturnType<typeof sql> },
  ): Promise<GridRow[]> {
    const conditions = [sql`g.retired_at is null`, filter.scope];
    if (filter.rootPath) conditions.push(sql`g.path like ${`${filter.rootPath}%`}`);
    return rowsOf<GridRow>(
      await executor.execute(
        sql`${selectGrid} where ${sql.join(conditions, sql` and `)} order by g.depth, g.code`,
      ),
    );
  },

  async boundaryHistory(
    executor: Executor,
    gridId: number,
  ): Promise<
    { validFrom: string; validTo: string | null; areaSquareMetres: number; geometry: GridGeometry }[]
  > {
    return rowsOf(
      await executor.execute(sql`
        select valid_from as "validFrom", valid_to as "validTo", area_m2 as "areaSquareMetres", geometry
        from grid_boundaries where grid_id = ${gridId} order by valid_from, id`),
    );
  },
};
