/**
 * 群众提事 the resident page's side of the closed loop (P1, D2): a resident raises a matter without an account,
 * follows it by number and follow code, and rates the result. Matters go through the one events intake (source
 * `resident`) under a service account that cannot sign in; what a resident sees of the timeline is only its public
 * steps, each named by the office that took it, never by a person.
 */
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { AuthUser } from '../accounts/auth.js';
import { ROLE_NAMES, isRole } from '../accounts/roles.js';
import { Scope } from '../accounts/scope.js';
import { users } from '../accounts/tables.js';
import type { Clock } from '../core/clock.js';
import type { PublicLimits } from '../core/config.js';
import { rowsOf, type Database } from '../core/db.js';
import { AppError, errors } from '../core/errors.js';
import { sniffType } from '../events/files.js';
import type { EventService } from '../events/service.js';
import type { CreateEventBody } from '../events/schema.js';
import type { GridService } from '../grids/service.js';
import type { DataProtector } from '../people/protection.js';
import { followCode, followCodeMatches, loadFollowSecret } from './follow.js';
import type {
  PublicCategoriesValue,
  PublicMapValue,
  PublicMatterValue,
  RaiseMatterBody,
  RateMatterBody,
} from './schema.js';

export interface ResidentServiceDeps {
  database: Database;
  clock: Clock;
  events: EventService;
  grids: GridService;
  /** The phone's keyed look-up hash is the one stored with events (reporter_phone_hash). */
  protector: () => DataProtector;
  limits: PublicLimits;
  /** GEZHI_FOLLOW_SECRET, or undefined to keep a generated one in the settings table. */
  followSecret: string | undefined;
}

/** The account public matters are filed under: no password, disabled, role resident (it can only rate). */
export const PUBLIC_USERNAME = 'public-resident';
const MATTER = { zh: '事项', en: 'Matter' };
/** Steps of the timeline a resident sees; the rest (claims, returns, requests) are the offices' own business. */
const PUBLIC_ACTIONS = new Set([
  'reported',
  'accept',
  'decline',
  'request_field_check',
  'dispatch',
  'start',
  'handle',
  'self_handle',
  'verify',
  'rework',
  'close',
  'rate',
  'approve',
  'resume',
]);
/** Steps whose photos show the result. */
const RESULT_ACTIONS = new Set(['handle', 'self_handle', 'verify', 'close']);
const PUBLIC_CACHE_MS = 5 * 60_000;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic']);

interface EventRow {
  id: number;
  number: string;
  state: string;
  categoryCode: string;
  gridChain: { id: number; code: string; level: string; name: string }[];
  gridPath: string;
  handlingGridPath: string | null;
  createdAt: string;
  closedAt: string | null;
  rating: number | null;
  ratingComment: string | null;
}

export class ResidentService {
  private secret: Promise<Buffer> | null = null;
  private publicUser: Promise<AuthUser> | null = null;
  /** sha256(ip | description) → when, and under which Idempotency-Key, it was last raised. In memory per server. */
  private readonly recent = new Map<string, { at: number; key: string | null }>();
  private mapCache: { at: number; value: PublicMapValue } | null = null;
  private categoriesCache: { at: number; value: PublicCategoriesValue } | null = null;

  constructor(private readonly deps: ResidentServiceDeps) {}

  private get db() {
    return this.deps.database.db;
  }

  get photoBytes(): number {
    return this.deps.limits.photoBytes;
  }

  private followSecret(): Promise<Buffer> {
    this.secret ??= loadFollowSecret(this.db, this.deps.followSecret).catch((error: unknown) => {
      this.secret = null;
      throw error;
    });
    return this.secret;
  }

  /** 查询码 of an event: for the answer to a raise and to a report on behalf of a resident (代群众上报). */
  async followCodeOf(eventId: number): Promise<string> {
    return followCode(await this.followSecret(), eventId);
  }

  private account(): Promise<AuthUser> {
    this.publicUser ??= (async () => {
      await this.db
        .insert(users)
        .values({
          username: PUBLIC_USERNAME,
          displayName: '群众',
          passwordHash: '!',
          roles: ['resident'],
          disabled: true,
        })
        .onConflictDoNothing();
      const [row] = await this.db.select().from(users).where(eq(users.username, PUBLIC_USERNAME));
      return {
        id: row!.id,
        username: row!.username,
        displayName: row!.displayName,
        roles: ['resident'],
        gridCodes: [],
        scope: Scope.of([]),
      } satisfies AuthUser;
    })().catch((error: unknown) => {
      this.publicUser = null;
      throw error;
    });
    return this.publicUser;
  }

