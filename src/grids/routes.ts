import { Type } from 'typebox';
import type { Services } from '../app.js';
import { actorOf, requirePermission } from '../accounts/auth.js';
import { problemResponses, type App } from '../core/http.js';
import { iso, levelNames, presentSummary } from './presenter.js';
import {
  Building,
  BoundaryVersion,
  CreateBuilding,
  CreateGrid,
  ExportQuery,
  FeatureCollection,
  GridCode,
  GridDetail,
  GridLevel,
  GridList,
  ImportResult,
  ListQuery,
  LocateBatch,
  LocateBatchResult,
  LocateOne,
  LocateQuery,
  SetBoundary,
  UpdateGrid,
} from './schema.js';
import type { IndexEntry } from './locate.js';
import type { GridFeature, GridFeatureCollection } from './service.js';

const CodeParams = Type.Object({ code: GridCode });

function chain(entries: IndexEntry[]) {
  return entries.map((entry) => ({
    code: entry.code,
    name: entry.name,
    level: entry.level,
    depth: entry.depth,
  }));
}

export async function gridRoutes(app: App, services: Services): Promise<void> {
  const { grids } = services;

  const summaryOf = async (code: string, scope: Parameters<typeof grids.detail>[1]) => {
    const [{ row, ancestors, childCount }, levels] = await Promise.all([
      grids.detail(code, scope),
      grids.levels(),
    ]);
    return {
      ...presentSummary(row, { childCount, hasBoundary: row.geometry !== null }, levelNames(levels)),
      attributes: row.attributes ?? {},
      ancestors,
      boundary: row.validFrom ? { validFrom: iso(row.validFrom) } : null,
    };
  };

  app.get(
    '/api/grid-levels',
    {
      schema: {
        tags: ['grids'],
        summary: '网格层级 Grid levels',
        security: [],
        response: { 200: Type.Array(GridLevel) },
      },
    },
    async () =>
      (await grids.levels()).map((level) => ({
        key: level.key,
        rank: level.rank,
        name: { zh: level.nameZh, en: level.nameEn },
      })),
  );

  app.put(
    '/api/grid-levels/:key',
    {
      schema: {
        tags: ['grids'],
        summary: '设置层级 Add or rename a grid level (admin)',
        params: Type.Object({ key: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }) }),
        body: Type.Object(
          {
            rank: Type.Integer({ minimum: 1, maximum: 1000 }),
            name: Type.Object(
              {
                zh: Type.String({ minLength: 1, maxLength: 50 }),
                en: Type.String({ minLength: 1, maxLength: 50 }),
              },
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: GridLevel, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'settings.manage');
      const { key } = request.params;
      const saved = await grids.saveLevel(
        { key, rank: request.body.rank, nameZh: request.body.name.zh, nameEn: request.body.name.en },
        actorOf(user),
      );
      return { key: saved.key, rank: saved.rank, name: { zh: saved.nameZh, en: saved.nameEn } };
    },
  );

  app.get(
    '/api/grids/locate',
    {
      schema: {
        tags: ['grids'],
        summary: '定位 Locate: the chain of grids containing a point, top level first',
        description: 'Public: grid names and codes of a place are what a resident needs to report a matter.',
        security: [],
        querystring: LocateQuery,
        response: { 200: LocateOne, ...problemResponses(400) },
      },
    },
    async (request) => ({ grids: chain(grids.locate(request.query.lng, request.query.lat)) }),
  );

  app.post(
    '/api/grids/locate',
    {
      schema: {
        tags: ['grids'],
        summary: '批量定位 Locate up to 10,000 points; results in the same order',
        security: [],
        body: LocateBatch,
        response: { 200: LocateBatchResult, ...problemResponses(400) },
      },
    },
    async (request) => ({
      results: request.body.points.map(([lng, lat]) => ({ grids: chain(grids.locate(lng, lat)) })),
    }),
  );

  app.get(
    '/api/grids',
    {
      schema: {
        tags: ['grids'],
        summary: '网格列表 Children of a grid (or the top grids you may see), paginated',
        querystring: ListQuery,
        response: { 200: GridList, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'grid.read');
      const [page, levels] = await Promise.all([grids.list(request.query, user.scope), grids.levels()]);
      const names = levelNames(levels);
      return { items: page.items.map((row) => presentSummary(row, row, names)), total: page.total };
    },
  );

  app.get(
    '/api/grids/export',
    {
      schema: {
        tags: ['grids'],
        summary: '导出 GeoJSON export of the grids you may see (or of one subtree)',
        querystring: ExportQuery,
        response: { ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'grid.read');
      const collection = await grids.exportGeoJson(user.scope, request.query.root);
      return reply.type('application/geo+json; charset=utf-8').send(JSON.stringify(collection));
    },
  );

  app.post(
    '/api/grids/import',
    {
      schema: {
        tags: ['grids'],
        summary: '导入 Import a GeoJSON FeatureCollection: validated as a whole, all or nothing',
        description:
          'Features are keyed by properties.code; unchanged features change nothing. A null geometry leaves the current boundary as it is.',
        body: FeatureCollection,
        response: { 200: ImportResult, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
      bodyLimit: 512 * 1024 * 1024,
    },
    async (request) => {
      const user = requirePermission(request, 'grid.import');
      return grids.importFeatures(request.body as GridFeatureCollection, actorOf(user), user.scope);
    },
  );

  app.post(
    '/api/grids',
    {
      schema: {
        tags: ['grids'],
        summary: '新建网格 Create a grid',
        body: CreateGrid,
        response: { 201: GridDetail, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'grid.write');
      const { geometry, ...properties } = request.body;
      const feature: GridFeature = {
        type: 'Feature',
        geometry: (geometry ?? null) as GridFeature['geometry'],
        properties,
      };
      await grids.create(feature, actorOf(user), user.scope);
      return reply.status(201).send(await summaryOf(request.body.code, user.scope));
    },
  );

  app.get(
    '/api/grids/:code',
    {
      schema: {
        tags: ['grids'],
        summary: '网格详情 A grid with its ancestors',
        params: CodeParams,
        response: { 200: GridDetail, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'grid.read');
      return summaryOf(request.params.code, user.scope);
    },
  );

  app.patch(
    '/api/grids/:code',
    {
      schema: {
        tags: ['grids'],
        summary: '修改网格 Rename, retype or move a grid',
        params: CodeParams,
        body: UpdateGrid,
        response: { 200: GridDetail, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'grid.write');
      await grids.update(request.params.code, request.body, actorOf(user), user.scope);
      return summaryOf(request.params.code, user.scope);
    },
  );

  app.delete(
    '/api/grids/:code',
    {
      schema: {
        tags: ['grids'],
        summary: '撤销网格 Retire a grid without children (its history stays)',
        params: CodeParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'grid.write');
      await grids.retire(request.params.code, actorOf(user), user.scope);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/grids/:code/boundary',
    {
      schema: {
        tags: ['grids'],
        summary: '变更边界 New boundary version (the old one keeps its dates)',
        params: CodeParams,
        body: SetBoundary,
        response: { 200: GridDetail, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'grid.write');
      const validFrom = request.body.validFrom ? new Date(request.body.validFrom) : undefined;
      await grids.setBoundary(
        request.params.code,
        request.body.geometry,
        validFrom,
        actorOf(user),
        user.scope,
      );
      return summaryOf(request.params.code, user.scope);
    },
  );

  app.get(
    '/api/grids/:code/boundaries',
    {
      schema: {
        tags: ['grids'],
        summary: '边界历史 Boundary history, oldest first',
        params: CodeParams,
        response: {
          200: Type.Object({ items: Type.Array(BoundaryVersion) }),
          ...problemResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'grid.read');
      const items = await grids.boundaryHistory(request.params.code, user.scope);
      return {
        items: items.map((item) => ({
          ...item,
          validFrom: iso(item.validFrom),
          validTo: item.validTo ? iso(item.validTo) : null,
        })),
      };
    },
  );

  app.get(
    '/api/grids/:code/buildings',
    {
      schema: {
        tags: ['grids'],
        summary: '楼栋 Buildings in a grid, with their units',
        params: CodeParams,
        response: { 200: Type.Object({ items: Type.Array(Building) }), ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'grid.read');
      return { items: await grids.listBuildings(request.params.code, user.scope) };
    },
  );

  app.post(
    '/api/grids/:code/buildings',
    {
      schema: {
        tags: ['grids'],
        summary: '新增楼栋 Add a building (and its units) to a grid',
        params: CodeParams,
        body: CreateBuilding,
        response: { 201: Building, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'grid.write');
      return reply
        .status(201)
        .send(await grids.createBuilding(request.params.code, request.body, actorOf(user), user.scope));
    },
  );
}
