/**
 * How grids look on the map. Leaves (the smallest grids drawn) are filled by grid type, so that special grids
 * — parks, markets, schools — stand out among the residential ones; every level above is an outline whose
 * weight says its rank.
 */

/** Fill colour per grid type; types not listed get a colour from the spare palette by their name. */
export const GRID_TYPE_COLOURS: Record<string, string> = {
  residential: '#5b8ff9',
  village: '#8bc34a',
  industrial_park: '#9270ca',
  market: '#ff9d4d',
  commercial_complex: '#f6903d',
  office_building: '#6dc8ec',
  street_road: '#a0a4ad',
  street_shops: '#f08bb4',
  school: '#f6bd16',
  hospital: '#e8684a',
  park: '#5ad8a6',
  construction: '#b37feb',
  scenic: '#36cfc9',
  mixed: '#7f8c9d',
  other: '#bfbfbf',
};

const SPARE = ['#269a99', '#ff99c3', '#5d7092', '#d3adf7', '#95de64', '#ffc069'];

export function gridTypeColour(gridType: string): string {
  const known = GRID_TYPE_COLOURS[gridType];
  if (known) return known;
  let hash = 0;
  for (const char of gridType) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return SPARE[hash % SPARE.length]!;
}

/** Outline colour and width per level, from the street down. */
export const LEVEL_OUTLINES: Record<string, { colour: string; width: number }> = {
  province: { colour: '#1f1f1f', width: 4 },
  city: { colour: '#1f1f1f', width: 3.5 },
  district: { colour: '#262626', width: 3.5 },
  street: { colour: '#c8102e', width: 3 },
  area: { colour: '#d4380d', width: 2.2 },
  community: { colour: '#1d39c4', width: 1.4 },
  microGrid: { colour: '#4a5568', width: 0.8 },
};

export const DEFAULT_OUTLINE = { colour: '#4a5568', width: 1 };

/** Background of the map when no tile layer is configured: a quiet paper colour. */
export const MAP_BACKGROUND = '#eef0f3';
export const SELECTED_COLOUR = '#faad14';
