import type { MultiPolygon, Polygon } from 'geojson';
import { api } from '../api/client';

/** Bilingual text as the server gives it. */
export interface Bilingual {
  zh: string;
  en: string;
}

/** A grid as the tree lists it (GET /api/grids). */
export interface GridSummary {
  code: string;
  name: string;
  level: string;
  levelName: Bilingual;
  depth: number;
  parentCode: string | null;
  gridType: string;
  childCount: number;
  hasBoundary: boolean;
}

export interface GridPage {
  items: GridSummary[];
  total: number;
}

/** One grid with its parents and the validity of its current boundary (GET /api/grids/{code}). */
export interface GridDetail extends GridSummary {
  ancestors: { code: string; name: string; level: string }[];
  boundary: { validFrom: string } | null;
}

export interface GridFeatureProperties {
  code: string;
  name: string;
  level: string;
  depth: number;
  parentCode: string | null;
  gridType: string;
}

export interface GridFeature {
  type: 'Feature';
  geometry: Polygon | MultiPolygon | null;
  properties: GridFeatureProperties;
}

export interface GridFeatureCollection {
  type: 'FeatureCollection';
  features: GridFeature[];
}

/** Children are listed in pages; a community has tens of micro-grids, a district a few hundred communities. */
export const CHILD_PAGE_SIZE = 500;

/** A named level of the grid tree (data, renamed per installation). */
export interface GridLevel {
  key: string;
  rank: number;
  name: Bilingual;
}

export const gridApi = {
  levels(signal?: AbortSignal) {
    return api<GridLevel[]>('/api/grid-levels', { signal });
  },
  /** The top grids the signed-in user may see. */
  roots(signal?: AbortSignal) {
    return api<GridPage>('/api/grids', { signal });
  },
  children(parent: string, page = 1, signal?: AbortSignal) {
    return api<GridPage>('/api/grids', { query: { parent, page, pageSize: CHILD_PAGE_SIZE }, signal });
  },
  detail(code: string, signal?: AbortSignal) {
    return api<GridDetail>(`/api/grids/${encodeURIComponent(code)}`, { signal });
  },
  /** The grid and its whole subtree as GeoJSON. */
  subtree(root: string, signal?: AbortSignal) {
    return api<GridFeatureCollection>('/api/grids/export', { query: { format: 'geojson', root }, signal });
  },
};
