import { useEffect, useState } from 'react';
import { gridApi } from '../grids/api';

/**
 * Names of grids by code, for tables and pickers that hold only codes. One request per code, once per page
 * visit of the console; a code that cannot be read stays a code.
 */
const known = new Map<string, string>();
const pending = new Map<string, Promise<void>>();

export function rememberGridName(code: string, name: string): void {
  known.set(code, name);
}

function fetchName(code: string): Promise<void> {
  let request = pending.get(code);
  if (!request) {
    request = gridApi
      .detail(code)
      .then((grid) => {
        known.set(code, grid.name);
      })
      .catch(() => {
        // retired or outside the scope: the code is shown
      });
    pending.set(code, request);
  }
  return request;
}

/** The names of the given codes that are known; re-renders as more arrive. */
export function useGridNames(codes: readonly string[]): ReadonlyMap<string, string> {
  const [, setVersion] = useState(0);
  const key = [...new Set(codes)].sort().join(',');
  useEffect(() => {
    let live = true;
    const missing = key ? key.split(',').filter((code) => !known.has(code)) : [];
    if (missing.length === 0) return;
    void Promise.all(missing.map(fetchName)).then(() => {
      if (live) setVersion((version) => version + 1);
    });
    return () => {
      live = false;
    };
  }, [key]);
  return known;
}