  // ── raise ───────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Files the matter through the events intake and answers once it is committed. With an Idempotency-Key a retry
   * answers the same number and code; the abuse checks then do not apply again.
   */
  async raise(body: RaiseMatterBody, ip: string, idempotencyKey: string | undefined) {
    if (body.website !== undefined && body.website.trim() !== '') {
      // 蜜罐 the hidden field was filled: a robot. Nothing is written.
      throw errors.unprocessable('refused', '提交未被受理', 'The submission was refused');
    }
    const user = await this.account();
    const categoryCode = await this.minorOf(body.category);
    const chain = this.deps.grids.locate(body.location.lng, body.location.lat);
    if (chain.length === 0) {
      throw errors.unprocessable(
        'outside_street',
        '该位置不在本街道范围内，请在地图上重新选点',
        'The point lies outside our street; place the pin on the map again',
        [{ field: '/body/location', zh: '位置不在本街道范围内', en: 'outside the street' }],
      );
    }
    const key = idempotencyKey !== undefined ? `public:${idempotencyKey}` : undefined;
    const retry = key !== undefined && (await this.keyUsed(user.id, key));
    const description = body.description.trim();
    const repeatKey = createHash('sha256')
      .update(`${ip}\u0000${description.replace(/\s+/g, ' ')}`)
      .digest('hex');
    if (!retry) {
      this.checkRepeat(repeatKey, key ?? null);
      if (body.phone !== undefined) await this.checkPhoneCap(body.phone);
    }
    const report = {
      source: 'resident',
      categoryCode,
      title: [...description.replace(/\s+/g, ' ')].slice(0, 40).join(''),
      description,
      location: body.location,
      ...(body.address ? { address: body.address } : {}),
      ...(body.name ? { reporterName: body.name } : {}),
      ...(body.phone ? { reporterPhone: body.phone } : {}),
      ...(body.photos && body.photos.length > 0 ? { attachments: body.photos } : {}),
    };
    // (the schema's union of sources types as never here; hotline/service.ts casts the same way)
    const created = await this.deps.events.report(report as unknown as CreateEventBody, user, key);
    this.remember(repeatKey, key ?? null);
    return { number: created.number, followCode: await this.followCodeOf(created.id), state: created.state };
  }

  /** A major class files under its first active minor class (the centre reclassifies at acceptance if needed). */
  private async minorOf(code: string): Promise<string> {
    const rows = rowsOf<{ code: string }>(
      await this.db.execute(sql`
        select code from event_categories
        where active and level = 2 and (code = ${code} or parent_code = ${code})
        order by (code = ${code}) desc, rank, code limit 1`),
    );
    const found = rows[0]?.code;
    if (!found) {
      throw errors.unprocessable('unknown_category', '请选择有效的问题类别', 'Choose a valid category', [
        { field: '/body/category', zh: '类别不存在或已停用', en: 'no such active category' },
      ]);
    }
    return found;
  }

