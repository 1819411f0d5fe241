import { and, inArray, isNull } from 'drizzle-orm';
import type { Actor } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { Database } from '../core/db.js';
import type { Policy } from '../core/policy.js';
import type { GridGeometry } from './geometry.js';
import { grids } from './tables.js';

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
    parentCode: string | null;
    depth?: number;
    gridType?: string;
    [key: string]: unknown;
  };
}

export interface GridFeatureCollection {
  type: 'FeatureCollection';
  features: GridFeature[];
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

export class GridService {
  constructor(private readonly deps: GridServiceDeps) {}

  async startIndex(): Promise<void> {}
  async refreshIndex(): Promise<void> {}
  async stop(): Promise<void> {}
  indexedCount(): number {
    return 0;
  }

  /** Active grids by code, with id and path (for binding users to grids). Unknown codes are absent. */
  async resolveCodes(codes: string[]): Promise<Map<string, { id: number; code: string; path: string }>> {
    if (codes.length === 0) return new Map();
    const rows = await this.deps.database.db
      .select({ id: grids.id, code: grids.code, path: grids.path })
      .from(grids)
      .where(and(inArray(grids.code, codes), isNull(grids.retiredAt)));
    return new Map(rows.map((row) => [row.code, row]));
  }

  /** Validate the whole collection, then write it in one transaction (all or nothing). Being built. */
  async importFeatures(_collection: GridFeatureCollection, _actor: Actor): Promise<ImportResult> {
    throw new Error('not yet built');
  }
}
