/**
 * 相似案例 similarity over the case library (E7): Chinese text is cut into words by Intl.Segmenter (ICU's
 * dictionary, in Node 20), and documents are ranked by BM25 with a boost for the same category. The index is
 * small (thousands of cases) and lives in memory; it is rebuilt whenever the library changes.
 */
export interface SimilarDocument {
  id: number;
  categoryCode: string;
  text: string;
}

export interface SimilarHit {
  id: number;
  score: number;
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Words of a text; single CJK characters are kept too, so a word cut differently still shares its characters. */
export function tokens(text: string): string[] {
  const out: string[] = [];
  for (const piece of segmenter.segment(text.toLowerCase())) {
    if (!piece.isWordLike) continue;
    out.push(piece.segment);
    const characters = [...piece.segment];
    if (characters.length > 1 && /\p{Script=Han}/u.test(piece.segment)) out.push(...characters);
  }
  return out;
}

const K1 = 1.2;
const B = 0.75;
/** Same minor class ×1.5, same major class ×1.2: the category is a strong hint, never the whole answer. */
const SAME_MINOR = 1.5;
const SAME_MAJOR = 1.2;

export class SimilarityIndex {
  private readonly documents: {
    id: number;
    categoryCode: string;
    length: number;
    counts: Map<string, number>;
  }[];
  private readonly documentFrequency = new Map<string, number>();
  private readonly averageLength: number;

  constructor(documents: SimilarDocument[]) {
    this.documents = documents.map((document) => {
      const counts = new Map<string, number>();
      const words = tokens(document.text);
      for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
      for (const word of counts.keys())
        this.documentFrequency.set(word, (this.documentFrequency.get(word) ?? 0) + 1);
      return { id: document.id, categoryCode: document.categoryCode, length: words.length, counts };
    });
    const total = this.documents.reduce((sum, document) => sum + document.length, 0);
    this.averageLength = this.documents.length === 0 ? 1 : Math.max(1, total / this.documents.length);
  }

  get size(): number {
    return this.documents.length;
  }

  /** The best `limit` documents for a text (and optionally a category), best first; only scores above zero. */
  search(
    text: string,
    options: { categoryCode?: string; limit?: number; exclude?: number } = {},
  ): SimilarHit[] {
    const query = [...new Set(tokens(text))];
    const n = this.documents.length;
    const hits: SimilarHit[] = [];
    for (const document of this.documents) {
      if (document.id === options.exclude) continue;
      let score = 0;
      for (const word of query) {
        const frequency = document.counts.get(word);
        if (!frequency) continue;
        const df = this.documentFrequency.get(word) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        score +=
          (idf * frequency * (K1 + 1)) /
          (frequency + K1 * (1 - B + (B * document.length) / this.averageLength));
      }
      if (score <= 0) continue;
      const category = options.categoryCode;
      if (category) {
        if (document.categoryCode === category) score *= SAME_MINOR;
        else if (document.categoryCode.slice(0, 2) === category.slice(0, 2)) score *= SAME_MAJOR;
      }
      hits.push({ id: document.id, score: Math.round(score * 1000) / 1000 });
    }
    hits.sort((a, b) => b.score - a.score || a.id - b.id);
    return hits.slice(0, options.limit ?? 10);
  }
}
