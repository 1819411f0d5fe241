/**
 * Registers the phone app's service worker (web/vite.config.ts builds it as /app/sw.js) for the /app/ scope only.
 * Only the /app page calls this; the console never has a service worker.
 */
export function registerWorkerAppServiceWorker(): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch((error: unknown) => {
      console.warn('service worker not registered', error);
    });
  });
}
