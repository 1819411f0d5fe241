import { api, ApiError, tokenStore, type Problem } from '../api/client';
import type { Bilingual } from '../grids/api';
import type { EventDeadline } from './logic';

export interface GridLink {
  code: string;
  level: string;
  name: string;
}

export interface EventSummary {
  id: number;
  number: string;
  source: string;
  categoryCode: string;
  title: string;
  state: string;
  urgency: string;
  difficulty: string;
  location: { lng: number; lat: number };
  address: string | null;
  grids: GridLink[];
  assignedDepartmentId: number | null;
  handlingGridCode: string | null;
  possibleDuplicateOf: number | null;
  duplicateFlag: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Present once the deadlines module adds it to the list. */
  deadlines?: EventDeadline[];
}

export interface TimelineEntry {
  action: string;
  fromState: string | null;
  toState: string;
  actor: { userId: number | null; name: string; role: string | null };
  at: string;
  note: string | null;
  data: Record<string, unknown>;
}

export interface EventDetail extends EventSummary {
  description: string;
  version: number;
  category: {
    code: string;
    name: Bilingual;
    filingStandards: Bilingual[];
    closingStandards: Bilingual[];
  } | null;
  reporter: { userId: number | null; name: string | null; phone: string | null };
  hotlineTicket: string | null;
  claimedBy: number | null;
  selfHandled: boolean;
  suggestion: { departmentId?: number; handlingGridCode?: string; reasons: Bilingual[] } | null;
  pendingRequest: Record<string, unknown> | null;
  rating: { score: number; comment: string | null } | null;
  attachments: { hash: string; mime: string; size: number; url: string }[];
  timeline: TimelineEntry[];
  actions: string[];
}

export interface Category {
  code: string;
  parentCode: string | null;
  level: number;
  name: Bilingual;
  filingStandards: Bilingual[];
  closingStandards: Bilingual[];
  active: boolean;
  children?: Category[];
}

export interface Department {
  id: number;
  name: string;
  nameEn: string | null;
  gridCode: string;
  /** The department's users (GET /api/departments lists them). */
  users?: { id: number; username: string; displayName: string }[];
}

export interface EventQuery {
  state?: string;
  grid?: string;
  category?: string;
  source?: string;
  q?: string;
  createdFrom?: string;
  createdTo?: string;
  page?: number;
  pageSize?: number;
}

export interface CreateEventBody {
  source: string;
  categoryCode: string;
  title: string;
  description?: string;
  location: { lng: number; lat: number };
  address?: string;
  attachments?: string[];
  /** 代群众上报: the resident reported for; the answer then carries the resident's follow code for /r. */
  resident?: { name?: string; phone: string };
}

/** GET /api/events/stats: the dashboard's counters over the events the user may see. */
export interface EventStats {
  total: number;
  today: number;
  open: number;
  overdue: number;
  periodTotal: number;
  periodDone: number;
  byState: Record<string, number>;
}

export const eventApi = {
  stats: (query: { todayFrom: string; periodFrom: string }, signal?: AbortSignal) =>
    api<EventStats>('/api/events/stats', { query, signal }),
  list: (query: EventQuery, signal?: AbortSignal) =>
    api<{ items: EventSummary[]; total: number }>('/api/events', { query: { ...query }, signal }),
  get: (id: number, signal?: AbortSignal) => api<EventDetail>(`/api/events/${id}`, { signal }),
  act: (id: number, action: string, body: Record<string, unknown>) =>
    api<EventDetail>(`/api/events/${id}/actions/${action}`, { method: 'POST', body }),
  report: (body: CreateEventBody) =>
    api<{ id: number; number: string; state: string; grids: GridLink[]; followCode?: string }>(
      '/api/events',
      {
        method: 'POST',
        body,
      },
    ),
  categories: (signal?: AbortSignal) =>
    api<Category[]>('/api/categories', { query: { active: true }, signal }),
  departments: (signal?: AbortSignal) => api<{ items: Department[] }>('/api/departments', { signal }),
};

/**
 * A photo as the raw body of POST /api/attachments (the client's api() sends JSON only); answers the hash to name
 * in the report.
 */
export async function uploadAttachment(file: File): Promise<{ hash: string; url: string }> {
  const token = tokenStore.get();
  const response = await fetch('/api/attachments', {
    method: 'POST',
    headers: {
      'Content-Type': file.type || 'application/octet-stream',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: file,
  });
  const body = (await response.json().catch(() => null)) as {
    hash: string;
    url: string;
    zh?: string;
    en?: string;
  } | null;
  if (!response.ok || !body) {
    const problem = body && 'code' in body ? (body as unknown as Problem) : null;
    throw new ApiError(
      response.status,
      problem?.code ?? `http_${response.status}`,
      problem,
      problem?.en ?? response.statusText,
    );
  }
  return body;
}

/** An attachment's bytes through the API (the <img> tag cannot send the bearer token). */
export async function attachmentUrl(url: string): Promise<string> {
  const token = tokenStore.get();
  const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`${response.status}`);
  return URL.createObjectURL(await response.blob());
}

/** The live stream's address: EventSource cannot send headers, so the token rides in the query. */
export function streamUrl(): string {
  const token = tokenStore.get();
  return `/api/stream${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
