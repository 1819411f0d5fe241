/**
 * The phone app's decisions as pure functions (no React, no IndexedDB, no fetch), tested in node
 * (test/e2e/app.test.ts): the report's request body, which failures are tried again, photo scaling.
 */

export type Urgency = 'normal' | 'urgent' | 'critical';

/** What the report form collects (the POST body without the photos' hashes). */
export interface ReportDraft {
  categoryCode: string;
  title: string;
  description?: string;
  urgency: Urgency;
  location: { lng: number; lat: number };
  /** Metres, as the phone measured it; not sent. */
  accuracy?: number;
  address?: string;
  /** 代群众上报: only when the worker filled it in. */
  resident?: { name?: string; phone?: string };
}

/** The body of POST /api/events: the resident only when a name or phone was given, never an empty object. */
export function reportBody(draft: ReportDraft, attachments: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {
    source: 'patrol',
    categoryCode: draft.categoryCode,
    title: draft.title.trim(),
    urgency: draft.urgency,
    location: { lng: draft.location.lng, lat: draft.location.lat },
  };
  if (draft.description?.trim()) body.description = draft.description.trim();
  if (draft.address?.trim()) body.address = draft.address.trim();
  const name = draft.resident?.name?.trim();
  const phone = draft.resident?.phone?.trim();
  if (name || phone) body.resident = { ...(name ? { name } : {}), ...(phone ? { phone } : {}) };
  if (attachments.length > 0) body.attachments = attachments;
  return body;
}

/**
 * Is a failed send worth another try later — no network (status 0), server trouble (5xx), an expired session (401,
 * sent after signing in again), a timeout or rate limit — or is it final (any other 4xx: the worker must fix or
 * discard the report)?
 */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status >= 500 || status === 401 || status === 408 || status === 429;
}

/** The longer side of a photo after scaling; enough to read a sign or a meter. */
export const MAX_SIDE = 1600;

/** Width and height after scaling the longer side down to `max` (never up). */
export function scaledSize(width: number, height: number, max = MAX_SIDE): { width: number; height: number } {
  const longer = Math.max(width, height);
  if (longer <= max) return { width, height };
  const factor = max / longer;
  return { width: Math.round(width * factor), height: Math.round(height * factor) };
}
