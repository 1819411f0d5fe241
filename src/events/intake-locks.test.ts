/**
 * The duplicate-check locks of the group commit on PostgreSQL (src/events/intake.ts): two reports that could be
 * duplicates of each other (same category, within DUPLICATE_METRES) must always share a lock key, or two batches
 * written side by side could both miss the other's report; reports far apart must not, or every batch would wait.
 */
import { describe, expect, it } from 'vitest';
import { DUPLICATE_METRES, distanceMetres, duplicateLockKeys } from './intake.js';

/** A deterministic pseudo-random sequence (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A point `metres` away from `from` in direction `angle`. */
function offset(from: { lng: number; lat: number }, metres: number, angle: number) {
  const dLat = (metres * Math.sin(angle)) / 111_320;
  const dLng = (metres * Math.cos(angle)) / (111_320 * Math.cos((from.lat * Math.PI) / 180));
  return { lng: from.lng + dLng, lat: from.lat + dLat };
}

const shares = (a: string[], b: string[]) => a.some((key) => b.includes(key));

describe('duplicate-check lock keys', () => {
  it('gives any two reports of a category within the duplicate distance a common key', () => {
    const next = random(20261126);
    for (let i = 0; i < 20_000; i++) {
      // anywhere from the equator to 60° north, both hemispheres of longitude
      const here = { lng: -180 + 360 * next(), lat: 60 * next() };
      const there = offset(here, DUPLICATE_METRES * next(), 2 * Math.PI * next());
      expect(distanceMetres(here, there)).toBeLessThanOrEqual(DUPLICATE_METRES + 0.01);
      const a = duplicateLockKeys({ categoryCode: '0701', ...here });
      const b = duplicateLockKeys({ categoryCode: '0701', ...there });
      if (!shares(a, b)) throw new Error(`no common key for ${JSON.stringify([here, there])}`);
    }
  });

  it('keeps reports of another category, or far apart, on keys of their own', () => {
    const next = random(7);
    for (let i = 0; i < 5_000; i++) {
      const here = { lng: 121 + next(), lat: 31 + next() };
      const far = offset(here, 1_000 + 5_000 * next(), 2 * Math.PI * next());
      expect(
        shares(
          duplicateLockKeys({ categoryCode: '0701', ...here }),
          duplicateLockKeys({ categoryCode: '0701', ...far }),
        ),
      ).toBe(false);
      expect(
        shares(
          duplicateLockKeys({ categoryCode: '0701', ...here }),
          duplicateLockKeys({ categoryCode: '0101', ...here }),
        ),
      ).toBe(false);
    }
  });
});
