/**
 * One error type for the whole platform. Services throw AppError; the HTTP error handler turns it into
 * application/problem+json with a stable `code` and the message in Chinese and English.
 */
export interface FieldProblem {
  /** JSON pointer or dotted path of the offending field, e.g. "/features/3/geometry". */
  field: string;
  zh: string;
  en: string;
  /** The grid(s) the problem is about, when there are any. */
  grids?: string[];
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  zh: string;
  en: string;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly zh: string,
    readonly en: string,
    readonly errors?: FieldProblem[],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(en);
    this.name = 'AppError';
  }

  toProblem(): ProblemDetails {
    return {
      type: `urn:gezhi:problem:${this.code}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.en,
      code: this.code,
      zh: this.zh,
      en: this.en,
      ...(this.errors && this.errors.length > 0 ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const errors = {
  invalid(problems: FieldProblem[], zh = '请求数据不合法', en = 'The request is invalid'): AppError {
    const summary = problems.length === 1 ? problems[0]! : undefined;
    return new AppError(
      400,
      'invalid',
      summary ? `${zh}：${summary.zh}` : zh,
      summary ? `${en}: ${summary.en}` : en,
      problems,
    );
  },
  /** Input that is well-formed but breaks a rule of the domain (a polygon outside its parent …). */
  unprocessable(code: string, zh: string, en: string, problems?: FieldProblem[]): AppError {
    return new AppError(422, code, zh, en, problems);
  },
  notFound(what: { zh: string; en: string }, key: string): AppError {
    return new AppError(
      404,
      'not_found',
      `${what.zh}「${key}」不存在`,
      `${what.en} "${key}" was not found`,
      undefined,
      {
        key,
      },
    );
  },
  unauthenticated(): AppError {
    return new AppError(401, 'unauthenticated', '请先登录', 'Please sign in first');
  },
  forbidden(zh = '无权执行此操作', en = 'You are not allowed to do this'): AppError {
    return new AppError(403, 'forbidden', zh, en);
  },
  /** Outside the caller's grids: answered as 404 so that the existence of the grid is not revealed. */
  outOfScope(what: { zh: string; en: string }, key: string): AppError {
    return errors.notFound(what, key);
  },
  conflict(code: string, zh: string, en: string, extra?: Record<string, unknown>): AppError {
    return new AppError(409, code, zh, en, undefined, extra);
  },
  locked(zh: string, en: string, extra?: Record<string, unknown>): AppError {
    return new AppError(423, 'locked', zh, en, undefined, extra);
  },
  tooMany(zh: string, en: string): AppError {
    return new AppError(429, 'too_many_requests', zh, en);
  },
};

/** PostgreSQL error codes we translate; matched by code, never by message text. */
export const PG = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
  invalidTextRepresentation: '22P02',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  // drizzle wraps driver errors in `cause`
  for (let i = 0; i < 4 && current && typeof current === 'object'; i++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function fromDatabaseError(error: unknown): AppError | undefined {
  switch (pgErrorCode(error)) {
    case PG.uniqueViolation:
      return errors.conflict('duplicate', '记录已存在', 'A record with the same key already exists');
    case PG.foreignKeyViolation:
      return errors.conflict(
        'reference',
        '引用的记录不存在或仍被引用',
        'A referenced record is missing or still in use',
      );
    case PG.checkViolation:
    case PG.notNullViolation:
    case PG.invalidTextRepresentation:
      return new AppError(400, 'invalid', '数据不符合约束', 'The data violates a constraint');
    default:
      return undefined;
  }
}
