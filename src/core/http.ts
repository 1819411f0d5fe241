import Fastify, {
  type FastifyBaseLogger,
  type FastifyRequest,
  type FastifyError,
  type FastifyInstance,
  type RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type, type TSchema } from 'typebox';
import { AppError, errors, fromDatabaseError, type FieldProblem } from './errors.js';

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The problem+json body every error answer has; referenced by every route's 4xx responses. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'stable error code' }),
    zh: Type.String({ description: '中文说明' }),
    en: Type.String({ description: 'English message' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String(),
          zh: Type.String(),
          en: Type.String(),
          grids: Type.Optional(Type.Array(Type.String())),
        }),
      ),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);

/** Response map for the usual error answers of a route. */
export function problemResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of statuses) out[status] = Type.Ref('Problem');
  return out;
}

export interface HttpOptions {
  logLevel?: string;
  /** Largest request body in bytes (imports of tens of thousands of polygons are big). */
  bodyLimit?: number;
  /** Believe X-Forwarded-For from these proxies (Config.trustProxy); request.ip is then the client's. */
  trustProxy?: boolean | number | string;
}

const VALIDATION_MESSAGES_ZH: Record<string, string> = {
  required: '缺少必填字段',
  type: '类型不正确',
  minimum: '数值过小',
  maximum: '数值过大',
  minLength: '长度过短',
  maxLength: '长度过长',
  minItems: '项数过少',
  maxItems: '项数过多',
  pattern: '格式不正确',
  format: '格式不正确',
  enum: '取值不在允许范围内',
  additionalProperties: '包含不允许的字段',
  const: '取值不正确',
};

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function validationProblems(issues: AjvIssue[], context: string | undefined): FieldProblem[] {
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    let field = `/${context ?? ''}${issue.instancePath}`;
    if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
      field = `${field}/${issue.params.missingProperty}`;
    }
    if (issue.keyword === 'additionalProperties' && typeof issue.params.additionalProperty === 'string') {
      field = `${field}/${issue.params.additionalProperty}`;
    }
    const key = `${field}|${issue.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      field,
      zh: `${field}：${VALIDATION_MESSAGES_ZH[issue.keyword] ?? '不合法'}`,
      en: `${field}: ${issue.message ?? 'is invalid'}`,
    });
  }
  return out;
}

/**
 * A request's address as logged: the follow code of the resident page (`?code=`, `?c=`) is a credential and is
 * masked; nothing else in our addresses is secret.
 */
export function loggedUrl(url: string): string {
  return url.replace(/([?&](?:code|c)=)[^&#]*/gi, '$1***');
}

/** Server factory: logging, validation, the problem+json error format and the OpenAPI document. */
export async function createHttpServer(options: HttpOptions = {}): Promise<App> {
  const app = Fastify({
    logger:
      options.logLevel === 'silent'
        ? false
        : {
            level: options.logLevel ?? 'info',
            // no personal data in logs: never log bodies or the Authorization header
            redact: ['req.headers.authorization'],
            serializers: {
              // fastify's own request serializer, with the address's follow code masked
              req: (request: FastifyRequest) => ({
                method: request.method,
                url: loggedUrl(request.url),
                version: request.headers['accept-version'] as string | undefined,
                host: request.host,
                remoteAddress: request.ip,
                remotePort: request.socket?.remotePort,
              }),
            },
          },
    bodyLimit: options.bodyLimit ?? 256 * 1024 * 1024,
    // fastify takes a hop count too (its types list only the other forms)
    trustProxy: (options.trustProxy ?? false) as boolean | string,
    ajv: {
      customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false, useDefaults: true },
      plugins: [],
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.addSchema(ProblemSchema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'gezhi 格治 API',
        description:
          '网格化治理平台 HTTP API — community grid-governance platform. Errors are application/problem+json.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
      tags: [
        { name: 'system', description: '系统 System' },
        { name: 'auth', description: '登录 Authentication' },
        { name: 'users', description: '用户 Users' },
        { name: 'grids', description: '网格 Grids' },
        { name: 'people', description: '人员、岗位与网格画像 People, positions and grid portraits' },
        { name: 'audit', description: '审计 Audit log' },
      ],
    },
    refResolver: {
      buildLocalReference(json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`;
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    let problem: AppError;
    if (error instanceof AppError) {
      problem = error;
    } else if ((error as FastifyError).validation) {
      const fastifyError = error as FastifyError;
      problem = errors.invalid(
        validationProblems(fastifyError.validation as unknown as AjvIssue[], fastifyError.validationContext),
      );
    } else {
      const mapped = fromDatabaseError(error);
      const statusCode = (error as FastifyError).statusCode;
      if (mapped) {
        problem = mapped;
      } else if (statusCode && statusCode >= 400 && statusCode < 500) {
        problem = new AppError(
          statusCode,
          (error as FastifyError).code?.toLowerCase() ?? 'bad_request',
          `请求无法处理：${error.message}`,
          error.message,
        );
      } else {
        request.log.error({ err: error }, 'unhandled error');
        problem = new AppError(500, 'internal', '服务器内部错误', 'Internal server error');
      }
    }
    void reply
      .status(problem.status)
      .type('application/problem+json; charset=utf-8')
      .send(problem.toProblem());
  });

  app.setNotFoundHandler((request, reply) => {
    const problem = new AppError(
      404,
      'route_not_found',
      `接口不存在：${request.method} ${request.url.split('?')[0]}`,
      `No such endpoint: ${request.method} ${request.url.split('?')[0]}`,
    );
    void reply.status(404).type('application/problem+json; charset=utf-8').send(problem.toProblem());
  });

  return app;
}
