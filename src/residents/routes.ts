import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../app.js';
import { AppError } from '../core/errors.js';
import { problemResponses, type App } from '../core/http.js';
import {
  FollowHeaders,
  FollowQuery,
  IdempotencyHeaders,
  MatterParams,
  MatterRaised,
  PhotoParams,
  PhotoStored,
  PublicCategories,
  PublicMap,
  PublicMatter,
  RaiseMatter,
  RateMatter,
} from './schema.js';

const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/octet-stream'];
const TAGS = ['residents'];

/** The code from the X-Follow-Code header, or else from ?code= (a link on a printed notice). */
function codeOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-follow-code'];
  if (typeof header === 'string' && header !== '') return header;
  return (request.query as { code?: string } | undefined)?.code;
}

/**
 * 群众提事 the public routes of the resident page: no sign-in. Each route has its own per-IP limit (Config
 * publicLimits, counted in this server's memory); the limit is checked before the body is read, so a refused
 * request changes nothing.
 */
export async function residentRoutes(app: App, services: Services): Promise<void> {
  const { residents } = services;
  const limits = services.config.publicLimits;
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    await scope.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        new AppError(
          429,
          'too_many_requests',
          `操作过于频繁，请在 ${Math.max(1, Math.ceil(context.ttl / 60_000))} 分钟后再试`,
          `Too many requests; try again in ${context.after}`,
          undefined,
          { retryAfterSeconds: Math.ceil(context.ttl / 1000) },
        ),
    });
    const limit = (max: number, timeWindow: number) => ({ rateLimit: { max, timeWindow } });

    scope.post(
      '/api/public/matters',
      {
        config: limit(limits.raisePerHour, 3600_000),
        schema: {
          tags: TAGS,
          security: [],
          summary: '群众提事 Raise a matter without signing in; 201 with its number and follow code',
          description:
            'The point must lie in our street (else 422 `outside_street`). Name and phone are optional; the phone ' +
            'is stored encrypted. Per IP: `GEZHI_PUBLIC_RAISE_PER_HOUR` a hour; per phone: ' +
            '`GEZHI_PUBLIC_PHONE_PER_DAY` a day; the same description again from the same IP within ' +
            '`GEZHI_PUBLIC_REPEAT_MINUTES` is 409 `repeated_matter`. With an `Idempotency-Key` a retry answers ' +
            'the first answer.',
          headers: IdempotencyHeaders,
          body: RaiseMatter,
          response: { 201: MatterRaised, ...problemResponses(400, 409, 413, 422, 429) },
        },
      },
      async (request, reply) => {
        const raised = await residents.raise(request.body, request.ip, request.headers['idempotency-key']);
        return reply.status(201).send(raised);
      },
    );

    await scope.register(async (plugin) => {
      const uploads = plugin.withTypeProvider<TypeBoxTypeProvider>();
      uploads.addContentTypeParser(
        PHOTO_TYPES,
        { parseAs: 'buffer', bodyLimit: residents.photoBytes + 1 },
        (_request, body, done) => done(null, body),
      );
      uploads.post(
        '/api/public/photos',
        {
          config: limit(limits.uploadPerHour, 3600_000),
          schema: {
            tags: TAGS,
            security: [],
            summary: '上传照片 A photo for a matter (the raw image as the body); its hash goes in `photos`',
            response: { 201: PhotoStored, ...problemResponses(413, 415, 429) },
          },
        },
        async (request, reply) => {
          if (!Buffer.isBuffer(request.body)) {
            throw new AppError(
              415,
              'unsupported_type',
              '请以照片本身作为请求体上传（image/jpeg、image/png、image/webp、image/heic）',
              'Upload the photo itself as the body (image/jpeg, image/png, image/webp, image/heic)',
            );
          }
          return reply.status(201).send(await residents.uploadPhoto(request.body));
        },
      );
    });

    scope.get(
      '/api/public/matters/:number',
      {
        config: limit(limits.followPer10Minutes, 600_000),
        schema: {
          tags: TAGS,
          security: [],
          summary: '查询进度 A matter by number and follow code (X-Follow-Code or ?code=); else 404',
          params: MatterParams,
          querystring: FollowQuery,
          headers: FollowHeaders,
          response: { 200: PublicMatter, ...problemResponses(400, 404, 429) },
        },
      },
      async (request, reply) => {
        const matter = await residents.follow(request.params.number, codeOf(request));
        return reply.header('cache-control', 'no-store').send(matter);
      },
    );

    scope.get(
      '/api/public/matters/:number/photos/:hash',
      {
        config: limit(limits.followPer10Minutes, 600_000),
        schema: {
          tags: TAGS,
          security: [],
          summary: '结果照片 A photo of the result of a matter (number and follow code)',
          params: PhotoParams,
          querystring: FollowQuery,
          headers: FollowHeaders,
          response: { ...problemResponses(400, 404, 429) },
        },
      },
      async (request, reply) => {
        const { bytes, mime } = await residents.photo(
          request.params.number,
          codeOf(request),
          request.params.hash,
        );
        return reply
          .header('content-type', mime)
          .header('cache-control', 'private, max-age=3600')
          .send(bytes);
      },
    );

    scope.post(
      '/api/public/matters/:number/rating',
      {
        config: limit(limits.ratePerHour, 3600_000),
        schema: {
          tags: TAGS,
          security: [],
          summary: '评价 Rate a closed matter once (1–5 and a comment) with its follow code; again: 409',
          params: MatterParams,
          querystring: FollowQuery,
          headers: FollowHeaders,
          body: RateMatter,
          response: { 200: PublicMatter, ...problemResponses(400, 404, 409, 429) },
        },
      },
      async (request) => residents.rate(request.params.number, codeOf(request), request.body),
    );

    scope.get(
      '/api/public/map',
      {
        schema: {
          tags: TAGS,
          security: [],
          summary: '街道地图 The street outline and community boundaries (names only) for the map pin',
          response: { 200: PublicMap },
        },
      },
      async (_request, reply) =>
        reply.header('cache-control', 'public, max-age=300').send(await residents.map()),
    );

    scope.get(
      '/api/public/categories',
      {
        schema: {
          tags: TAGS,
          security: [],
          summary: '问题类别 The event classes a resident chooses from (大类 with their 小类)',
          response: { 200: PublicCategories },
        },
      },
      async (_request, reply) =>
        reply.header('cache-control', 'public, max-age=300').send(await residents.categories()),
    );
  });
}
