import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';

export interface Fix {
  lng: number;
  lat: number;
  /** Metres (the radius of 68 % confidence the phone gives). */
  accuracy: number;
  at: number;
}

export interface LocatedGrid {
  code: string;
  name: string;
  level: string;
  depth: number;
}

export type FixState =
  | { status: 'locating' }
  | { status: 'ok'; fix: Fix }
  | { status: 'failed'; reason: 'denied' | 'unavailable' | 'timeout' | 'unsupported' };

/** The phone's position, asked once on mount and again on retry(). */
export function useFix(): { state: FixState; retry(): void } {
  const [state, setState] = useState<FixState>({ status: 'locating' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!('geolocation' in navigator)) {
      setState({ status: 'failed', reason: 'unsupported' });
      return;
    }
    let live = true;
    setState({ status: 'locating' });
    navigator.geolocation.getCurrentPosition(
      (position) => {
        if (!live) return;
        setState({
          status: 'ok',
          fix: {
            lng: Number(position.coords.longitude.toFixed(6)),
            lat: Number(position.coords.latitude.toFixed(6)),
            accuracy: Math.round(position.coords.accuracy),
            at: position.timestamp,
          },
        });
      },
      (error) => {
        if (!live) return;
        const reason =
          error.code === error.PERMISSION_DENIED
            ? 'denied'
            : error.code === error.TIMEOUT
              ? 'timeout'
              : 'unavailable';
        setState({ status: 'failed', reason });
      },
      // a retry asks for a fresh fix; the first one may take a recent one
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: attempt === 0 ? 30_000 : 0 },
    );
    return () => {
      live = false;
    };
  }, [attempt]);
  const retry = useCallback(() => setAttempt((value) => value + 1), []);
  return { state, retry };
}

/** The grid chain of a point (public API); null offline or outside every grid. */
export function useGridOf(fix: Fix | null): LocatedGrid[] | null {
  const [chain, setChain] = useState<LocatedGrid[] | null>(null);
  const lng = fix?.lng;
  const lat = fix?.lat;
  useEffect(() => {
    setChain(null);
    if (lng === undefined || lat === undefined) return;
    const controller = new AbortController();
    api<{ grids: LocatedGrid[] }>('/api/grids/locate', { query: { lng, lat }, signal: controller.signal })
      .then((answer) => setChain(answer.grids))
      .catch(() => undefined);
    return () => controller.abort();
  }, [lng, lat]);
  return chain;
}
