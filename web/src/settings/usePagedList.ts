import { useCallback, useEffect, useState, type DependencyList } from 'react';
import { App } from 'antd';
import { ApiError, errorText } from '../api/client';

export interface PagedList<T> {
  items: T[];
  total: number;
}

/**
 * One page of a list from the API, fetched again whenever `deps` change or `reload()` is called; a fetch that a
 * newer one overtook is aborted. Errors are shown as a message (a 401 is left to the login page, which explains it).
 */
export function usePagedList<T>(load: (signal: AbortSignal) => Promise<PagedList<T>>, deps: DependencyList) {
  const { message } = App.useApp();
  const [data, setData] = useState<PagedList<T>>({ items: [], total: 0 });
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);

  const showError = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) return;
      void message.error(errorText(error));
    },
    [message],
  );

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    load(controller.signal)
      .then((answer) => {
        setData(answer);
        setLoading(false);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setLoading(false);
        showError(error);
      });
    return () => controller.abort();
    // `load` is a new closure on every render; what it reads is in `deps`
  }, [...deps, generation, showError]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, setData, loading, reload, showError };
}
