import { Type } from 'typebox';
import type { Services } from '../app.js';
import { requirePermission } from '../accounts/auth.js';
import { problemResponses, type App } from '../core/http.js';
import { GridCode } from '../grids/schema.js';
import {
  CategoryParams,
  CreateForceCategory,
  CreateForceMember,
  DispatchableForces,
  EndForceMember,
  ForceCategory,
  ForceCategoryList,
  ForceCategoryQuery,
  ForceMember,
  ForceMemberParams,
  ForceQuery,
  GridForces,
  SetForcePreset,
  UpdateForceCategory,
} from './schema.js';

const CodeParams = Type.Object({ code: GridCode });
const tags = ['forces'];

/** 网格力量 (F2). Reading needs grid.read and the grid in scope; categories and the preset are settings. */
export async function forceRoutes(app: App, services: Services): Promise<void> {
  const { forces } = services;

  app.get(
    '/api/force-categories',
    {
      schema: {
        tags,
        summary: '力量类别 Force categories of the active preset (or of one preset, or all)',
        querystring: ForceCategoryQuery,
        response: { 200: ForceCategoryList, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      requirePermission(request, 'grid.read');
      return forces.categories(request.query);
    },
  );

  app.post(
    '/api/force-categories',
    {
      schema: {
        tags,
        summary: '新增力量类别 Add a force category (to the active preset unless another is named)',
        body: CreateForceCategory,
        response: { 201: ForceCategory, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await forces.createCategory(request.body, requirePermission(request, 'settings.manage'))),
  );

  app.patch(
    '/api/force-categories/:key',
    {
      schema: {
        tags,
        summary: '修改力量类别 Rename, re-rank, retire a force category',
        params: CategoryParams,
        body: UpdateForceCategory,
        response: { 200: ForceCategory, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      forces.updateCategory(request.params.key, request.body, requirePermission(request, 'settings.manage')),
  );

  app.put(
    '/api/force-preset',
    {
      schema: {
        tags,
        summary: '力量配置 Choose the active preset ("1+4+X", "1+6" or an own one)',
        body: SetForcePreset,
        response: {
          200: Type.Object({ activePreset: Type.String() }),
          ...problemResponses(400, 401, 403, 422),
        },
      },
    },
    async (request) => forces.setPreset(request.body.preset, requirePermission(request, 'settings.manage')),
  );

  app.get(
    '/api/grids/:code/forces',
    {
      schema: {
        tags,
        summary: '网格力量 Forces of a grid and its descendants by category, on a date (default today)',
        params: CodeParams,
        querystring: ForceQuery,
        response: { 200: GridForces, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      forces.gridForces(request.params.code, request.query, requirePermission(request, 'grid.read')),
  );

  app.get(
    '/api/grids/:code/forces/dispatchable',
    {
      schema: {
        tags,
        summary: '可调度力量 Forces the area grid leader can dispatch for this grid (004)',
        params: CodeParams,
        response: { 200: DispatchableForces, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => forces.dispatchable(request.params.code, requirePermission(request, 'grid.read')),
  );

  app.post(
    '/api/grids/:code/forces',
    {
      schema: {
        tags,
        summary: "加入网格力量 Add a person or user to the grid's forces",
        params: CodeParams,
        body: CreateForceMember,
        response: { 201: ForceMember, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await forces.addMember(
            request.params.code,
            request.body,
            requirePermission(request, 'force.write'),
          ),
        ),
  );

  app.post(
    '/api/forces/:id/end',
    {
      schema: {
        tags,
        summary: "退出网格力量 End a force member's service (kept in the history)",
        params: ForceMemberParams,
        body: EndForceMember,
        response: { 200: ForceMember, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) =>
      forces.endMember(request.params.id, request.body.until, requirePermission(request, 'force.write')),
  );
}
