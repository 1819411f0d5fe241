import { sql } from 'drizzle-orm';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database, type Executor } from '../core/db.js';
import { errors } from '../core/errors.js';
import type { AuthUser } from '../accounts/auth.js';
import { isRole, type Role } from '../accounts/roles.js';
import type { ChangeStream } from './stream.js';

/** What a notification says; the same message goes to every recipient. */
export interface NotificationMessage {
  /** Dotted kind, e.g. "event.dispatched". */
  kind: string;
  title: { zh: string; en: string };
  body?: { zh: string; en: string };
  /** Where the console takes the reader, e.g. "/events/42". */
  link?: string | null;
  /** Ids and facts the client may need (an event id …); no personal data beyond what the title says. */
  data?: Record<string, unknown>;
}

export interface RoleInGridsTarget {
  /** Users holding any of these roles … */
  roles: readonly Role[];
  /** … bound to one of these grids or to an ancestor of one (materialised paths "/1/7/42/") … */
  gridPaths?: readonly string[];
  /** … or of these grid ids (resolved to their paths). */
  gridIds?: readonly number[];
  /** Left out even if they match (the person who acted, say). */
  exceptUserIds?: readonly number[];
}

export interface Notification {
  id: number;
  kind: string;
  title: { zh: string; en: string };
  body: { zh: string; en: string };
  link: string | null;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

interface NotificationRow {
  id: number | string;
  kind: string;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  link: string | null;
  data: Record<string, unknown> | string;
  created_at: Date | string;
  read_at: Date | string | null;
}

function present(row: NotificationRow): Notification {
  return {
    id: Number(row.id),
    kind: row.kind,
    title: { zh: row.title_zh, en: row.title_en },
    body: { zh: row.body_zh, en: row.body_en },
    link: row.link,
    data: typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : row.data,
    createdAt: new Date(row.created_at).toISOString(),
    readAt: row.read_at === null ? null : new Date(row.read_at).toISOString(),
  };
}

const NOTIFICATION = { zh: '通知', en: 'Notification' };
/** Recipients per live message: keeps a NOTIFY payload well under its 8,000 bytes. */
const USER_IDS_PER_MESSAGE = 500;

function integerArray(values: Iterable<number>): string {
  const list = [...new Set(values)].filter((value) => Number.isSafeInteger(value));
  return `{${list.join(',')}}`;
}

/**
 * 站内通知 the in-app inbox. notify() and notifyRoleInGrids() take the caller's transaction: the notification
 * exists exactly when the change it tells of was committed, and the recipients' live streams hear of it on
 * commit ("notification.created" addressed to them).
 */
export class NotificationService {
  constructor(private readonly deps: { database: Database; clock: Clock; stream: ChangeStream }) {}

  /** Put a message in these users' inboxes; returns how many were written. */
  async notify(
    executor: Executor,
    recipients: readonly number[],
    message: NotificationMessage,
  ): Promise<number> {
    const userIds = [...new Set(recipients)].filter((id) => Number.isSafeInteger(id));
    if (userIds.length === 0) return 0;
    const at = this.deps.clock.now();
    const rows = rowsOf<{ user_id: number }>(
      await executor.execute(sql`
        insert into notifications (user_id, kind, title_zh, title_en, body_zh, body_en, link, data, created_at)
        select u.id, ${message.kind}, ${message.title.zh}, ${message.title.en}, ${message.body?.zh ?? ''},
          ${message.body?.en ?? ''}, ${message.link ?? null}, ${JSON.stringify(message.data ?? {})}::jsonb, ${at}
        from users u
        where u.id = any(${integerArray(userIds)}::int[])
        returning user_id`),
    );
    const written = rows.map((row) => row.user_id);
    for (let i = 0; i < written.length; i += USER_IDS_PER_MESSAGE) {
      await this.deps.stream.publishIn(executor, {
        type: 'notification.created',
        kind: message.kind,
        userIds: written.slice(i, i + USER_IDS_PER_MESSAGE),
        at,
      });
    }
    return written.length;
  }

