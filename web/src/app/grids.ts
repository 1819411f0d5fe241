import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { BoundGrid } from '../accounts/session';

const STORAGE_KEY = 'gezhi.app.grids';

export interface MyGrid {
  code: string;
  name: string;
}

function stored(): MyGrid[] {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as unknown;
    return Array.isArray(value) ? (value as MyGrid[]) : [];
  } catch {
    return [];
  }
}

/** The worker's own grids with their names (GET /api/grids answers his bound grids), remembered for offline use. */
export function useMyGrids(bound: BoundGrid[]): MyGrid[] {
  const [named, setNamed] = useState<MyGrid[]>(stored);
  useEffect(() => {
    const controller = new AbortController();
    api<{ items: MyGrid[] }>('/api/grids', { signal: controller.signal })
      .then((answer) => {
        const grids = answer.items.map(({ code, name }) => ({ code, name }));
        setNamed(grids);
        try {
          localStorage.setItem(STORAGE_KEY, JSON.stringify(grids));
        } catch {
          // names then come from the network only
        }
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, []);
  return bound.map((grid) => {
    const code = typeof grid === 'string' ? grid : grid.code;
    const name =
      named.find((entry) => entry.code === code)?.name ??
      (typeof grid === 'string' ? code : (grid.name ?? code));
    return { code, name };
  });
}
