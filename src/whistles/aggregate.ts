/**
 * 评价发布 which anonymous whistle ratings may be published (E6, D1). Ratings arrive in daily batches; a department
 * that compares the figures before and after a batch holding one rating of it would learn that score, and so would
 * one that compares two periods differing by such a day. So a department's rating days are cut, in order, into
 * blocks that each hold at least k ratings, and only whole blocks are published: any answer is a union of blocks and
 * the difference of any two answers is a union of blocks too, never fewer than k ratings. The trailing days that
 * have not yet filled a block wait.
 */

export interface RatingDay {
  /** China date 'YYYY-MM-DD'. */
  day: string;
  count: number;
}

export interface RatingBlock {
  from: string;
  to: string;
  count: number;
}

/** The closed blocks of a department's rating days (sorted or not), oldest first. */
export function ratingBlocks(days: readonly RatingDay[], k: number): RatingBlock[] {
  const sorted = [...days].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const blocks: RatingBlock[] = [];
  let open = null as RatingBlock | null;
  for (const day of sorted) {
    if (day.count <= 0) continue;
    const current: RatingBlock =
      open === null
        ? { from: day.day, to: day.day, count: day.count }
        : { from: open.from, to: day.day, count: open.count + day.count };
    if (current.count >= Math.max(1, k)) {
      blocks.push(current);
      open = null;
    } else {
      open = current;
    }
  }
  return blocks;
}

/**
 * The days published for a period: the blocks lying wholly inside [from, to] (either end open), as one span of days
 * (blocks are consecutive, so those inside a period are too), or null when no whole block lies inside.
 */
export function publishedSpan(
  blocks: readonly RatingBlock[],
  period: { from?: string; to?: string },
): { from: string; to: string; count: number } | null {
  const inside = blocks.filter(
    (block) => (!period.from || block.from >= period.from) && (!period.to || block.to <= period.to),
  );
  if (inside.length === 0) return null;
  return {
    from: inside[0]!.from,
    to: inside[inside.length - 1]!.to,
    count: inside.reduce((sum, block) => sum + block.count, 0),
  };
}
