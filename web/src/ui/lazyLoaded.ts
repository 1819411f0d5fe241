import { createElement, lazy, useEffect, useState, type ComponentType } from 'react';

/**
 * React.lazy that renders at once when its code is already here. React.lazy suspends on its first render even when
 * the module was loaded long before; the Suspense fallback then shows, and React holds the content back for up to
 * 300 ms more (its fallback throttle). Each nested lazy part of a page paid that again. `preload()` loads the code
 * ahead: the first screen does at start-up; `useReady()` tells a page whether the code is here, so that it can show
 * its own placeholder instead of suspending.
 */
export function lazyLoaded<P extends object>(
  load: () => Promise<ComponentType<P>>,
): ComponentType<P> & { preload(): Promise<ComponentType<P>>; useReady(): boolean } {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  const preload = () =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        // a failed download may be tried again (the next render asks anew)
        loading = null;
        throw error;
      },
    ));
  const Lazy = lazy(() => preload().then((component) => ({ default: component })));
  function Loaded(props: P) {
    // chosen once per mounted part: switching from the lazy wrapper to the component would mount it again
    const [type] = useState<ComponentType<P>>(() => loaded ?? Lazy);
    return createElement(type, props);
  }
  function useReady(): boolean {
    const [ready, setReady] = useState(loaded !== null);
    useEffect(() => {
      if (ready) return;
      let live = true;
      preload().then(
        () => live && setReady(true),
        // the part itself, once rendered, asks again and shows the failure
        () => live && setReady(true),
      );
      return () => {
        live = false;
      };
    }, [ready]);
    return ready;
  }
  return Object.assign(Loaded, { preload, useReady });
}
