import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Services } from '../app.js';
import { actorOf, requirePermission, requireUser, type AuthUser } from '../accounts/auth.js';
import { errors } from '../core/errors.js';
import { problemResponses, type App } from '../core/http.js';
import {
  CreateWebhook,
  CreatedWebhook,
  DeliveryList,
  Delivery,
  IdParams,
  Notification,
  NotificationList,
  NotificationListQuery,
  PageQuery,
  StreamQuery,
  UpdateWebhook,
  Webhook,
  WebhookList,
} from './schema.js';
import type { ChangeMessage } from './stream.js';

/** The request line as logged for the stream: a token in the query string never reaches the log. */
function redactedRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url.replace(/([?&]token=)[^&]*/gi, '$1[redacted]'),
    remoteAddress: request.ip,
  };
}

/** Inbox, live stream and webhooks. Routes are thin: validate, authorise, call the service. */
export async function notificationRoutes(app: App, services: Services): Promise<void> {
  const { notifications, webhooks, stream } = services;

  // ---------------------------------------------------------------- 站内通知 inbox

  app.get(
    '/api/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: '我的通知 My notifications, newest first (unread=true: only unread ones)',
        querystring: NotificationListQuery,
        response: { 200: NotificationList, ...problemResponses(400, 401) },
      },
    },
    async (request) => notifications.list(requireUser(request), request.query),
  );

  app.post(
    '/api/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: '标为已读 Mark one of my notifications read (another user’s answers 404)',
        params: IdParams,
        response: { 200: Notification, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => notifications.markRead(requireUser(request), request.params.id),
  );

  app.post(
    '/api/notifications/read-all',
    {
      schema: {
        tags: ['notifications'],
        summary: '全部已读 Mark all my notifications read',
        response: { 200: Type.Object({ updated: Type.Integer() }), ...problemResponses(401) },
      },
    },
    async (request) => notifications.markAllRead(requireUser(request)),
  );

  // ---------------------------------------------------------------- 实时推送 live stream

  app.get(
    '/api/stream',
    {
      schema: {
        tags: ['notifications'],
        summary: '实时推送 Live change messages (Server-Sent Events)',
        description:
          'A text/event-stream of change messages `{type, id, gridPath, at, …}`: only those within the reader’s ' +
          'data scope (grid path prefix) and those addressed to the reader. Messages name what changed; read ' +
          'the thing itself through the API. A comment line is sent as a heartbeat. EventSource cannot set ' +
          'headers, so this endpoint (and only this one) also takes the bearer token as `?token=`; it is kept ' +
          'out of the request log.',
        querystring: StreamQuery,
        response: problemResponses(400, 401),
      },
      logSerializers: { req: redactedRequest },
    },
    async (request, reply) => {
      let user: AuthUser | null = request.user;
      if (!user && request.query.token) user = await services.accounts.authenticate(request.query.token);
      if (!user) throw errors.unauthenticated();

      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      response.write(`retry: 3000\n: connected ${services.clock.now().toISOString()}\n\n`);

      let sequence = 0;
      let closed = false;
      const heartbeat = setInterval(() => {
        response.write(`: heartbeat ${services.clock.now().toISOString()}\n\n`);
      }, services.config.streamHeartbeatMs);
      const unsubscribe = stream.subscribe({
        userId: user.id,
        scope: user.scope,
        send(message: ChangeMessage) {
          sequence += 1;
          response.write(`id: ${sequence}\ndata: ${JSON.stringify(message)}\n\n`);
        },
        close() {
          cleanUp();
          response.end();
        },
      });
      function cleanUp(): void {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
      }
      request.raw.socket.on('close', cleanUp);
      response.on('close', cleanUp);
    },
  );

  // ---------------------------------------------------------------- 外部推送 webhooks (administrators)

  app.get(
    '/api/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook 列表 Registered webhooks (secrets are never shown again)',
        response: { 200: WebhookList, ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      requirePermission(request, 'webhook.manage');
      return { items: await webhooks.list() };
    },
  );

  app.post(
    '/api/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: '登记 Webhook Register a webhook',
        description:
          'Each delivery is POSTed as JSON with `X-Gezhi-Signature: sha256=<hex HMAC-SHA256 of the raw body ' +
          'under the secret>` and `X-Gezhi-Timestamp` (Unix seconds, also inside the signed body as ' +
          '`timestamp`); a non-2xx answer is retried with exponential backoff.',
        body: CreateWebhook,
        response: { 201: CreatedWebhook, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'webhook.manage');
      return reply.status(201).send(await webhooks.create(request.body, actorOf(user)));
    },
  );

  app.patch(
    '/api/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: '修改 Webhook Change a webhook (active=false stops its deliveries)',
        params: IdParams,
        body: UpdateWebhook,
        response: { 200: Webhook, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'webhook.manage');
      return webhooks.update(request.params.id, request.body, actorOf(user));
    },
  );

  app.get(
    '/api/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: '投递记录 Deliveries of a webhook, newest first',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: DeliveryList, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      requirePermission(request, 'webhook.manage');
      return webhooks.deliveries(request.params.id, request.query);
    },
  );

  app.post(
    '/api/webhooks/:id/ping',
    {
      schema: {
        tags: ['webhooks'],
        summary: '测试投递 Queue a "ping" delivery to a webhook',
        params: IdParams,
        response: { 202: Delivery, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'webhook.manage');
      return reply.status(202).send(await webhooks.ping(request.params.id, actorOf(user)));
    },
  );
}
