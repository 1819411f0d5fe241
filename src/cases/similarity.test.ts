import { describe, expect, it } from 'vitest';
import { SimilarityIndex, tokens } from './similarity.js';

const LIBRARY = [
  { id: 1, categoryCode: '0901', text: '楼上邻居深夜装修噪音扰民，协调后约定施工时间' },
  { id: 2, categoryCode: '0701', text: '小区消防通道被私家车堵塞，物业贴告知单后车辆挪走' },
  { id: 3, categoryCode: '0101', text: '小区门口垃圾堆放，环卫当天清运' },
  { id: 4, categoryCode: '0701', text: '消防通道堆放杂物，组织清理并设置禁停标识' },
  { id: 5, categoryCode: '0901', text: '广场舞音响噪音过大，与领队协商降低音量' },
];

describe('case similarity (BM25 over Chinese words)', () => {
  const index = new SimilarityIndex(LIBRARY);

  it('cuts Chinese text into words', () => {
    const words = tokens('消防通道被堵塞');
    expect(words).toEqual(expect.arrayContaining(['消', '防']));
    expect(words.some((word) => word.length > 1)).toBe(true);
  });

  it('ranks the fire-lane cases above the noise cases for a fire-lane query', () => {
    const hits = index.search('3号楼消防通道被电动车堵住了');
    expect(
      hits
        .slice(0, 2)
        .map((hit) => hit.id)
        .sort(),
    ).toEqual([2, 4]);
    const rank = (id: number) => hits.findIndex((hit) => hit.id === id);
    for (const noise of [1, 5]) expect(rank(noise) === -1 || rank(noise) > rank(2)).toBe(true);
    expect(hits[0]!.score).toBeGreaterThan(0);
  });

  it('ranks the noise cases first for a noise query, and the category boosts its own class', () => {
    const hits = index.search('晚上噪音太大扰民');
    expect(hits[0]!.id).toBe(1);
    expect(
      hits
        .slice(0, 2)
        .map((hit) => hit.id)
        .sort(),
    ).toEqual([1, 5]);
    const plain = index.search('小区堆放');
    const boosted = index.search('小区堆放', { categoryCode: '0701' });
    const score = (hits: { id: number; score: number }[], id: number) =>
      hits.find((hit) => hit.id === id)!.score;
    expect(score(boosted, 4)).toBeGreaterThan(score(plain, 4));
    expect(score(boosted, 3)).toBe(score(plain, 3));
  });

  it('finds nothing for an unrelated text and honours the limit', () => {
    expect(index.search('qwerty')).toEqual([]);
    expect(index.search('小区', { limit: 1 })).toHaveLength(1);
  });
});
