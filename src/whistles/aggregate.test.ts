import { describe, expect, it } from 'vitest';
import { publishedSpan, ratingBlocks, type RatingDay } from './aggregate.js';

describe('publishing anonymous ratings only over whole blocks of k', () => {
  const k = 5;

  it('cuts the rating days into blocks of at least k, in date order; the unfilled tail waits', () => {
    const days: RatingDay[] = [
      { day: '2026-11-27', count: 4 },
      { day: '2026-11-25', count: 5 },
      { day: '2026-11-26', count: 1 },
      { day: '2026-11-28', count: 7 },
      { day: '2026-11-29', count: 2 },
    ];
    expect(ratingBlocks(days, k)).toEqual([
      { from: '2026-11-25', to: '2026-11-25', count: 5 },
      { from: '2026-11-26', to: '2026-11-27', count: 5 },
      { from: '2026-11-28', to: '2026-11-28', count: 7 },
    ]);
  });

  it('a batch with one new rating changes no published figure (the before/after comparison learns nothing)', () => {
    const before: RatingDay[] = [{ day: '2026-11-25', count: 5 }];
    const after: RatingDay[] = [...before, { day: '2026-11-26', count: 1 }];
    expect(publishedSpan(ratingBlocks(after, k), {})).toEqual(publishedSpan(ratingBlocks(before, k), {}));
    // nor does moving the end of the period over that day
    const blocks = ratingBlocks(after, k);
    expect(publishedSpan(blocks, { to: '2026-11-26' })).toEqual(publishedSpan(blocks, { to: '2026-11-25' }));
  });

  it('every answer is a union of whole blocks, so two answers differ by whole blocks of at least k', () => {
    const days: RatingDay[] = [];
    // a pseudo-random month of small daily batches
    let seed = 7;
    for (let d = 1; d <= 30; d++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      days.push({ day: `2026-11-${String(d).padStart(2, '0')}`, count: seed % 4 });
    }
    const blocks = ratingBlocks(days, k);
    expect(blocks.every((block) => block.count >= k)).toBe(true);
    const dates = days.map((day) => day.day);
    for (const from of [undefined, ...dates]) {
      let previous = 0;
      for (const to of dates) {
        const span = publishedSpan(blocks, { from, to });
        if (!span) continue;
        // the span starts and ends on block boundaries and counts exactly the blocks inside it
        const inside = blocks.filter((block) => block.from >= span.from && block.to <= span.to);
        expect(inside[0]!.from).toBe(span.from);
        expect(inside.at(-1)!.to).toBe(span.to);
        expect(span.count).toBe(inside.reduce((sum, block) => sum + block.count, 0));
        // moving the end of the period one day adds nothing or at least k ratings
        expect(span.count === previous || span.count - previous >= k, `${from}..${to}`).toBe(true);
        previous = span.count;
      }
    }
  });

  it('publishes nothing for a period holding no whole block', () => {
    const blocks = ratingBlocks(
      [
        { day: '2026-11-25', count: 3 },
        { day: '2026-11-26', count: 3 },
      ],
      k,
    );
    expect(blocks).toEqual([{ from: '2026-11-25', to: '2026-11-26', count: 6 }]);
    expect(publishedSpan(blocks, { from: '2026-11-26' })).toBeNull();
    expect(publishedSpan(blocks, { to: '2026-11-25' })).toBeNull();
    expect(publishedSpan(blocks, { from: '2026-11-25', to: '2026-11-26' })?.count).toBe(6);
  });
});
