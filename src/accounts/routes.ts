import type { Services } from '../app.js';
import type { App } from '../core/http.js';

export async function accountRoutes(_app: App, _services: Services): Promise<void> {}
