import { sql } from 'drizzle-orm';
import type { Clock } from '../core/clock.js';
import type { Database, Executor } from '../core/db.js';
import type { Scope } from '../accounts/scope.js';

/**
 * A change message of the live stream (实时推送). It names what changed, not its content: a client that
 * wants the content reads it through the API, where permissions and masking apply. Keep it small (PostgreSQL
 * NOTIFY carries at most 8,000 bytes) and free of personal data.
 */
export interface ChangeMessage {
  /** Dotted type, e.g. "event.dispatched", "notification.created". */
  type: string;
  /** Id of what changed (an event id …). */
  id?: string | number;
  /**
   * Materialised path of the grid the change belongs to ("/1/7/42/"): delivered to every subscriber whose data
   * scope covers it.
   */
  gridPath?: string;
  /** Delivered only to these users (their inbox changed …), whatever the grid. */
  userIds?: number[];
  /** ISO time of the change; publish() fills it from the clock when absent. */
  at: string;
  [extra: string]: unknown;
}

export type PublishInput = Omit<ChangeMessage, 'at'> & { at?: string | Date };

export interface Subscriber {
  userId: number;
  scope: Scope;
  send(message: ChangeMessage): void;
  /** Called when the stream shuts down (server closing). */
  close(): void;
}

/**
 * Who receives a message: the users it names, if it names any (and only them); else everyone whose scope
 * covers its grid; a message with neither reaches only those who see everything (administrators).
 */
export function reaches(message: ChangeMessage, subscriber: Pick<Subscriber, 'userId' | 'scope'>): boolean {
  if (message.userIds) return message.userIds.includes(subscriber.userId);
  if (typeof message.gridPath === 'string') return subscriber.scope.coversPath(message.gridPath);
  return subscriber.scope.all;
}

export const STREAM_CHANNEL = 'gezhi_stream';
/** NOTIFY's limit is 8,000 bytes; keep a margin. */
const MAX_MESSAGE_BYTES = 7_800;

/**
 * The live stream's bus. On PostgreSQL a message travels through NOTIFY so that subscribers connected to any
 * server process get it; each process LISTENs and fans out to its own subscribers. On PGlite (one process)
 * publish() fans out in process directly. publishIn(tx) uses NOTIFY on both engines, which PostgreSQL and
 * PGlite deliver only when the transaction commits.
 */
export class ChangeStream {
  private readonly subscribers = new Set<Subscriber>();
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly deps: { database: Database; clock: Clock; channel?: string }) {}

  private get channel(): string {
    return this.deps.channel ?? STREAM_CHANNEL;
  }

  async start(): Promise<void> {
    if (this.unlisten) return;
    this.unlisten = await this.deps.database.listen(this.channel, (payload) => {
      try {
        this.fanOut(JSON.parse(payload) as ChangeMessage);
      } catch {
        /* not one of ours */
      }
    });
  }

  /** Stop listening and end every subscriber's stream. */
  async stop(): Promise<void> {
    for (const subscriber of [...this.subscribers]) subscriber.close();
    this.subscribers.clear();
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    if (unlisten) await unlisten();
  }

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  subscriberCount(): number {
    return this.subscribers.size;
  }

  private complete(input: PublishInput): { message: ChangeMessage; text: string } {
    const at = input.at ?? this.deps.clock.now();
    const message = { ...input, at: at instanceof Date ? at.toISOString() : at } as ChangeMessage;
    const text = JSON.stringify(message);
    if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
      throw new Error(`change message of type ${message.type} is larger than ${MAX_MESSAGE_BYTES} bytes`);
    }
    return { message, text };
  }

  /** Publish a change after its transaction committed. */
  async publish(input: PublishInput): Promise<void> {
    const { message, text } = this.complete(input);
    if (this.deps.database.engine === 'pglite') {
      this.fanOut(message);
      return;
    }
    await this.deps.database.db.execute(sql`select pg_notify(${this.channel}, ${text})`);
  }

  /** Publish several committed changes at once: one NOTIFY statement on PostgreSQL, however many there are. */
  async publishMany(inputs: PublishInput[]): Promise<void> {
    if (inputs.length === 0) return;
    const completed = inputs.map((input) => this.complete(input));
    if (this.deps.database.engine === 'pglite') {
      for (const { message } of completed) this.fanOut(message);
      return;
    }
    const texts = JSON.stringify(completed.map(({ text }) => text));
    await this.deps.database.db.execute(
      sql`select pg_notify(${this.channel}, t) from jsonb_array_elements_text(${texts}::jsonb) as t`,
    );
  }

  /** Publish a change when (and only if) this transaction commits. */
  async publishIn(executor: Executor, input: PublishInput): Promise<void> {
    const { text } = this.complete(input);
    await executor.execute(sql`select pg_notify(${this.channel}, ${text})`);
  }

  private fanOut(message: ChangeMessage): void {
    for (const subscriber of this.subscribers) {
      if (!reaches(message, subscriber)) continue;
      try {
        subscriber.send(message);
      } catch {
        /* a broken connection is cleaned up by its close handler */
      }
    }
  }
}