  /**
   * The users of these roles responsible for these grids: bound to the grid itself or to one of its
   * ancestors (a street's command centre covers every micro-grid of the street). Administrators, who are
   * bound to nothing and see everything, are included when `admin` is one of the roles. Disabled users never.
   */
  async recipientsByRoleInGrids(executor: Executor, target: RoleInGridsTarget): Promise<number[]> {
    const roles = target.roles.filter(isRole);
    if (roles.length === 0) return [];
    const paths = [...(target.gridPaths ?? [])];
    if (target.gridIds && target.gridIds.length > 0) {
      const rows = rowsOf<{ path: string }>(
        await executor.execute(
          sql`select path from grids where id = any(${integerArray(target.gridIds)}::int[])`,
        ),
      );
      paths.push(...rows.map((row) => row.path));
    }
    const roleArray = `{${roles.join(',')}}`;
    const rows = rowsOf<{ id: number }>(
      await executor.execute(sql`
        select u.id from users u
        where not u.disabled and u.roles && ${roleArray}::text[]
          and not u.id = any(${integerArray(target.exceptUserIds ?? [])}::int[])
          and (
            (${roles.includes('admin')}::boolean and 'admin' = any(u.roles))
            or exists (
              select 1 from user_grids ug join grids g on g.id = ug.grid_id
              join jsonb_array_elements_text(${JSON.stringify(paths)}::jsonb) as target(path)
                on target.path like g.path || '%'
              where ug.user_id = u.id)
          )
        order by u.id`),
    );
    return rows.map((row) => row.id);
  }

  /** notify() the users of these roles responsible for these grids; returns the recipients. */
  async notifyRoleInGrids(
    executor: Executor,
    target: RoleInGridsTarget & { message: NotificationMessage },
  ): Promise<number[]> {
    const recipients = await this.recipientsByRoleInGrids(executor, target);
    await this.notify(executor, recipients, target.message);
    return recipients;
  }

  // ---------------------------------------------------------------- the reader's inbox

  async list(
    user: AuthUser,
    query: { unread?: boolean; page: number; pageSize: number },
  ): Promise<{ items: Notification[]; total: number; unread: number }> {
    const { db } = this.deps.database;
    const filter = query.unread ? sql`and read_at is null` : sql``;
    const rows = rowsOf<NotificationRow>(
      await db.execute(sql`
        select id, kind, title_zh, title_en, body_zh, body_en, link, data, created_at, read_at
        from notifications where user_id = ${user.id} ${filter}
        order by created_at desc, id desc
        limit ${query.pageSize} offset ${(query.page - 1) * query.pageSize}`),
    );
    const [counts] = rowsOf<{ total: number; unread: number }>(
      await db.execute(sql`
        select count(*) filter (where true ${filter})::int as total,
          count(*) filter (where read_at is null)::int as unread
        from notifications where user_id = ${user.id}`),
    );
    return { items: rows.map(present), total: counts?.total ?? 0, unread: counts?.unread ?? 0 };
  }

  /** Mark one of the reader's notifications read; another user's is answered as absent. */
  async markRead(user: AuthUser, id: number): Promise<Notification> {
    const { db } = this.deps.database;
    const at = this.deps.clock.now();
    const [row] = rowsOf<NotificationRow>(
      await db.execute(sql`
        update notifications set read_at = coalesce(read_at, ${at})
        where id = ${id} and user_id = ${user.id}
        returning id, kind, title_zh, title_en, body_zh, body_en, link, data, created_at, read_at`),
    );
    if (!row) throw errors.notFound(NOTIFICATION, String(id));
    await this.deps.stream.publish({ type: 'notification.read', userIds: [user.id], id, at });
    return present(row);
  }

  async markAllRead(user: AuthUser): Promise<{ updated: number }> {
    const at = this.deps.clock.now();
    const rows = rowsOf(
      await this.deps.database.db.execute(sql`
        update notifications set read_at = ${at} where user_id = ${user.id} and read_at is null
        returning id`),
    );
    if (rows.length > 0)
      await this.deps.stream.publish({ type: 'notification.read', userIds: [user.id], at });
    return { updated: rows.length };
  }
}
