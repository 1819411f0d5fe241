import { Type } from 'typebox';
import type { Services } from '../app.js';
import { requirePermission } from '../accounts/auth.js';
import { errors } from '../core/errors.js';
import { problemResponses, type App } from '../core/http.js';
import { GridCode } from '../grids/schema.js';
import { DateString } from '../people/schema.js';
import {
  CreateDepartment,
  CreateDuty,
  CreateKeyArea,
  Department,
  Duty,
  DutyList,
  DutyListQuery,
  EndDuty,
  GridDuty,
  IdParams,
  KeyArea,
  KeyAreaListQuery,
  SetDepartmentUsers,
  SuggestQuery,
  Suggestion,
  UpdateDuty,
  UpdateKeyArea,
} from './schema.js';

const CodeParams = Type.Object({ code: GridCode });

/** Routes are thin: validate, authorize, call the service (which scopes and audits). */
export async function dutyRoutes(app: App, services: Services): Promise<void> {
  const { duties } = services;

  // ── departments ─────────────────────────────────────────────────────────────────────────────────────────

  app.get(
    '/api/departments',
    {
      schema: {
        tags: ['duties'],
        summary: '职能部门 Departments serving your grids, with their users (for dispatching)',
        response: {
          200: Type.Object({ items: Type.Array(Department) }),
          ...problemResponses(401, 403),
        },
      },
    },
    async (request) => ({
      items: await duties.listDepartments(requirePermission(request, 'duty.read').scope),
    }),
  );

  app.post(
    '/api/departments',
    {
      schema: {
        tags: ['duties'],
        summary: '登记职能部门 Record a department (an organisation of kind department)',
        body: CreateDepartment,
        response: { 201: Department, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await duties.createDepartment(request.body, requirePermission(request, 'duty.manage'))),
  );

  app.put(
    '/api/departments/:id/users',
    {
      schema: {
        tags: ['duties'],
        summary:
          '部门人员 Set the users of a department (each of role department; a user works for one department)',
        params: IdParams,
        body: SetDepartmentUsers,
        response: { 200: Department, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      duties.setDepartmentUsers(
        request.params.id,
        request.body.userIds,
        requirePermission(request, 'duty.manage'),
      ),
  );

  // ── responsibility lists ─────────────────────────────────────────────────────────────────────────────────

  app.get(
    '/api/duties',
    {
      schema: {
        tags: ['duties'],
        summary: '责任清单 Matters of the responsibility lists (valid today unless `at` or `history`)',
        description:
          '`grid`: matters scoped to that grid or its descendants; `category`: a major class lists itself and its ' +
          "minors, a minor class itself and its major; `department`: one department's list.",
        querystring: DutyListQuery,
        response: { 200: DutyList, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => duties.listDuties(request.query, requirePermission(request, 'duty.read')),
  );

  app.get(
    '/api/duties/:id',
    {
      schema: {
        tags: ['duties'],
        summary: '责任清单事项 One matter',
        params: IdParams,
        response: { 200: Duty, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => duties.getDuty(request.params.id, requirePermission(request, 'duty.read').scope),
  );

  app.post(
    '/api/duties',
    {
      schema: {
        tags: ['duties'],
        summary: "登记事项 Record a matter of a department list or of a grid's own list (自处置)",
        body: CreateDuty,
        response: { 201: Duty, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await duties.createDuty(request.body, requirePermission(request, 'duty.manage'))),
  );

  app.patch(
    '/api/duties/:id',
    {
      schema: {
        tags: ['duties'],
        summary: '修改事项 Change a matter (null clears a field)',
        params: IdParams,
        body: UpdateDuty,
        response: { 200: Duty, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      duties.updateDuty(request.params.id, request.body, requirePermission(request, 'duty.manage')),
  );

  app.post(
    '/api/duties/:id/end',
    {
      schema: {
        tags: ['duties'],
        summary: '事项退出 End a matter (kept in the history)',
        params: IdParams,
        body: EndDuty,
        response: { 200: Duty, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) =>
      duties.endDuty(request.params.id, request.body.to, requirePermission(request, 'duty.manage')),
  );

  app.get(
    '/api/grids/:code/duties',
    {
      schema: {
        tags: ['duties'],
        summary:
          '网格责任清单 The list that holds in a grid: its own matters, inherited ones and those for every grid',
        params: CodeParams,
        querystring: Type.Object({ at: Type.Optional(DateString) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ grid: Type.String(), items: Type.Array(GridDuty) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      duties.gridDuties(request.params.code, requirePermission(request, 'duty.read').scope, request.query.at),
  );

  // ── routing ───────────────────────────────────────────────────────────────────────────────────────────────

  app.get(
    '/api/routing/suggest',
    {
      schema: {
        tags: ['duties'],
        summary:
          '派遣建议 Who answers for an event of a category at a point (or in a grid), with the reasons',
        description:
          'Give `lng` and `lat`, or `grid`. The most specific matter wins: minor class over major class over any, ' +
          'the nearest grid over its ancestors, lead over cooperate, then the earliest recorded.',
        querystring: SuggestQuery,
        response: { 200: Suggestion, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'duty.read');
      const { category, lng, lat, grid, at } = request.query;
      if (grid !== undefined && lng === undefined && lat === undefined) {
        return duties.suggestForGrid({ categoryCode: category, gridCode: grid, at, scope: user.scope });
      }
      if (lng === undefined || lat === undefined || grid !== undefined) {
        throw errors.invalid([
          { field: '/querystring/lng', zh: '须给出经纬度或网格之一', en: 'give lng and lat, or grid' },
        ]);
      }
      return duties.suggest({ categoryCode: category, lng, lat, at });
    },
  );

  // ── key areas ─────────────────────────────────────────────────────────────────────────────────────────────

  app.get(
    '/api/key-areas',
    {
      schema: {
        tags: ['duties'],
        summary: "重点区域 Key areas in your grids (or a grid's subtree)",
        querystring: KeyAreaListQuery,
        response: {
          200: Type.Object({ items: Type.Array(KeyArea), total: Type.Integer() }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => duties.listKeyAreas(request.query, requirePermission(request, 'duty.read')),
  );

  app.get(
    '/api/key-areas/:id',
    {
      schema: {
        tags: ['duties'],
        summary: '重点区域详情 One key area',
        params: IdParams,
        response: { 200: KeyArea, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => duties.getKeyArea(request.params.id, requirePermission(request, 'duty.read')),
  );

  app.post(
    '/api/key-areas',
    {
      schema: {
        tags: ['duties'],
        summary: '登记重点区域 Record a key area (its grid is found from a point when not given)',
        body: CreateKeyArea,
        response: { 201: KeyArea, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await duties.createKeyArea(request.body, requirePermission(request, 'duty.manage'))),
  );

  app.patch(
    '/api/key-areas/:id',
    {
      schema: {
        tags: ['duties'],
        summary: '修改重点区域 Change a key area (null clears a field)',
        params: IdParams,
        body: UpdateKeyArea,
        response: { 200: KeyArea, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      duties.updateKeyArea(request.params.id, request.body, requirePermission(request, 'duty.manage')),
  );

  app.delete(
    '/api/key-areas/:id',
    {
      schema: {
        tags: ['duties'],
        summary: '删除重点区域 Remove a key area from the roster (the audit log keeps what it was)',
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await duties.deleteKeyArea(request.params.id, requirePermission(request, 'duty.manage'));
      return reply.status(204).send(null);
    },
  );
}
