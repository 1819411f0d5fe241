import { ApiError, type Problem } from '../api/client';

/** The public (sign-in free) endpoints of the resident page; no session token is ever sent. */
export interface Bilingual {
  zh: string;
  en: string;
}

export interface PublicCategory {
  code: string;
  name: Bilingual;
  minors: { code: string; name: Bilingual }[];
}

export interface PublicMapFeature {
  type: 'Feature';
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown[] };
  properties: { name: string; level: string };
}

export interface PublicMap {
  type: 'FeatureCollection';
  bbox: [number, number, number, number] | null;
  features: PublicMapFeature[];
}

export interface RaiseBody {
  category: string;
  description: string;
  location: { lng: number; lat: number };
  address?: string;
  photos?: string[];
  name?: string;
  phone?: string;
  website?: string;
}

export interface Raised {
  number: string;
  followCode: string;
  state: string;
}

export interface PublicStep {
  action: string;
  state: string;
  at: string;
  by: Bilingual | null;
}

export interface PublicMatter {
  number: string;
  state: string;
  category: { code: string; name: Bilingual; major: Bilingual };
  submittedAt: string;
  closedAt: string | null;
  steps: PublicStep[];
  resultPhotos: { hash: string; url: string }[];
  rating: { score: number; comment: string | null } | null;
  canRate: boolean;
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { Accept: 'application/json, application/problem+json', ...(init.headers ?? {}) },
    });
  } catch (error) {
    throw new ApiError(0, 'network', null, error instanceof Error ? error.message : 'network error');
  }
  if (response.ok) return (await response.json()) as T;
  let problem: Problem | null = null;
  try {
    const body = (await response.json()) as Problem;
    if (typeof body.code === 'string') problem = body;
  } catch {
    // not JSON
  }
  throw new ApiError(response.status, problem?.code ?? `http_${response.status}`, problem, problem?.en ?? '');
}

export const publicApi = {
  categories: () => call<PublicCategory[]>('/api/public/categories'),
  map: () => call<PublicMap>('/api/public/map'),
  uploadPhoto: (file: Blob) =>
    call<{ hash: string; mime: string; size: number }>('/api/public/photos', {
      method: 'POST',
      headers: { 'Content-Type': file.type || 'application/octet-stream' },
      body: file,
    }),
  raise: (body: RaiseBody, idempotencyKey: string) =>
    call<Raised>('/api/public/matters', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      body: JSON.stringify(body),
    }),
  follow: (number: string, code: string) =>
    call<PublicMatter>(`/api/public/matters/${encodeURIComponent(number)}`, {
      headers: { 'X-Follow-Code': code },
    }),
  rate: (number: string, code: string, score: number, comment: string) =>
    call<PublicMatter>(`/api/public/matters/${encodeURIComponent(number)}/rating`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Follow-Code': code },
      body: JSON.stringify(comment ? { score, comment } : { score }),
    }),
};
