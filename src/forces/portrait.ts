/** The forces figures of a grid portrait (G6): members by category of the active preset, rolled up. */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';
import { DEFAULT_FORCE_PRESET, FORCE_PRESET_SETTING } from './preset.js';

export interface ForcesPortrait {
  preset: string;
  total: number;
  /** Every category of the active preset (zero included), then other categories that have members. */
  byCategory: { key: string; name: { zh: string; en: string }; count: number }[];
  /** Keys of the active preset's categories nobody serves in on the date: the gaps to fill. */
  categoriesWithoutMembers: string[];
}

export async function forcesPortrait(executor: Executor, subtree: SQL, at: string): Promise<ForcesPortrait> {
  const rows = rowsOf<{ key: string; nameZh: string; nameEn: string; active: boolean; count: number }>(
    await executor.execute(sql`
      with preset as (
        select coalesce((select value #>> '{}' from settings where key = ${FORCE_PRESET_SETTING}),
          ${DEFAULT_FORCE_PRESET}) as name
      ),
      counts as (
        select category_key, count(*)::int as n from force_members
        where grid_id in ${subtree} and since <= ${at}::date and (until is null or until > ${at}::date)
        group by category_key
      )
      select c.key, c.name_zh as "nameZh", c.name_en as "nameEn", c.preset = preset.name as active,
        coalesce(counts.n, 0)::int as count
      from force_categories c cross join preset
      left join counts on counts.category_key = c.key
      where (c.preset = preset.name and c.retired_at is null) or counts.n > 0
      order by c.preset = preset.name desc, c.rank, c.key`),
  );
  const [preset] = rowsOf<{ name: string }>(
    await executor.execute(sql`select coalesce((select value #>> '{}' from settings
      where key = ${FORCE_PRESET_SETTING}), ${DEFAULT_FORCE_PRESET}) as name`),
  );
  return {
    preset: preset!.name,
    total: rows.reduce((sum, row) => sum + row.count, 0),
    byCategory: rows.map((row) => ({
      key: row.key,
      name: { zh: row.nameZh, en: row.nameEn },
      count: row.count,
    })),
    categoriesWithoutMembers: rows.filter((row) => row.active && row.count === 0).map((row) => row.key),
  };
}
