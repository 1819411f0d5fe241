/** 我的事项 the matters raised on this phone, kept in localStorage so that the resident need not copy the code. */
export interface MyMatter {
  number: string;
  code: string;
  raisedAt: string;
  /** The class as the resident chose it, in the language of that moment. */
  category: string;
}

const KEY = 'gezhi.myMatters';
const MAX = 50;

export function myMatters(): MyMatter[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value)
      ? value.filter(
          (m): m is MyMatter =>
            typeof m === 'object' && m !== null && typeof (m as MyMatter).number === 'string',
        )
      : [];
  } catch {
    return [];
  }
}

export function rememberMatter(matter: MyMatter): void {
  const rest = myMatters().filter((m) => m.number !== matter.number);
  try {
    localStorage.setItem(KEY, JSON.stringify([matter, ...rest].slice(0, MAX)));
  } catch {
    // without storage the success screen is the only copy; it says so
  }
}

/** Progress of a matter in the resident's words: which of the five steps it has reached. */
export const PROGRESS = ['submitted', 'accepted', 'handling', 'closed', 'rated'] as const;

export function progressOf(state: string): { step: number; failed: boolean } {
  switch (state) {
    case 'reported':
    case 'field_check':
      return { step: 0, failed: false };
    case 'accepted':
      return { step: 1, failed: false };
    case 'declined':
    case 'cancelled':
      return { step: 1, failed: true };
    case 'closed':
      return { step: 3, failed: false };
    case 'rated':
      return { step: 4, failed: false };
    default:
      return { step: 2, failed: false };
  }
}

/** A fresh key per matter being written: a retry of the same submission creates nothing new. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}
