import { Type } from 'typebox';
import type { Services } from '../app.js';
import { requirePermission } from '../accounts/auth.js';
import { problemResponses, type App } from '../core/http.js';
import {
  Certificate,
  ChangeTier,
  CreateCertificate,
  CreateTalent,
  CreateTraining,
  LeavePool,
  Nominate,
  Pool,
  PoolKey,
  PoolMembersQuery,
  PoolMembership,
  PutPool,
  TalentDetail,
  TalentListQuery,
  TalentSummary,
  Training,
  UpdateTalent,
} from './schema.js';

const PersonParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const PoolParams = Type.Object({ key: PoolKey });

/** 人才库 talent pool (F5). `{id}` is always the person's id: one talent record per person. */
export async function talentRoutes(app: App, services: Services): Promise<void> {
  const { talent } = services;
  const tags = ['talent'];

  app.get(
    '/api/talent',
    {
      schema: {
        tags,
        summary: '人才库 Talent records of your grids (filter by grid, tier 头雁/强雁/雏雁, skill)',
        querystring: TalentListQuery,
        response: {
          200: Type.Object({ items: Type.Array(TalentSummary), total: Type.Integer() }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => talent.list(request.query, requirePermission(request, 'talent.read')),
  );

  app.post(
    '/api/talent',
    {
      schema: {
        tags,
        summary: '入库 Add a person to the talent pool with a tier',
        body: CreateTalent,
        response: { 201: TalentDetail, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await talent.create(request.body, requirePermission(request, 'talent.write'))),
  );

  app.get(
    '/api/talent/:id',
    {
      schema: {
        tags,
        summary: '人才档案 A person’s talent record: tier history, reserve pools, training, certificates',
        params: PersonParams,
        response: { 200: TalentDetail, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => talent.detail(request.params.id, requirePermission(request, 'talent.read')),
  );

  app.patch(
    '/api/talent/:id',
    {
      schema: {
        tags,
        summary: '修改人才档案 Change field, skills, grid or note',
        params: PersonParams,
        body: UpdateTalent,
        response: { 200: TalentDetail, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      talent.update(request.params.id, request.body, requirePermission(request, 'talent.write')),
  );

  app.post(
    '/api/talent/:id/tier',
    {
      schema: {
        tags,
        summary: '调整层级 Change the tier (the current period ends, a new one starts; history is kept)',
        params: PersonParams,
        body: ChangeTier,
        response: { 200: TalentDetail, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) =>
      talent.changeTier(request.params.id, request.body, requirePermission(request, 'talent.write')),
  );

  app.post(
    '/api/talent/:id/training',
    {
      schema: {
        tags,
        summary: '培训记录 Record a training of the person',
        params: PersonParams,
        body: CreateTraining,
        response: { 201: Training, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await talent.addTraining(
            request.params.id,
            request.body,
            requirePermission(request, 'talent.write'),
          ),
        ),
  );

  app.post(
    '/api/talent/:id/certificates',
    {
      schema: {
        tags,
        summary: '证书 Record a certificate of the person',
        params: PersonParams,
        body: CreateCertificate,
        response: { 201: Certificate, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await talent.addCertificate(
            request.params.id,
            request.body,
            requirePermission(request, 'talent.write'),
          ),
        ),
  );

  app.get(
    '/api/talent/pools',
    {
      schema: {
        tags,
        summary: '后备库 Reserve pools, with the number of current members in your grids',
        response: { 200: Type.Object({ items: Type.Array(Pool) }), ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ items: await talent.pools(requirePermission(request, 'talent.read')) }),
  );

  app.put(
    '/api/talent/pools/:key',
    {
      schema: {
        tags,
        summary: '设置后备库 Create or rename a reserve pool',
        params: PoolParams,
        body: PutPool,
        response: { 200: Pool, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) =>
      talent.putPool(request.params.key, request.body, requirePermission(request, 'talent.write')),
  );

  app.get(
    '/api/talent/pools/:key/members',
    {
      schema: {
        tags,
        summary: '后备库成员 Current members of a pool in your grids (history=true: also those who left)',
        params: PoolParams,
        querystring: PoolMembersQuery,
        response: {
          200: Type.Object({ items: Type.Array(PoolMembership) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({
      items: await talent.members(
        request.params.key,
        request.query.history,
        requirePermission(request, 'talent.read'),
      ),
    }),
  );

  app.post(
    '/api/talent/pools/:key/members',
    {
      schema: {
        tags,
        summary: '推荐入库 Nominate a person to a reserve pool, with reason and date',
        params: PoolParams,
        body: Nominate,
        response: { 201: PoolMembership, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await talent.nominate(request.params.key, request.body, requirePermission(request, 'talent.write')),
        ),
  );

  app.post(
    '/api/talent/pools/:key/members/:id/leave',
    {
      schema: {
        tags,
        summary: '出库 A person leaves a reserve pool, with reason (the row stays in the history)',
        params: Type.Object({ key: PoolKey, id: Type.Integer({ minimum: 1 }) }),
        body: LeavePool,
        response: { 200: PoolMembership, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      talent.leave(
        request.params.key,
        request.params.id,
        request.body,
        requirePermission(request, 'talent.write'),
      ),
  );
}
