import { Type } from 'typebox';
import type { Services } from '../app.js';
import type { App } from './http.js';

const Health = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Object({
    engine: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
    version: Type.String(),
  }),
  grids: Type.Object({
    indexed: Type.Integer({ description: 'grids with a boundary in the spatial index' }),
  }),
});

export async function systemRoutes(app: App, services: Services): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['system'],
        summary: '健康检查 Health: database engine and version',
        security: [],
        response: { 200: Health },
      },
    },
    async () => ({
      status: 'ok' as const,
      database: { engine: services.database.engine, version: await services.database.version() },
      grids: { indexed: services.grids.indexedCount() },
    }),
  );
}
