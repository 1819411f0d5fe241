import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { recordAudit, type Actor } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database, type Executor } from '../core/db.js';
import { errors } from '../core/errors.js';
import { exponentialBackoff, type Job, type JobRunner } from '../jobs/runner.js';
import type { DeliveryStatus } from './tables.js';

export const SIGNATURE_HEADER = 'x-gezhi-signature';
export const TIMESTAMP_HEADER = 'x-gezhi-timestamp';
export const DELIVER_JOB = 'webhook.deliver';

/** "sha256=<hex>": HMAC-SHA256 of the raw request body under the webhook's secret. */
export function signBody(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** What a receiver does: recompute the signature over the raw body and compare in constant time. */
export function verifySignature(
  secret: string,
  rawBody: string | Buffer,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Does a webhook subscribed to these types want this one? "*" all, "event.*" every "event.…" type. */
export function wantsType(eventTypes: readonly string[], type: string): boolean {
  return eventTypes.some(
    (wanted) =>
      wanted === '*' || wanted === type || (wanted.endsWith('.*') && type.startsWith(wanted.slice(0, -1))),
  );
}

export interface Webhook {
  id: number;
  url: string;
  eventTypes: string[];
  active: boolean;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export interface Delivery {
  id: number;
  webhookId: number;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface WebhookInput {
  url: string;
  eventTypes: string[];
  description?: string;
  active?: boolean;
  secret?: string;
}

interface WebhookRow {
  id: number;
  url: string;
  secret: string;
  event_types: string[];
  active: boolean;
  description: string;
  created_at: Date | string;
  updated_at: Date | string;
}

interface DeliveryRow {
  id: number | string;
  webhook_id: number;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date | string;
  delivered_at: Date | string | null;
}

function presentWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    active: row.active,
    description: row.description,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function presentDelivery(row: DeliveryRow): Delivery {
  return {
    id: Number(row.id),
    webhookId: row.webhook_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: new Date(row.created_at).toISOString(),
    deliveredAt: row.delivered_at === null ? null : new Date(row.delivered_at).toISOString(),
  };
}

/** A receiver's non-2xx answer (or none at all). */
class DeliveryError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

const WEBHOOK = { zh: 'Webhook', en: 'Webhook' };
const WEBHOOK_COLUMNS = sql.raw('id, url, secret, event_types, active, description, created_at, updated_at');
const DELIVERY_COLUMNS = sql.raw(
  'id, webhook_id, event_type, status, attempts, last_status_code, last_error, created_at, delivered_at',
);

function checkUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
    throw errors.invalid([
      { field: '/body/url', zh: '/body/url：须为 http(s) 地址', en: '/body/url: must be an http(s) URL' },
    ]);
  }
}

type DeliverPayload = { deliveryId: number };
type Performed = { statusCode: number } | { skipped: string };

export interface WebhookServiceDeps {
  database: Database;
  clock: Clock;
  jobs: JobRunner;
  /** Seconds a receiver has to answer. */
  timeoutMs?: number;
  maxAttempts?: number;
  /** Base of the exponential backoff between attempts (default 30 s, capped at 1 h). */
  backoffBaseMs?: number;
}

/**
 * 外部推送 outbound webhooks. dispatch() takes the caller's transaction and queues one delivery per subscribed
 * webhook as a job; the job POSTs the message, signed, and is retried with exponential backoff until it gets a
 * 2xx answer or runs out of attempts. The HTTP request runs outside any transaction.
 */
export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {
    const backoff = exponentialBackoff(deps.backoffBaseMs ?? 30_000, 3_600_000);
    deps.jobs.register<DeliverPayload, Performed>(DELIVER_JOB, {
      maxAttempts: deps.maxAttempts ?? 8,
      backoff,
      perform: (job) => this.send(job),
      run: async (tx, job, performed) => {
        const delivered = 'statusCode' in performed;
        await tx.execute(sql`
          update webhook_deliveries set status = ${delivered ? 'delivered' : 'failed'}, attempts = ${job.attempts},
            last_status_code = ${delivered ? performed.statusCode : null},
            last_error = ${delivered ? null : performed.skipped},
            delivered_at = ${delivered ? this.deps.clock.now() : null}
          where id = ${job.payload.deliveryId}`);
      },
      onFailure: async (tx, job, failure) => {
        const statusCode = failure.error instanceof DeliveryError ? failure.error.statusCode : null;
        await tx.execute(sql`
          update webhook_deliveries set status = ${failure.willRetry ? 'pending' : 'failed'},
            attempts = ${job.attempts}, last_status_code = ${statusCode}, last_error = ${failure.message}
          where id = ${job.payload.deliveryId}`);
      },
    });
  }

  private get db() {
    return this.deps.database.db;
  }

  /** Queue this message for every active webhook that wants its type; returns the delivery ids. */
  async dispatch(executor: Executor, type: string, data: Record<string, unknown>): Promise<number[]> {
    const hooks = rowsOf<{ id: number; event_types: string[] }>(
      await executor.execute(sql`select id, event_types from webhooks where active order by id`),
    ).filter((hook) => wantsType(hook.event_types, type));
    return this.queue(
      executor,
      hooks.map((hook) => hook.id),
      type,
      data,
    );
  }

  private async queue(
    executor: Executor,
    webhookIds: number[],
    type: string,
    data: Record<string, unknown>,
  ): Promise<number[]> {
    const now = this.deps.clock.now();
    const ids: number[] = [];
    for (const webhookId of webhookIds) {
      const [row] = rowsOf<{ id: number | string }>(
        await executor.execute(sql`
          insert into webhook_deliveries (webhook_id, event_type, data, created_at)
          values (${webhookId}, ${type}, ${JSON.stringify(data)}::jsonb, ${now})
          returning id`),
      );
      const deliveryId = Number(row!.id);
      const jobId = await this.deps.jobs.schedule<DeliverPayload>(executor, {
        kind: DELIVER_JOB,
        key: `delivery:${deliveryId}`,
        runAt: now,
        payload: { deliveryId },
      });
      await executor.execute(sql`update webhook_deliveries set job_id = ${jobId} where id = ${deliveryId}`);
      ids.push(deliveryId);
    }
    return ids;
  }

  /** One attempt: POST the signed body; a non-2xx answer throws, and the runner retries later. */
  private async send(job: Job<DeliverPayload>): Promise<Performed> {
    const [row] = rowsOf<{
      id: number | string;
      event_type: string;
      data: Record<string, unknown> | string;
      created_at: Date | string;
      url: string;
      secret: string;
      active: boolean;
    }>(
      await this.db.execute(sql`
        select d.id, d.event_type, d.data, d.created_at, w.url, w.secret, w.active
        from webhook_deliveries d join webhooks w on w.id = d.webhook_id
        where d.id = ${job.payload.deliveryId}`),
    );
    if (!row) return { skipped: 'delivery no longer exists' };
    if (!row.active) return { skipped: 'webhook was deactivated' };
    const timestamp = Math.floor(this.deps.clock.now().getTime() / 1000);
    // The timestamp is inside the signed body as well as in its header, so it cannot be changed unnoticed.
    const body = JSON.stringify({
      id: Number(row.id),
      type: row.event_type,
      createdAt: new Date(row.created_at).toISOString(),
      timestamp,
      attempt: job.attempts,
      data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
    });
    let response: Response;
    try {
      response = await fetch(row.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 10_000),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'gezhi-webhooks/1',
          'x-gezhi-event': row.event_type,
          'x-gezhi-delivery': String(row.id),
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signBody(row.secret, body),
        },
        body,
      });
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      throw new DeliveryError(`request failed: ${(error as Error).message}`, null);
    }
    if (response.status < 200 || response.status >= 300) {
      throw new DeliveryError(`receiver answered ${response.status}`, response.status);
    }
    return { statusCode: response.status };
  }

  // ---------------------------------------------------------------- administration

  async list(): Promise<Webhook[]> {
    const rows = rowsOf<WebhookRow>(
      await this.db.execute(sql`select ${WEBHOOK_COLUMNS} from webhooks order by id`),
    );
    return rows.map(presentWebhook);
  }

  private async row(executor: Executor, id: number): Promise<WebhookRow> {
    const [row] = rowsOf<WebhookRow>(
      await executor.execute(sql`select ${WEBHOOK_COLUMNS} from webhooks where id = ${id}`),
    );
    if (!row) throw errors.notFound(WEBHOOK, String(id));
    return row;
  }

  /** Register a webhook; the answer carries its secret, the only time it is shown. */
  async create(input: WebhookInput, actor: Actor): Promise<Webhook & { secret: string }> {
    checkUrl(input.url);
    const secret = input.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
    const now = this.deps.clock.now();
    const row = await this.db.transaction(async (tx) => {
      const [inserted] = rowsOf<WebhookRow>(
        await tx.execute(sql`
          insert into webhooks (url, secret, event_types, active, description, created_at, updated_at)
          values (${input.url}, ${secret}, ${`{${input.eventTypes.map((type) => JSON.stringify(type)).join(',')}}`}::text[],
            ${input.active ?? true}, ${input.description ?? ''}, ${now}, ${now})
          returning ${WEBHOOK_COLUMNS}`),
      );
      await recordAudit(tx, actor, now, [
        {
          action: 'webhook.create',
          entity: 'webhook',
          entityKey: String(inserted!.id),
          detail: { url: input.url, eventTypes: input.eventTypes },
        },
      ]);
      return inserted!;
    });
    return { ...presentWebhook(row), secret };
  }

  async update(id: number, patch: Partial<WebhookInput>, actor: Actor): Promise<Webhook> {
    if (patch.url !== undefined) checkUrl(patch.url);
    const now = this.deps.clock.now();
    const row = await this.db.transaction(async (tx) => {
      const current = await this.row(tx, id);
      const eventTypes = patch.eventTypes ?? current.event_types;
      const [updated] = rowsOf<WebhookRow>(
        await tx.execute(sql`
          update webhooks set url = ${patch.url ?? current.url}, secret = ${patch.secret ?? current.secret},
            event_types = ${`{${eventTypes.map((type) => JSON.stringify(type)).join(',')}}`}::text[],
            active = ${patch.active ?? current.active}, description = ${patch.description ?? current.description},
            updated_at = ${now}
          where id = ${id}
          returning ${WEBHOOK_COLUMNS}`),
      );
      const { secret, ...shown } = patch;
      await recordAudit(tx, actor, now, [
        {
          action: 'webhook.update',
          entity: 'webhook',
          entityKey: String(id),
          detail: { ...shown, ...(secret !== undefined ? { secretChanged: true } : {}) },
        },
      ]);
      return updated!;
    });
    return presentWebhook(row);
  }

  async deliveries(
    webhookId: number,
    page: { page: number; pageSize: number },
  ): Promise<{ items: Delivery[]; total: number }> {
    await this.row(this.db, webhookId);
    const rows = rowsOf<DeliveryRow>(
      await this.db.execute(sql`
        select ${DELIVERY_COLUMNS} from webhook_deliveries where webhook_id = ${webhookId}
        order by id desc limit ${page.pageSize} offset ${(page.page - 1) * page.pageSize}`),
    );
    const [count] = rowsOf<{ n: number }>(
      await this.db.execute(
        sql`select count(*)::int as n from webhook_deliveries where webhook_id = ${webhookId}`,
      ),
    );
    return { items: rows.map(presentDelivery), total: count?.n ?? 0 };
  }

  async delivery(id: number): Promise<Delivery | undefined> {
    const [row] = rowsOf<DeliveryRow>(
      await this.db.execute(sql`select ${DELIVERY_COLUMNS} from webhook_deliveries where id = ${id}`),
    );
    return row ? presentDelivery(row) : undefined;
  }

  /** Queue a "ping" to this webhook (even an inactive one is refused: it would not be sent). */
  async ping(id: number, actor: Actor): Promise<Delivery> {
    const now = this.deps.clock.now();
    const deliveryId = await this.db.transaction(async (tx) => {
      const hook = await this.row(tx, id);
      if (!hook.active) {
        throw errors.conflict('webhook_inactive', '该 Webhook 已停用', 'This webhook is not active');
      }
      const [queued] = await this.queue(tx, [id], 'ping', { webhookId: id });
      await recordAudit(tx, actor, now, [
        { action: 'webhook.ping', entity: 'webhook', entityKey: String(id) },
      ]);
      return queued!;
    });
    return (await this.delivery(deliveryId))!;
  }
}
