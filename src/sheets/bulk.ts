import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';

const BATCH = 5000;

/**
 * Run a statement per batch of rows, each batch sent as one jsonb parameter (far cheaper to send and plan
 * than thousands of bound parameters); the rows each batch returns are collected.
 */
export async function inBatches<T>(
  executor: Executor,
  rows: Record<string, unknown>[],
  statement: (batch: SQL) => SQL,
  onBatch?: (done: number) => void,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = JSON.stringify(rows.slice(i, i + BATCH));
    out.push(...rowsOf<T>(await executor.execute(statement(sql`${batch}::jsonb`))));
    onBatch?.(Math.min(i + BATCH, rows.length));
  }
  return out;
}

/** Grids by code, with their path for the scope test (retired grids are not offered). */
export async function gridsByCode(
  executor: Executor,
  codes: string[],
): Promise<Map<string, { id: number; path: string }>> {
  if (codes.length === 0) return new Map();
  const rows = rowsOf<{ id: number; code: string; path: string }>(
    await executor.execute(sql`select id, code, path from grids
      where code = any(${sql.param([...new Set(codes)])}::text[]) and retired_at is null`),
  );
  return new Map(rows.map((row) => [row.code, { id: row.id, path: row.path }]));
}

/** Buildings by code, each with its units by name. */
export async function buildingsByCode(
  executor: Executor,
  codes: string[],
): Promise<Map<string, { id: number; gridId: number; gridPath: string; units: Map<string, number> }>> {
  const out = new Map<string, { id: number; gridId: number; gridPath: string; units: Map<string, number> }>();
  if (codes.length === 0) return out;
  const rows = rowsOf<{
    id: number;
    code: string;
    gridId: number;
    gridPath: string;
    unitId: number | null;
    unit: string | null;
  }>(
    await executor.execute(sql`select b.id, b.code, b.grid_id as "gridId", g.path as "gridPath", u.id as "unitId",
        u.name as unit
      from buildings b join grids g on g.id = b.grid_id left join building_units u on u.building_id = b.id
      where b.code = any(${sql.param([...new Set(codes)])}::text[])`),
  );
  for (const row of rows) {
    const building = out.get(row.code) ?? {
      id: row.id,
      gridId: row.gridId,
      gridPath: row.gridPath,
      units: new Map<string, number>(),
    };
    if (row.unitId !== null && row.unit !== null) building.units.set(row.unit, row.unitId);
    out.set(row.code, building);
  }
  return out;
}
