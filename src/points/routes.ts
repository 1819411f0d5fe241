import { Type } from 'typebox';
import type { Services } from '../app.js';
import { requirePermission } from '../accounts/auth.js';
import { problemResponses, type App } from '../core/http.js';
import { GridCode } from '../grids/schema.js';
import {
  CreateEntry,
  CreateRedemption,
  EntryResult,
  PersonPoints,
  PersonPointsQuery,
  PointsRule,
  PutRule,
  Ranking,
  RankingQuery,
  RuleKey,
} from './schema.js';

export async function pointsRoutes(app: App, services: Services): Promise<void> {
  const { points } = services;

  app.get(
    '/api/points/rules',
    {
      schema: {
        tags: ['points'],
        summary: '积分规则 Points rules',
        response: { 200: Type.Object({ items: Type.Array(PointsRule) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      requirePermission(request, 'points.read');
      return { items: await points.rules() };
    },
  );

  app.put(
    '/api/points/rules/:key',
    {
      schema: {
        tags: ['points'],
        summary: '设置积分规则 Create or change a points rule (past entries keep their points)',
        params: Type.Object({ key: RuleKey }),
        body: PutRule,
        response: { 200: PointsRule, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) =>
      points.putRule(request.params.key, request.body, requirePermission(request, 'points.manage')),
  );

  app.post(
    '/api/points/entries',
    {
      schema: {
        tags: ['points'],
        summary: '积分 Award points by rule, or a manual entry with a reason',
        description:
          'A rule with a daily cap refuses what would exceed it (409 daily_cap_reached); a negative manual ' +
          'adjustment may not take the balance below zero (409 insufficient_points).',
        body: CreateEntry,
        response: { 201: EntryResult, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await points.award(request.body, requirePermission(request, 'points.write'))),
  );

  app.post(
    '/api/points/redemptions',
    {
      schema: {
        tags: ['points'],
        summary: '积分兑换 Redeem points (409 insufficient_points when the balance would go below zero)',
        body: CreateRedemption,
        response: { 201: EntryResult, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await points.redeem(request.body, requirePermission(request, 'points.write'))),
  );

  app.get(
    '/api/people/:id/points',
    {
      schema: {
        tags: ['points'],
        summary: '个人积分 A person’s balance (the sum of the ledger) and entries, newest first',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: PersonPointsQuery,
        response: { 200: PersonPoints, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      points.personPoints(request.params.id, request.query, requirePermission(request, 'points.read')),
  );

  app.get(
    '/api/grids/:code/points/ranking',
    {
      schema: {
        tags: ['points'],
        summary: '积分排行 Ranking of the grid and its descendants by balance',
        params: Type.Object({ code: GridCode }),
        querystring: RankingQuery,
        response: { 200: Ranking, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      points.ranking(request.params.code, request.query.limit, requirePermission(request, 'points.read')),
  );
}
