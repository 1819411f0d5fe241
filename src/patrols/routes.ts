import type { Services } from '../app.js';
import { requirePermission } from '../accounts/auth.js';
import { problemResponses, type App } from '../core/http.js';
import {
  CreatePatrol,
  FindingParams,
  FindingReported,
  Patrol,
  PatrolIdParams,
  PatrolList,
  PatrolQuery,
  ReportFinding,
} from './schema.js';

/** 民情日志 routes: thin; the service scopes by the patrol's grid and masks visited people. */
export async function patrolRoutes(app: App, services: Services): Promise<void> {
  const { patrols } = services;

  app.post(
    '/api/patrols',
    {
      schema: {
        tags: ['patrols'],
        summary: '记录巡查走访 Record a patrol or visit (民情日志) in one of your grids',
        body: CreatePatrol,
        response: { 201: Patrol, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await patrols.create(request.body, requirePermission(request, 'patrol.write'))),
  );

  app.get(
    '/api/patrols',
    {
      schema: {
        tags: ['patrols'],
        summary: '巡查日志 Patrols in your grids, newest first',
        querystring: PatrolQuery,
        response: { 200: PatrolList, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => patrols.list(request.query, requirePermission(request, 'patrol.read')),
  );

  app.get(
    '/api/patrols/:id',
    {
      schema: {
        tags: ['patrols'],
        summary: '巡查详情 One patrol',
        params: PatrolIdParams,
        response: { 200: Patrol, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => patrols.get(request.params.id, requirePermission(request, 'patrol.read')),
  );

  app.post(
    '/api/patrols/:id/findings/:index/report',
    {
      schema: {
        tags: ['patrols'],
        summary:
          '发现转事件 Report a finding as an event (source patrol); a second call answers the same event',
        params: FindingParams,
        body: ReportFinding,
        response: {
          200: FindingReported,
          201: FindingReported,
          ...problemResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'patrol.write');
      const result = await patrols.reportFinding(
        request.params.id,
        request.params.index,
        request.body.categoryCode,
        user,
      );
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );
}
