import { useEffect, useState } from 'react';
import { eventApi, type Category } from '../events/api';

const STORAGE_KEY = 'gezhi.app.categories';

function stored(): Category[] {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as unknown;
    return Array.isArray(value) ? (value as Category[]) : [];
  } catch {
    return [];
  }
}

/**
 * The two-level catalogue (大类 → 小类) from the API, remembered on the phone so that a report can be filled in
 * without a network.
 */
export function useCategories(): Category[] {
  const [categories, setCategories] = useState<Category[]>(stored);
  useEffect(() => {
    const controller = new AbortController();
    eventApi
      .categories(controller.signal)
      .then((tree) => {
        setCategories(tree);
        try {
          localStorage.setItem(STORAGE_KEY, JSON.stringify(tree));
        } catch {
          // not remembered: offline reports then need the list loaded in this session
        }
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, []);
  return categories;
}

/** The minor class's name with its major's, for a list row. */
export function categoryName(categories: Category[], code: string, language: 'zh-CN' | 'en'): string {
  for (const major of categories) {
    const minor = (major.children ?? []).find((child) => child.code === code);
    if (minor) return language === 'en' ? minor.name.en || minor.name.zh : minor.name.zh || minor.name.en;
  }
  return code;
}
