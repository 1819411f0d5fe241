import { Type } from 'typebox';
import type { Services } from '../app.js';
import { requirePermission } from '../accounts/auth.js';
import { problemResponses, type App } from '../core/http.js';
import {
  BlowWhistle,
  IdParams,
  RateWhistle,
  RatingAggregate,
  RatingPeriodQuery,
  RatingRollup,
  RespondToWhistle,
  WhistleDetail,
  WhistleList,
  WhistleListQuery,
  WhistleNoteBody,
} from './schema.js';

/** 吹哨 E6. Routes are thin: validate, authorize, call the service (which scopes and audits). */
export async function whistleRoutes(app: App, services: Services): Promise<void> {
  const { whistles } = services;

  app.post(
    '/api/events/:id/whistles',
    {
      schema: {
        tags: ['whistles'],
        summary: '一键吹哨 Blow a whistle on an event: summon departments and grids (三跨) with a deadline',
        params: IdParams,
        body: BlowWhistle,
        response: { 201: WhistleDetail, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await whistles.blow(request.params.id, request.body, requirePermission(request, 'whistle.blow')),
        ),
  );

  app.get(
    '/api/whistles',
    {
      schema: {
        tags: ['whistles'],
        summary: '吹哨 Whistles blown in your grids or summoning your department or grid',
        querystring: WhistleListQuery,
        response: { 200: WhistleList, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => whistles.list(request.query, requirePermission(request, 'whistle.read')),
  );

  app.get(
    '/api/whistles/:id',
    {
      schema: {
        tags: ['whistles'],
        summary: '吹哨详情 A whistle with its parties, responses, notes and timing',
        params: IdParams,
        response: { 200: WhistleDetail, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => whistles.get(request.params.id, requirePermission(request, 'whistle.read')),
  );

  app.post(
    '/api/whistles/:id/responses',
    {
      schema: {
        tags: ['whistles'],
        summary: '一键响应 Respond for a summoned department or grid and name the handler',
        params: IdParams,
        body: RespondToWhistle,
        response: { 201: WhistleDetail, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await whistles.respond(
            request.params.id,
            request.body,
            requirePermission(request, 'whistle.respond'),
          ),
        ),
  );

  app.post(
    '/api/whistles/:id/notes',
    {
      schema: {
        tags: ['whistles'],
        summary: '联合处置 A progress note of the joint handling',
        params: IdParams,
        body: WhistleNoteBody,
        response: { 201: WhistleDetail, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await whistles.addNote(
            request.params.id,
            request.body.note,
            requirePermission(request, 'whistle.read'),
          ),
        ),
  );

  app.post(
    '/api/whistles/:id/close',
    {
      schema: {
        tags: ['whistles'],
        summary: '结束吹哨 Close a whistle (it also closes with its event)',
        params: IdParams,
        response: { 200: WhistleDetail, ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request) => whistles.close(request.params.id, requirePermission(request, 'whistle.blow')),
  );

  app.post(
    '/api/whistles/:id/ratings',
    {
      schema: {
        tags: ['whistles'],
        summary: '一键评价 Rate each responding party 1–5, anonymously (once per party)',
        params: IdParams,
        body: RateWhistle,
        response: {
          201: Type.Object({ whistleId: Type.Integer(), rated: Type.Integer() }),
          ...problemResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await whistles.rate(request.params.id, request.body, requirePermission(request, 'whistle.blow')),
        ),
  );

  app.get(
    '/api/departments/:id/whistle-ratings',
    {
      schema: {
        tags: ['whistles'],
        summary: '部门评价 A department’s whistle ratings, only as an aggregate of at least k',
        params: IdParams,
        querystring: RatingPeriodQuery,
        response: { 200: RatingAggregate, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      whistles.departmentRatings(
        request.params.id,
        request.query,
        requirePermission(request, 'whistle.ratings'),
      ),
  );

  app.get(
    '/api/whistle-ratings',
    {
      schema: {
        tags: ['whistles'],
        summary: '评价汇总 Whistle ratings per department for a period (fewer than k show no average)',
        querystring: RatingPeriodQuery,
        response: { 200: RatingRollup, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => whistles.ratingRollup(request.query, requirePermission(request, 'whistle.ratings')),
  );
}
