import type { LevelRow } from './repository.js';

/** What every reader sees of a grid in a list: no boundary (that is the export's job), names of the level. */
export function levelNames(levels: LevelRow[]): (key: string) => { zh: string; en: string } {
  const byKey = new Map(levels.map((level) => [level.key, { zh: level.nameZh, en: level.nameEn }]));
  return (key) => byKey.get(key) ?? { zh: key, en: key };
}

export function presentSummary(
  row: {
    code: string;
    name: string;
    level: string;
    depth: number;
    parentCode: string | null;
    gridType: string;
  },
  extra: { childCount: number; hasBoundary: boolean },
  levelName: (key: string) => { zh: string; en: string },
) {
  return {
    code: row.code,
    name: row.name,
    level: row.level,
    levelName: levelName(row.level),
    depth: row.depth,
    parentCode: row.parentCode,
    gridType: row.gridType,
    childCount: extra.childCount,
    hasBoundary: extra.hasBoundary,
  };
}

export function iso(value: string | Date): string {
  return new Date(value).toISOString();
}
