/**
 * 离线上报队列 The offline report queue: nothing the worker reports is lost. Every report is first written to
 * IndexedDB (its photos as Blobs, with an Idempotency-Key made here), then sent: photos uploaded, then
 * POST /api/events with the key. It leaves the queue only when the server answered 201/200; a network failure
 * (or a 5xx, a 401 of an expired session) keeps it waiting for the next try, a 4xx keeps it with the server's
 * words so the worker can fix or discard it. A retry with the same key never makes a second event: the server
 * answers it with the first answer.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { ApiError, api, type Problem } from '../api/client';
import { uploadAttachment } from '../events/api';
import { isRetryableStatus, reportBody, type ReportDraft } from './logic';

export type { ReportDraft, Urgency } from './logic';

export interface QueuedPhoto {
  name: string;
  type: string;
  blob: Blob;
  /** Set once uploaded, so that a retry does not upload it again. */
  hash?: string;
}

export type QueueState = 'waiting' | 'sending' | 'rejected';

export interface QueuedReport {
  /** The Idempotency-Key, made on the phone. */
  key: string;
  userId: number;
  createdAt: string;
  draft: ReportDraft;
  photos: QueuedPhoto[];
  state: QueueState;
  attempts: number;
  lastTriedAt?: string;
  /** The server's refusal (4xx), shown to the worker. */
  problem?: { status: number; code: string; zh: string; en: string } | null;
}

export interface ReportSent {
  id: number;
  number: string;
  state: string;
  grids: { code: string; level: string; name: string }[];
  followCode?: string;
}

interface QueueSchema extends DBSchema {
  reports: { key: string; value: QueuedReport; indexes: { byUser: number } };
}

let database: Promise<IDBPDatabase<QueueSchema>> | null = null;

function db(): Promise<IDBPDatabase<QueueSchema>> {
  database ??= openDB<QueueSchema>('gezhi-worker-app', 1, {
    upgrade(store) {
      const reports = store.createObjectStore('reports', { keyPath: 'key' });
      reports.createIndex('byUser', 'userId');
    },
  });
  return database;
}

/** A fresh Idempotency-Key (crypto.randomUUID needs a secure context; localhost and https are). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return `app-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `app-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** Is this failure worth another try later (see isRetryableStatus), or final? */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof ApiError) || isRetryableStatus(error.status);
}

export async function enqueue(
  userId: number,
  draft: ReportDraft,
  photos: { name: string; type: string; blob: Blob }[],
): Promise<QueuedReport> {
  const item: QueuedReport = {
    key: newIdempotencyKey(),
    userId,
    createdAt: new Date().toISOString(),
    draft,
    photos,
    state: 'waiting',
    attempts: 0,
    problem: null,
  };
  await (await db()).put('reports', item);
  return item;
}

export async function queued(userId: number): Promise<QueuedReport[]> {
  const items = await (await db()).getAllFromIndex('reports', 'byUser', userId);
  return items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function discard(key: string): Promise<void> {
  await (await db()).delete('reports', key);
}

/** Back to waiting (after the worker fixed the cause of a refusal, or wants to try now). */
export async function retryLater(key: string): Promise<void> {
  const store = await db();
  const item = await store.get('reports', key);
  if (item) await store.put('reports', { ...item, state: 'waiting', problem: null });
}

async function save(item: QueuedReport): Promise<void> {
  await (await db()).put('reports', item);
}

/** Sends one queued report. Answers what the server created, or null when it stays queued. */
export async function send(item: QueuedReport): Promise<ReportSent | null> {
  const current: QueuedReport = {
    ...item,
    state: 'sending',
    attempts: item.attempts + 1,
    lastTriedAt: new Date().toISOString(),
  };
  await save(current);
  try {
    for (const photo of current.photos) {
      if (photo.hash) continue;
      const file = new File([photo.blob], photo.name, { type: photo.type });
      photo.hash = (await uploadAttachment(file)).hash;
      await save(current);
    }
    const created = await postReport(
      reportBody(
        current.draft,
        current.photos.map((photo) => photo.hash!),
      ),
      current.key,
    );
    await discard(current.key);
    return created;
  } catch (error) {
    if (isRetryable(error)) {
      await save({ ...current, state: 'waiting' });
    } else {
      const problem = error instanceof ApiError ? error.problem : null;
      await save({
        ...current,
        state: 'rejected',
        problem: problemOf(error, problem),
      });
    }
    return null;
  }
}

function problemOf(error: unknown, problem: Problem | null): QueuedReport['problem'] {
  const status = error instanceof ApiError ? error.status : 0;
  const code = error instanceof ApiError ? error.code : 'unknown';
  if (!problem) {
    const text = error instanceof Error ? error.message : String(error);
    return { status, code, zh: text, en: text };
  }
  const fields = problem.errors ?? [];
  // the main sentence often repeats the only field's: each said once
  const unique = (texts: string[]) => [...new Set(texts.filter((text) => text))];
  return {
    status,
    code,
    zh: unique([problem.zh || problem.detail, ...fields.map((field) => field.zh || field.field)]).join('；'),
    en: unique([problem.en || problem.detail, ...fields.map((field) => field.en || field.field)]).join('; '),
  };
}

async function postReport(body: Record<string, unknown>, key: string): Promise<ReportSent> {
  return api<ReportSent>('/api/events', { method: 'POST', body, headers: { 'Idempotency-Key': key } });
}

export interface Delivered {
  key: string;
  sent: ReportSent;
}

let flushing: Promise<Delivered[]> | null = null;

/** Sends every waiting report of the user, one after the other; one flush at a time. */
export function flush(userId: number): Promise<Delivered[]> {
  // a report queued during a flush is sent by the next one, which starts when this one ends
  if (flushing) return flushing.then(() => flush(userId));
  flushing = (async () => {
    const sent: Delivered[] = [];
    try {
      for (const item of await queued(userId)) {
        if (item.state === 'rejected') continue;
        const created = await send(item);
        if (created) sent.push({ key: item.key, sent: created });
        // offline now: the rest waits for the next try
        else if (!navigator.onLine) break;
      }
    } finally {
      flushing = null;
    }
    return sent;
  })();
  return flushing;
}
