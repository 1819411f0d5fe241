import i18next, { currentLanguage, type Language } from '../i18n';

/** One invalid field of a problem+json answer. */
export interface FieldProblem {
  field: string;
  zh: string;
  en: string;
}

/** The error body every endpoint of the server answers with (application/problem+json). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  zh: string;
  en: string;
  errors?: FieldProblem[];
}

/** A failed request: the server's problem, or a network failure (status 0, code "network"). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem | null;

  constructor(status: number, code: string, problem: Problem | null, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problem = problem;
  }

  /** What to show a person: the server's sentence in the page's language, then each bad field. */
  text(language: Language = currentLanguage()): string {
    if (!this.problem) {
      return this.code === 'network'
        ? i18next.t('errors.network', { lng: language })
        : i18next.t('errors.unknown', { lng: language, status: this.status });
    }
    const main =
      (language === 'en' ? this.problem.en : this.problem.zh) || this.problem.detail || this.problem.title;
    const fields = (this.problem.errors ?? []).map(
      (field) => (language === 'en' ? field.en : field.zh) || field.field,
    );
    return [main, ...fields].join(language === 'en' ? '; ' : '；');
  }
}

/** Text of any thrown value, for a message or an alert. */
export function errorText(error: unknown, language: Language = currentLanguage()): string {
  if (error instanceof ApiError) return error.text(language);
  if (error instanceof Error) return error.message;
  return String(error);
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).code === 'string' &&
    typeof (value as Problem).status === 'number'
  );
}

const TOKEN_KEY = 'gezhi.token';

/** The bearer token, kept in localStorage so that a reload keeps the session. */
export const tokenStore = {
  get(): string | null {
    try {
      return localStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(token: string | null): void {
    try {
      if (token) localStorage.setItem(TOKEN_KEY, token);
      else localStorage.removeItem(TOKEN_KEY);
    } catch {
      // without storage the session lasts until the page is closed
    }
  },
};

type UnauthorizedListener = () => void;
let onUnauthorized: UnauthorizedListener | null = null;

/** Called when the server answers 401 to a request that carried a token (expired or revoked session). */
export function setUnauthorizedListener(listener: UnauthorizedListener | null): void {
  onUnauthorized = listener;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
  /** Extra request headers (e.g. Idempotency-Key). */
  headers?: Record<string, string>;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

/** JSON request to the gezhi API with the session's bearer token; throws ApiError on any failure. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = tokenStore.get();
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    ...options.headers,
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', null, error instanceof Error ? error.message : 'network error');
  }

  if (response.ok) {
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: a proxy's error page
  }
  const problem = isProblem(body) ? body : null;
  const error = new ApiError(
    response.status,
    problem?.code ?? `http_${response.status}`,
    problem,
    problem?.en ?? `${response.status} ${response.statusText}`,
  );
  // only when the session that made the request is still the current one (not after signing out)
  if (response.status === 401 && token && token === tokenStore.get() && onUnauthorized) onUnauthorized();
  throw error;
}
