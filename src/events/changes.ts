import { rowsOf, type Database } from '../core/db.js';
import { sql } from 'drizzle-orm';
import type { ChangeStream } from '../notifications/stream.js';
import type { WebhookService } from '../notifications/webhooks.js';
import type { EventAction } from './machine.js';
import type { EventChange } from './service.js';

/**
 * Names of event change messages, on the live stream (GET /api/stream) and on outbound webhooks alike: always
 * `event.<what>`, where <what> is
 *   - `reported`: a report was filed (intake, any source);
 *   - an action of the state machine (`claim`, `accept`, `dispatch`, `handle`, `close`, … as in EVENT_ACTIONS):
 *     someone acted on the event;
 *   - `escalated`: a stage deadline passed or climbed a level of the escalation ladder (E4), without a person;
 *   - `supervised`: a long-pending event was re-dispatched under supervision (督办).
 * A message says which event changed (id, gridPath, state, at), not the whole event: a client reads it again.
 * Clients that only refresh should match the prefix `event.`. (Before this scheme, escalation and supervision were
 * both sent as `event.changed`.)
 */
export type EventChangeWhat = 'reported' | 'escalated' | 'supervised' | EventAction;

export function eventChangeType(what: EventChangeWhat): `event.${EventChangeWhat}` {
  return `event.${what}`;
}

export interface ChangeFanOut {
  (change: EventChange): void;
  /** Resolves once everything handed in so far has been published (tests, shutdown). */
  settled(): Promise<void>;
}

/**
 * Carries committed event changes to the live stream (dashboards) and to outbound webhooks. Changes that arrive
 * in the same turn of the event loop go out together — one NOTIFY statement, one webhook transaction — so a burst
 * of reports does not add a query per report. Webhook deliveries are queued just after the change commits: a
 * crash in between loses that delivery (not the event), which the webhook's own retries cannot cover.
 */
export function eventChangeFanOut(deps: {
  database: Database;
  stream: ChangeStream;
  webhooks: WebhookService;
  onError?: (error: unknown) => void;
}): ChangeFanOut {
  let pending: EventChange[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let scheduled = false;

  async function flush(changes: EventChange[]): Promise<void> {
    await deps.stream.publishMany(changes.map((change) => ({ ...change })));
    const [hooks] = rowsOf<{ count: number }>(
      await deps.database.db.execute(sql`select count(*)::int as count from webhooks where active`),
    );
    if (!hooks || hooks.count === 0) return;
    await deps.database.db.transaction(async (tx) => {
      for (const change of changes) await deps.webhooks.dispatch(tx, change.type, { ...change });
    });
  }

  const fanOut = ((change: EventChange) => {
    pending.push(change);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const changes = pending;
      pending = [];
      flushing = flushing.then(() => flush(changes)).catch((error: unknown) => deps.onError?.(error));
    });
  }) as ChangeFanOut;
  fanOut.settled = async () => {
    while (scheduled || pending.length > 0) await new Promise((resolve) => setImmediate(resolve));
    await flushing;
  };
  return fanOut;
}
