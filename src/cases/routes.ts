import { Type } from 'typebox';
import type { Services } from '../app.js';
import { requirePermission } from '../accounts/auth.js';
import { problemResponses, type App } from '../core/http.js';
import { HotspotKey, HotspotList } from './proactive.js';
import { EventCreated } from '../events/schema.js';
import { Case, CaseIdParams, SimilarCases, SimilarQuery, UpdateCase } from './schema.js';

const Limit = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }) },
  { additionalProperties: false },
);

/** 案例库 routes (E7). */
export async function caseRoutes(app: App, services: Services): Promise<void> {
  const { cases } = services;

  app.post(
    '/api/cases/from-event/:id',
    {
      schema: {
        tags: ['cases'],
        summary: '结案事件入库 Make a closed event a case (closed events also become cases by themselves)',
        params: CaseIdParams,
        response: { 200: Case, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => cases.fromEvent(request.params.id, requirePermission(request, 'case.manage')),
  );

  app.get(
    '/api/cases/similar',
    {
      schema: {
        tags: ['cases'],
        summary: '相似案例 Cases most like a text (BM25 over Chinese words, same category boosted)',
        querystring: SimilarQuery,
        response: { 200: SimilarCases, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) =>
      cases.similar(
        request.query.text,
        request.query.category,
        request.query.limit,
        requirePermission(request, 'case.read'),
      ),
  );

  app.get(
    '/api/events/:id/similar-cases',
    {
      schema: {
        tags: ['cases'],
        summary: '相似案例 Cases most like an event you may see',
        params: CaseIdParams,
        querystring: Limit,
        response: { 200: SimilarCases, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      cases.similarToEvent(request.params.id, request.query.limit, requirePermission(request, 'case.read')),
  );

  app.patch(
    '/api/cases/:id',
    {
      schema: {
        tags: ['cases'],
        summary: "整理案例 Edit a case's solution or mark it typical (典型案例)",
        params: CaseIdParams,
        body: UpdateCase,
        response: { 200: Case, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      cases.update(request.params.id, request.body, requirePermission(request, 'case.manage')),
  );

  app.get(
    '/api/proactive/hotspots',
    {
      schema: {
        tags: ['cases'],
        summary: '未诉先办 Recurring problems: one category in one ~100 m cell at least N times in D days',
        querystring: Type.Object(
          { grid: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
          { additionalProperties: false },
        ),
        response: { 200: HotspotList, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      services.proactive.hotspots(requirePermission(request, 'case.read'), request.query.grid),
  );

  app.post(
    '/api/proactive/hotspots/:key/task',
    {
      schema: {
        tags: ['cases'],
        summary:
          '主动任务 Turn a hotspot into a proactive event (source proactive); one open task per hotspot',
        params: Type.Object({ key: HotspotKey }),
        response: { 201: EventCreated, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await services.proactive.task(request.params.key, requirePermission(request, 'case.manage'))),
  );
}
