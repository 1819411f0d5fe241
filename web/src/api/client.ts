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

/** How long an answer asked for ahead of time waits for the page that needs it. */
const PREFETCH_MS = 15_000;

/** GET requests started ahead of time (the first screen's data at start-up), each taken once by `api`. */
const early = new Map<string, { token: string | null; at: number; response: Promise<Response> }>();
let collecting = false;

/**
 * Starts the GET requests that `requests` makes through `api`, without waiting for them or reading them: the page
 * that later asks for the same address with the same session gets that answer (once, within PREFETCH_MS) instead
 * of asking again. Used at start-up, while the page's code is still loading, so the data and the code come
 * together. `requests` runs synchronously; the `api` calls made inside it never settle.
 */
export function prefetch(requests: () => void): void {
  collecting = true;
  try {
    requests();
  } finally {
    collecting = false;
  }
}

/** The answer started ahead of time for this address and session, if still fresh; it is taken only once. */
function takeEarly(url: string, token: string | null): Promise<Response> | null {
  const entry = early.get(url);
  if (!entry) return null;
  early.delete(url);
  return entry.token === token && performance.now() - entry.at < PREFETCH_MS ? entry.response : null;
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
  const url = withQuery(path, options.query);
  const method = options.method ?? 'GET';

  if (collecting && method === 'GET') {
    const response = fetch(url, { method, headers });
    // an answer nobody takes is dropped; a failure is seen by the page that takes it
    response.catch(() => undefined);
    early.set(url, { token, at: performance.now(), response });
    return new Promise<T>(() => undefined);
  }

  let response: Response;
  try {
    const ahead = method === 'GET' ? takeEarly(url, token) : null;
    response = await (ahead ??
      fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      }));
    options.signal?.throwIfAborted();
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
