import { Type } from 'typebox';
import type { Services } from '../app.js';
import { requirePermission, requireUser } from '../accounts/auth.js';
import { AppError } from '../core/errors.js';
import { problemResponses, type App } from '../core/http.js';
import { EVENT_ACTIONS, TRANSITIONS } from './machine.js';
import {
  ACTION_BODIES,
  CreateEvent,
  EventCreated,
  EventDetail,
  EventIdParams,
  EventList,
  EventListQuery,
  EventStats,
  EventStatsQuery,
  HashParams,
  IdempotencyHeaders,
  UploadResult,
  type ActionBody,
} from './schema.js';
import { ATTACHMENT_TYPES } from './files.js';

const RAW_TYPES = [...ATTACHMENT_TYPES, 'application/octet-stream'];

/** Routes are thin: validate, authorise, call the service (which scopes and writes the timeline). */
export async function eventRoutes(app: App, services: Services): Promise<void> {
  const { events } = services;

  app.post(
    '/api/events',
    {
      schema: {
        tags: ['events'],
        summary: '上报事件 Report an event (any source); 201 once it is committed',
        description:
          'The point is located in the grids (outside every grid: 422 naming /body/location), the category must be ' +
          'an active minor class, likely duplicates (same category, within 50 m and 24 h, not closed) are flagged, ' +
          'never merged. With an `Idempotency-Key` header a retry answers the first answer and creates nothing. ' +
          'With `resident` (代群众上报) the answer also carries the `followCode` of the resident page.',
        headers: IdempotencyHeaders,
        body: CreateEvent,
        response: { 201: EventCreated, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'event.report');
      // 代群众上报: the resident's contact goes into the reporter's fields, and the resident gets a follow code
      const { resident, ...report } = request.body;
      const body = resident
        ? { ...report, reporterName: resident.name ?? '群众', reporterPhone: resident.phone }
        : report;
      const created = await events.report(body, user, request.headers['idempotency-key']);
      return reply
        .status(201)
        .send(
          resident ? { ...created, followCode: await services.residents.followCodeOf(created.id) } : created,
        );
    },
  );

  app.get(
    '/api/events',
    {
      schema: {
        tags: ['events'],
        summary: '事件列表 Events you may see, filtered, newest first',
        querystring: EventListQuery,
        response: { 200: EventList, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => events.list(request.query, requireUser(request)),
  );

  app.get(
    '/api/events/stats',
    {
      schema: {
        tags: ['events'],
        summary: '事件统计 Counters of the events you may see: today, open, overdue, the period’s completion',
        querystring: EventStatsQuery,
        response: { 200: EventStats, ...problemResponses(400, 401) },
      },
    },
    async (request) => events.stats(request.query, requireUser(request)),
  );

  app.get(
    '/api/events/:id',
    {
      schema: {
        tags: ['events'],
        summary: '事件详情 One event with its timeline and the actions you may take now',
        params: EventIdParams,
        response: { 200: EventDetail, ...problemResponses(401, 404) },
      },
    },
    async (request) => events.get(request.params.id, requireUser(request)),
  );

  for (const action of EVENT_ACTIONS) {
    const transition = TRANSITIONS[action];
    app.post(
      `/api/events/:id/actions/${action}`,
      {
        schema: {
          tags: ['events'],
          summary: transition.summary,
          description:
            `From: ${transition.from.join(', ')}. Roles: ${transition.roles.join(', ')}. ` +
            'A state the action does not start from → 409 `illegal_transition` (with `from` and `to`); a role or ' +
            'assignment that may not → 403; a stale `version` → 409 `stale`.',
          params: EventIdParams,
          body: ACTION_BODIES[action],
          response: { 200: EventDetail, ...problemResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (request) =>
        events.act(request.params.id, action, request.body as ActionBody, requireUser(request)),
    );
  }

  // Raw uploads: the body is the file itself (image/jpeg, image/png, image/webp, image/heic, application/pdf).
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      RAW_TYPES,
      { parseAs: 'buffer', bodyLimit: services.events.maxUploadBytes + 1 },
      (_request, body, done) => done(null, body),
    );
    const uploadSchema = (summary: string, withId: boolean) => ({
      tags: ['events'],
      summary,
      description:
        'Send the file as the raw body with its content type. The type is checked by its first bytes (JPEG, PNG, ' +
        'WebP, HEIC, PDF); the size limit is 10 MB by default.',
      ...(withId ? { params: EventIdParams } : {}),
      response: { 201: UploadResult, ...problemResponses(401, 403, 404, 413, 415) },
    });
    const fileOf = (body: unknown): Buffer => {
      if (!Buffer.isBuffer(body)) {
        throw new AppError(
          415,
          'unsupported_type',
          '请以文件本身作为请求体上传（image/jpeg、image/png、image/webp、image/heic、application/pdf）',
          'Upload the file itself as the body (image/jpeg, image/png, image/webp, image/heic, application/pdf)',
        );
      }
      return body;
    };
    scope.post(
      '/api/attachments',
      { schema: uploadSchema('上传附件 Upload a file to reference in a report', false) },
      async (request, reply) => {
        const user = requirePermission(request, 'event.report');
        return reply.status(201).send(await events.upload(fileOf(request.body), user));
      },
    );
    scope.post<{ Params: { id: number } }>(
      '/api/events/:id/attachments',
      { schema: uploadSchema('事件附件 Add a photo or document to an event', true) },
      async (request, reply) => {
        const user = requireUser(request);
        return reply.status(201).send(await events.upload(fileOf(request.body), user, request.params.id));
      },
    );
  });

  app.get(
    '/api/attachments/:hash',
    {
      schema: {
        tags: ['events'],
        summary: '下载附件 A file you uploaded or may see through one of its events',
        params: HashParams,
        response: { 200: Type.Any({ description: 'the bytes' }), ...problemResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const { bytes, mime } = await events.readAttachment(request.params.hash, requireUser(request));
      return reply
        .header('content-type', mime)
        .header('cache-control', 'private, max-age=31536000, immutable')
        .send(bytes);
    },
  );
}