  private async keyUsed(userId: number, key: string): Promise<boolean> {
    const rows = rowsOf<{ n: number }>(
      await this.db.execute(sql`
        select count(*)::int as n from event_idempotency_keys where client = ${`u${userId}`} and key = ${key}`),
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  private checkRepeat(repeatKey: string, key: string | null): void {
    const windowMs = this.deps.limits.repeatMinutes * 60_000;
    const now = this.deps.clock.now().getTime();
    // forget what has left the window, so the map stays small
    for (const [stored, entry] of this.recent) if (now - entry.at > windowMs) this.recent.delete(stored);
    const earlier = this.recent.get(repeatKey);
    if (earlier && now - earlier.at <= windowMs && (key === null || earlier.key !== key)) {
      throw errors.conflict(
        'repeated_matter',
        `相同的内容刚刚已提交过，请勿重复提交（${this.deps.limits.repeatMinutes} 分钟内）`,
        `The same matter was just raised; please do not submit it again (within ${this.deps.limits.repeatMinutes} minutes)`,
      );
    }
  }

  private remember(repeatKey: string, key: string | null): void {
    if (this.deps.limits.repeatMinutes > 0) {
      this.recent.set(repeatKey, { at: this.deps.clock.now().getTime(), key });
    }
  }

  private async checkPhoneCap(phone: string): Promise<void> {
    const hash = this.deps.protector().lookupHash('phone', phone);
    const since = new Date(this.deps.clock.now().getTime() - 24 * 3600_000);
    const rows = rowsOf<{ n: number }>(
      await this.db.execute(sql`
        select count(*)::int as n from events
        where reporter_phone_hash = ${hash} and source = 'resident' and created_at > ${since.toISOString()}::timestamptz`),
    );
    if (Number(rows[0]?.n ?? 0) >= this.deps.limits.phonePerDay) {
      throw errors.tooMany(
        `该手机号今天已提交 ${this.deps.limits.phonePerDay} 件事项，请明天再提交或拨打 12345`,
        `This phone number has raised ${this.deps.limits.phonePerDay} matters today; try tomorrow or call 12345`,
      );
    }
  }

  /** A photo for a matter: images only, smaller than staff attachments. */
  async uploadPhoto(bytes: Buffer) {
    if (bytes.length > this.deps.limits.photoBytes) {
      throw new AppError(
        413,
        'too_large',
        `照片不能超过 ${Math.floor(this.deps.limits.photoBytes / 1024 / 1024)} MB`,
        `The photo is larger than ${this.deps.limits.photoBytes} bytes`,
      );
    }
    const mime = sniffType(bytes);
    if (!mime || !IMAGE_TYPES.has(mime)) {
      throw new AppError(
        415,
        'unsupported_type',
        '只接受 JPEG、PNG、WebP、HEIC 照片',
        'Only JPEG, PNG, WebP and HEIC photos are accepted',
      );
    }
    const stored = await this.deps.events.upload(bytes, await this.account());
    return { hash: stored.hash, mime: stored.mime, size: stored.size };
  }

  // ── follow ──────────────────────────────────────────────────────────────────────────────────────────────

  /** The event of this number if the code is its follow code; otherwise the same 404 as for an unknown number. */
  private async verified(number: string, code: string | undefined): Promise<EventRow> {
    const rows = rowsOf<EventRow>(
      await this.db.execute(sql`
        select id, number, state, category_code as "categoryCode", grid_chain as "gridChain", grid_path as "gridPath",
          handling_grid_path as "handlingGridPath", created_at as "createdAt", closed_at as "closedAt", rating,
          rating_comment as "ratingComment"
        from events where number = ${number}`),
    );
    const secret = await this.followSecret();
    const row = rows[0];
    // compare even when the number is unknown, so that timing does not tell the two apart
    const ok = followCodeMatches(secret, row?.id ?? 0, code ?? '');
    if (!row || !ok) throw errors.notFound(MATTER, number);
    return row;
  }

  async follow(number: string, code: string | undefined): Promise<PublicMatterValue> {
    const row = await this.verified(number, code);
    return this.present(row);
  }

  private async present(row: EventRow): Promise<PublicMatterValue> {
    const timeline = rowsOf<{
      action: string;
      toState: string;
      at: string;
      actorUserId: number | null;
      actorRole: string | null;
      data: Record<string, unknown>;
    }>(
      await this.db.execute(sql`
        select action, to_state as "toState", at, actor_user_id as "actorUserId", actor_role as "actorRole", data
        from event_timeline where event_id = ${row.id} order by id`),
    );
    const steps = timeline.filter((entry) => PUBLIC_ACTIONS.has(entry.action));
    const names = await this.officeNames(row, steps);
    const categories = rowsOf<{ code: string; nameZh: string; nameEn: string }>(
      await this.db.execute(sql`
        select code, name_zh as "nameZh", name_en as "nameEn" from event_categories
        where code in (${row.categoryCode}, ${row.categoryCode.slice(0, 2)})`),
    );
    const minor = categories.find((c) => c.code === row.categoryCode);
    const major = categories.find((c) => c.code === row.categoryCode.slice(0, 2));
    const photos = [
      ...new Set(
        timeline
          .filter((entry) => RESULT_ACTIONS.has(entry.action) && Array.isArray(entry.data.attachments))
          .flatMap((entry) => entry.data.attachments as string[]),
      ),
    ];
    const iso = (value: string | Date) => new Date(value).toISOString();
    return {
      number: row.number,
      state: row.state,
      category: {
        code: row.categoryCode,
        name: { zh: minor?.nameZh ?? row.categoryCode, en: minor?.nameEn ?? row.categoryCode },
        major: { zh: major?.nameZh ?? '', en: major?.nameEn ?? '' },
      },
      submittedAt: iso(row.createdAt),
      closedAt: row.closedAt ? iso(row.closedAt) : null,
      steps: steps.map((entry, i) => ({
        action:
          entry.action === 'approve' && typeof entry.data.kind === 'string'
            ? `approve_${entry.data.kind}`
            : entry.action,
        state: entry.toState,
        at: iso(entry.at),
        by: names[i] ?? null,
      })),
      resultPhotos: photos.map((hash) => ({
        hash,
        url: `/api/public/matters/${row.number}/photos/${hash}`,
      })),
      rating: row.rating !== null ? { score: row.rating, comment: row.ratingComment } : null,
      canRate: row.state === 'closed',
    };
  }

  /**
   * Who took each step, as an office: the department a department user works for, the grid a grid user answers
   * for on this event, the street's command centre, or 群众 for the resident. Never a person's name.
   */
  private async officeNames(
    row: EventRow,
    steps: {
      action: string;
      actorUserId: number | null;
      actorRole: string | null;
      data: Record<string, unknown>;
    }[],
  ): Promise<({ zh: string; en: string } | null)[]> {
    const actorIds = [...new Set(steps.map((s) => s.actorUserId).filter((id): id is number => id !== null))];
    const departmentIds = steps
      .map((s) => (typeof s.data.departmentId === 'number' ? s.data.departmentId : null))
      .filter((id): id is number => id !== null);
    const gridCodes = steps
      .map((s) => (typeof s.data.handlingGridCode === 'string' ? s.data.handlingGridCode : null))
      .filter((code): code is string => code !== null);
    const json = (value: unknown) => JSON.stringify(value);
    const actorDepartments = new Map(
      rowsOf<{ userId: number; name: string }>(
        await this.db.execute(sql`
          select du.user_id as "userId", o.name from department_users du join organisations o on o.id = du.organisation_id
          where du.user_id in (select value::int from jsonb_array_elements_text(${json(actorIds)}::jsonb))`),
      ).map((r) => [Number(r.userId), r.name]),
    );
    const actorGrids = rowsOf<{ userId: number; name: string; path: string }>(
      await this.db.execute(sql`
        select ug.user_id as "userId", g.name, g.path from user_grids ug join grids g on g.id = ug.grid_id
        where ug.user_id in (select value::int from jsonb_array_elements_text(${json(actorIds)}::jsonb))`),
    );
    const departments = new Map(
      rowsOf<{ id: number; name: string }>(
        await this.db.execute(sql`
          select id, name from organisations
          where id in (select value::int from jsonb_array_elements_text(${json(departmentIds)}::jsonb))`),
      ).map((r) => [Number(r.id), r.name]),
    );
    const grids = new Map(
      rowsOf<{ code: string; name: string }>(
        await this.db.execute(sql`
          select code, name from grids
          where code in (select value from jsonb_array_elements_text(${json(gridCodes)}::jsonb))`),
      ).map((r) => [r.code, r.name]),
    );
    const street = row.gridChain.find((g) => g.level === 'street')?.name ?? '';
    const deepest = row.gridChain[row.gridChain.length - 1]?.name ?? '';
    const same = (name: string) => ({ zh: name, en: name });
    return steps.map((step) => {
      if (step.action === 'dispatch') {
        const parts = [
          typeof step.data.departmentId === 'number' ? departments.get(step.data.departmentId) : undefined,
          typeof step.data.handlingGridCode === 'string' ? grids.get(step.data.handlingGridCode) : undefined,
        ].filter((name): name is string => !!name);
        if (parts.length > 0) return same(parts.join('、'));
      }
      const role = step.actorRole;
      if (role === 'resident') return ROLE_NAMES.resident;
      if (role === 'department' && step.actorUserId !== null) {
        const name = actorDepartments.get(step.actorUserId);
        return name ? same(name) : ROLE_NAMES.department;
      }
      if (role === 'command_centre') {
        return { zh: `${street}城运中心`, en: `${street} command centre`.trim() };
      }
      if ((role === 'grid_worker' || role === 'grid_leader' || role === 'area_leader') && step.actorUserId) {
        // the deepest grid of the actor that contains the event (or its handling grid)
        const mine = actorGrids
          .filter(
            (g) =>
              Number(g.userId) === step.actorUserId &&
              (row.gridPath.startsWith(g.path) || (row.handlingGridPath ?? '').startsWith(g.path)),
          )
          .sort((a, b) => b.path.length - a.path.length)[0];
        return same(mine?.name ?? deepest);
      }
      return role && isRole(role) ? ROLE_NAMES[role] : null;
    });
  }

  /** The bytes of a result photo of a verified matter; any other file is 404. */
  async photo(number: string, code: string | undefined, hash: string) {
    const row = await this.verified(number, code);
    const view = await this.present(row);
    if (!view.resultPhotos.some((photo) => photo.hash === hash)) throw errors.notFound(MATTER, number);
    const bytes = await this.deps.events.files.get(hash);
    const mime = rowsOf<{ mime: string }>(
      await this.db.execute(sql`select mime from attachments where hash = ${hash} limit 1`),
    )[0]?.mime;
    if (!bytes || !mime) throw errors.notFound(MATTER, number);
    return { bytes, mime };
  }

  // ── rate ────────────────────────────────────────────────────────────────────────────────────────────────

  /** 评价 once, when closed, through the state machine with the follow code as the proof. */
  async rate(number: string, code: string | undefined, body: RateMatterBody): Promise<PublicMatterValue> {
    const row = await this.verified(number, code);
    if (row.state === 'rated') {
      throw errors.conflict('already_rated', '该事项已评价过', 'This matter has already been rated');
    }
    if (row.state !== 'closed') {
      throw errors.conflict('not_closed', '事项办结后才能评价', 'A matter can be rated once it is closed');
    }
    await this.deps.events.act(
      row.id,
      'rate',
      { score: body.score, ...(body.comment ? { comment: body.comment } : {}) },
      await this.account(),
      { followCode: 'verified' },
    );
    return this.follow(number, code);
  }

  // ── public reference data ───────────────────────────────────────────────────────────────────────────────

  /** The street outlines and community boundaries, names only, for the map pin; cached for five minutes. */
  async map(): Promise<PublicMapValue> {
    const now = this.deps.clock.now().getTime();
    if (this.mapCache && now - this.mapCache.at < PUBLIC_CACHE_MS) return this.mapCache.value;
    const rows = rowsOf<{
      name: string;
      level: string;
      geometry: { type: string; coordinates: unknown[] };
      minLng: number;
      minLat: number;
      maxLng: number;
      maxLat: number;
    }>(
      await this.db.execute(sql`
        select g.name, g.level, b.geometry, b.min_lng as "minLng", b.min_lat as "minLat", b.max_lng as "maxLng",
          b.max_lat as "maxLat"
        from grids g join grid_boundaries b on b.grid_id = g.id and b.valid_to is null
        where g.retired_at is null and g.level in ('street', 'community')
        order by g.depth, g.code`),
    );
    const streets = rows.filter((r) => r.level === 'street');
    const framed = streets.length > 0 ? streets : rows;
    const bbox =
      framed.length > 0
        ? [
            Math.min(...framed.map((r) => Number(r.minLng))),
            Math.min(...framed.map((r) => Number(r.minLat))),
            Math.max(...framed.map((r) => Number(r.maxLng))),
            Math.max(...framed.map((r) => Number(r.maxLat))),
          ]
        : null;
    const value: PublicMapValue = {
      type: 'FeatureCollection',
      bbox,
      features: rows.map((r) => ({
        type: 'Feature' as const,
        geometry: r.geometry,
        properties: { name: r.name, level: r.level },
      })),
    };
    this.mapCache = { at: now, value };
    return value;
  }

  /** The active event classes a resident can choose from, names only; cached for five minutes. */
  async categories(): Promise<PublicCategoriesValue> {
    const now = this.deps.clock.now().getTime();
    if (this.categoriesCache && now - this.categoriesCache.at < PUBLIC_CACHE_MS)
      return this.categoriesCache.value;
    const rows = rowsOf<{
      code: string;
      parentCode: string | null;
      level: number;
      nameZh: string;
      nameEn: string;
    }>(
      await this.db.execute(sql`
        select code, parent_code as "parentCode", level, name_zh as "nameZh", name_en as "nameEn"
        from event_categories where active order by level, rank, code`),
    );
    const value = rows
      .filter((r) => Number(r.level) === 1)
      .map((major) => ({
        code: major.code,
        name: { zh: major.nameZh, en: major.nameEn },
        minors: rows
          .filter((r) => r.parentCode === major.code)
          .map((minor) => ({ code: minor.code, name: { zh: minor.nameZh, en: minor.nameEn } })),
      }))
      .filter((major) => major.minors.length > 0);
    this.categoriesCache = { at: now, value };
    return value;
  }
}
