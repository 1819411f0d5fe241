import { createHash, randomBytes } from 'node:crypto';
import { and, asc, count, eq, exists, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import { recordAudit, systemActor, type Actor, type AuditEntry } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Db, Executor } from '../core/db.js';
import { AppError, errors, PG, pgErrorCode, type FieldProblem } from '../core/errors.js';
import type { Policy } from '../core/policy.js';
import { grids } from '../grids/tables.js';
import type { AuthUser } from './auth.js';
import { hashPassword, passwordProblems, verifyAgainstDummy, verifyPassword } from './password.js';
import { isRole, ROLES, type Role } from './roles.js';
import { Scope } from './scope.js';
import { sessions, userGrids, users } from './tables.js';

/** What AccountService needs of the grid module: turning codes into grids (GridService.resolveCodes). */
export interface GridCodeResolver {
  resolveCodes(codes: string[]): Promise<Map<string, { id: number; code: string; path: string }>>;
}

export interface AccountServiceDeps {
  db: Db;
  clock: Clock;
  policy: Policy;
  config: Config;
  /**
   * The grid service. Optional only until src/app.ts hands it in; without it the same lookup is made here
   * (active grids by code) so that accounts work in the meantime.
   */
  grids?: GridCodeResolver;
}

/** A user as the service returns it: everything except the password hash. */
export interface Account {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  /** Codes of the bound grids, sorted. */
  gridCodes: string[];
  /** Materialised paths of the bound grids, for scope checks. */
  gridPaths: string[];
  disabled: boolean;
  failedAttempts: number;
  lockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: Account;
}

export interface NewUser {
  username: string;
  displayName?: string;
  password: string;
  roles: string[];
  /** Grid codes. */
  grids: string[];
}

export interface UserChanges {
  displayName?: string;
  roles?: string[];
  grids?: string[];
  disabled?: boolean;
  password?: string;
}

export interface Page {
  page: number;
  pageSize: number;
}

const USERNAME = /^[A-Za-z0-9_.-]{3,64}$/;

/** A resolved token stays in memory this long, so a busy endpoint does not read the sessions table per request. */
const TOKEN_CACHE_MILLISECONDS = 5_000;
const TOKEN_CACHE_SIZE = 5_000;

const anonymous: Actor = { userId: null, name: 'anonymous' };

interface CachedToken {
  user: AuthUser;
  /** Clock time after which the entry must be read again from the database. */
  freshUntil: number;
  sessionExpiresAt: number;
}

function tokenHashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function invalidCredentials(): AppError {
  return new AppError(401, 'invalid_credentials', '用户名或密码错误', 'Wrong username or password');
}

function lockedAnswer(lockedUntil: Date): AppError {
  const until = lockedUntil.toISOString();
  return errors.locked(
    `登录失败次数过多，账号已锁定至 ${until}`,
    `Too many failed logins; the account is locked until ${until}`,
    { lockedUntil: until },
  );
}

const userWhat = { zh: '用户', en: 'User' };

/** Accounts, sessions and login lockout (D1). */
export class AccountService {
  /** Token hash → resolved user; a Map keeps insertion order, which makes it a small LRU. */
  private readonly tokenCache = new Map<string, CachedToken>();
  /** Token look-ups under way, by token hash. */
  private readonly tokenLookups = new Map<string, Promise<AuthUser | null>>();

  constructor(private readonly deps: AccountServiceDeps) {}

  // ── login and sessions ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Check the password and open a session. Unknown usernames and wrong passwords get the same answer after
   * the same Argon2 work; a locked account answers 423 whatever the password, without checking it.
   */
  async login(username: string, password: string, at: Date = this.deps.clock.now()): Promise<LoginResult> {
    const { db } = this.deps;
    const [row] = await db
      .select({
        id: users.id,
        passwordHash: users.passwordHash,
        disabled: users.disabled,
        lockedUntil: users.lockedUntil,
      })
      .from(users)
      .where(eq(users.username, username));

    if (!row) {
      await verifyAgainstDummy(password);
      await recordAudit(db, anonymous, at, [
        {
          action: 'user.login_failed',
          entity: 'user',
          // the name typed is not kept: people type their password into the username box often enough
          entityKey: null,
          detail: { reason: 'unknown_user' },
        },
      ]);
      throw invalidCredentials();
    }

    const gridId = await this.primaryGridId(db, row.id);
    if (row.lockedUntil && row.lockedUntil > at) {
      await recordAudit(db, anonymous, at, [
        {
          action: 'user.login_failed',
          entity: 'user',
          entityKey: username,
          gridId,
          detail: { userId: row.id, reason: 'locked' },
        },
      ]);
      throw lockedAnswer(row.lockedUntil);
    }

    if (!(await verifyPassword(row.passwordHash, password))) {
      const lockedUntil = await this.recordFailure(row.id, username, gridId, at);
      throw lockedUntil ? lockedAnswer(lockedUntil) : invalidCredentials();
    }

    if (row.disabled) {
      // only someone who knows the password learns that the account is disabled
      await recordAudit(db, anonymous, at, [
        {
          action: 'user.login_failed',
          entity: 'user',
          entityKey: username,
          gridId,
          detail: { userId: row.id, reason: 'disabled' },
        },
      ]);
      throw new AppError(403, 'account_disabled', '账号已停用', 'The account is disabled');
    }

    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(at.getTime() + this.deps.config.tokenTtlSeconds * 1000);
    await db.transaction(async (tx) => {
      await tx.update(users).set({ failedAttempts: 0, lockedUntil: null }).where(eq(users.id, row.id));
      // expired sessions are of no further use; drop them here rather than in a separate sweeper
      await tx.delete(sessions).where(and(eq(sessions.userId, row.id), lt(sessions.expiresAt, at)));
      await tx
        .insert(sessions)
        .values({ tokenHash: tokenHashOf(token), userId: row.id, createdAt: at, expiresAt });
      await recordAudit(tx, { userId: row.id, name: username }, at, [
        { action: 'user.login', entity: 'user', entityKey: username, gridId, detail: { userId: row.id } },
      ]);
    });
    return { token, expiresAt, user: await this.getUser(row.id) };
  }

  /**
   * Count a failed login; the maxFailures-th failure in a row locks the account. Row-locked so that parallel
   * guesses cannot slip past the count. Returns the lock's end when this failure locked the account.
   */
  private async recordFailure(
    userId: number,
    username: string,
    gridId: number | null,
    at: Date,
  ): Promise<Date | null> {
    const { maxFailures, lockMinutes } = this.deps.policy.login;
    return this.deps.db.transaction(async (tx) => {
      const [current] = await tx
        .select({ failedAttempts: users.failedAttempts, lockedUntil: users.lockedUntil })
        .from(users)
        .where(eq(users.id, userId))
        .for('update');
      if (!current) return null;
      if (current.lockedUntil && current.lockedUntil > at) return current.lockedUntil;
      const failures = current.failedAttempts + 1;
      const entries: AuditEntry[] = [
        {
          action: 'user.login_failed',
          entity: 'user',
          entityKey: username,
          gridId,
          detail: { userId, reason: 'wrong_password', failures },
        },
      ];
      let lockedUntil: Date | null = null;
      if (failures >= maxFailures) {
        lockedUntil = new Date(at.getTime() + lockMinutes * 60_000);
        // the count starts again after the lock, so another maxFailures guesses are needed to lock again
        await tx.update(users).set({ failedAttempts: 0, lockedUntil }).where(eq(users.id, userId));
      } else {
        await tx.update(users).set({ failedAttempts: failures }).where(eq(users.id, userId));
      }
      await recordAudit(tx, anonymous, at, entries);
      if (lockedUntil) {
        await recordAudit(tx, systemActor, at, [
          {
            action: 'user.locked',
            entity: 'user',
            entityKey: username,
            gridId,
            detail: { userId, failures, lockedUntil: lockedUntil.toISOString() },
          },
        ]);
      }
      return lockedUntil;
    });
  }

  /** The user behind a bearer token, or null for an unknown, expired or revoked token or a disabled user. */
  async authenticate(token: string): Promise<AuthUser | null> {
    const tokenHash = tokenHashOf(token);
    const now = this.deps.clock.now().getTime();
    const cached = this.tokenCache.get(tokenHash);
    if (cached) {
      this.tokenCache.delete(tokenHash);
      if (cached.freshUntil > now && cached.sessionExpiresAt > now) {
        this.tokenCache.set(tokenHash, cached); // most recently used goes to the end
        return cached.user;
      }
    }
    // a burst of requests with one token that is not cached (yet, or any more) shares one look-up
    const running = this.tokenLookups.get(tokenHash);
    if (running) return running;
    const lookUp = this.lookUpToken(tokenHash, now).finally(() => {
      if (this.tokenLookups.get(tokenHash) === lookUp) this.tokenLookups.delete(tokenHash);
    });
    this.tokenLookups.set(tokenHash, lookUp);
    return lookUp;
  }

  private async lookUpToken(tokenHash: string, now: number): Promise<AuthUser | null> {
    const { db } = this.deps;
    const [row] = await db
      .select({
        userId: users.id,
        username: users.username,
        displayName: users.displayName,
        roles: users.roles,
        expiresAt: sessions.expiresAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(
        and(
          eq(sessions.tokenHash, tokenHash),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, new Date(now)),
          eq(users.disabled, false),
        ),
      );
    if (!row) return null;

    const bound = await db
      .select({ code: grids.code, path: grids.path })
      .from(userGrids)
      .innerJoin(grids, eq(grids.id, userGrids.gridId))
      .where(eq(userGrids.userId, row.userId))
      .orderBy(asc(grids.code));
    const roles = row.roles.filter(isRole);
    const user: AuthUser = {
      id: row.userId,
      username: row.username,
      displayName: row.displayName,
      roles,
      gridCodes: bound.map((grid) => grid.code),
      scope: roles.includes('admin') ? Scope.everything() : Scope.of(bound.map((grid) => grid.path)),
    };

    this.tokenCache.set(tokenHash, {
      user,
      freshUntil: now + TOKEN_CACHE_MILLISECONDS,
      sessionExpiresAt: row.expiresAt.getTime(),
    });
    if (this.tokenCache.size > TOKEN_CACHE_SIZE) {
      const oldest = this.tokenCache.keys().next();
      if (!oldest.done) this.tokenCache.delete(oldest.value);
    }
    return user;
  }

  /** Revoke the session of this token. Returns false when there was no live session. */
  async logout(token: string, actor: Actor = anonymous): Promise<boolean> {
    const tokenHash = tokenHashOf(token);
    this.tokenCache.delete(tokenHash);
    this.tokenLookups.delete(tokenHash);
    const at = this.deps.clock.now();
    return this.deps.db.transaction(async (tx) => {
      const [revoked] = await tx
        .update(sessions)
        .set({ revokedAt: at })
        .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
        .returning({ userId: sessions.userId });
      if (!revoked) return false;
      const [user] = await tx
        .select({ username: users.username })
        .from(users)
        .where(eq(users.id, revoked.userId));
      await recordAudit(tx, actor, at, [
        {
          action: 'user.logout',
          entity: 'user',
          entityKey: user?.username ?? null,
          gridId: await this.primaryGridId(tx, revoked.userId),
          detail: { userId: revoked.userId },
        },
      ]);
      return true;
    });
  }

  // ── users ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** Create a user bound to grids. The caller has checked the permission (user.manage). */
  async createUser(input: NewUser, actor: Actor): Promise<Account> {
    const problems: FieldProblem[] = [];
    if (!USERNAME.test(input.username)) {
      problems.push({
        field: '/body/username',
        zh: '/body/username：用户名须为 3–64 个字母、数字或 _ . -',
        en: '/body/username: the username must be 3–64 letters, digits or _ . -',
      });
    }
    problems.push(...passwordProblems(input.password));
    const roles = this.checkRoles(input.roles, problems);
    const bound = await this.checkGrids(input.grids, roles, problems);
    if (problems.length > 0) throw errors.invalid(problems);

    const passwordHash = await hashPassword(input.password);
    const at = this.deps.clock.now();
    let id: number;
    try {
      id = await this.deps.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(users)
          .values({
            username: input.username,
            displayName: input.displayName?.trim() || input.username,
            passwordHash,
            roles,
            createdAt: at,
            updatedAt: at,
          })
          .returning({ id: users.id });
        const userId = row!.id;
        if (bound.length > 0) {
          await tx.insert(userGrids).values(bound.map((grid) => ({ userId, gridId: grid.id })));
        }
        await recordAudit(tx, actor, at, [
          {
            action: 'user.create',
            entity: 'user',
            entityKey: input.username,
            gridId: primaryOf(bound),
            detail: { userId, roles, grids: bound.map((grid) => grid.code) },
          },
        ]);
        return userId;
      });
    } catch (error) {
      if (pgErrorCode(error) === PG.uniqueViolation) {
        throw errors.conflict(
          'duplicate_username',
          `用户名「${input.username}」已被使用`,
          `The username "${input.username}" is already taken`,
          { username: input.username },
        );
      }
      throw error;
    }
    return this.getUser(id);
  }

  /** Users bound to at least one grid inside the scope (all users for an admin), by id. */
  async listUsers(scope: Scope, page: Page): Promise<{ items: Account[]; total: number }> {
    const { db } = this.deps;
    const inScope = scope.all
      ? undefined
      : exists(
          db
            .select({ one: sql`1` })
            .from(userGrids)
            .innerJoin(grids, eq(grids.id, userGrids.gridId))
            .where(and(eq(userGrids.userId, users.id), scope.pathCondition(grids.path))),
        );
    const [totalRow] = await db.select({ total: count() }).from(users).where(inScope);
    const rows = await db
      .select({ id: users.id })
      .from(users)
      .where(inScope)
      .orderBy(asc(users.id))
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize);
    return { items: await this.loadAccounts(rows.map((row) => row.id)), total: Number(totalRow?.total ?? 0) };
  }

  /** One user; outside the scope answers 404 like a missing one, so ids cannot be probed. */
  async getUser(id: number, scope: Scope = Scope.everything()): Promise<Account> {
    const [account] = await this.loadAccounts([id]);
    if (!account || !(scope.all || account.gridPaths.some((path) => scope.coversPath(path)))) {
      throw errors.notFound(userWhat, String(id));
    }
    return account;
  }

  /**
   * Change a user. A new password or disabling ends every session of the user; the change takes effect at once
   * because the user's cached tokens are dropped. The last enabled administrator cannot be removed.
   */
  async updateUser(id: number, changes: UserChanges, actor: Actor): Promise<Account> {
    const before = await this.getUser(id);
    const problems: FieldProblem[] = [];
    if (changes.password !== undefined) problems.push(...passwordProblems(changes.password));
    if (changes.displayName !== undefined && changes.displayName.trim() === '') {
      problems.push({
        field: '/body/displayName',
        zh: '/body/displayName：显示名不能为空',
        en: '/body/displayName: must not be empty',
      });
    }
    const roles = changes.roles !== undefined ? this.checkRoles(changes.roles, problems) : before.roles;
    let bound: { id: number; code: string }[] | undefined;
    if (changes.grids !== undefined) {
      bound = await this.checkGrids(changes.grids, roles, problems);
    } else if (changes.roles !== undefined && !roles.includes('admin') && before.gridCodes.length === 0) {
      problems.push(noGridsProblem());
    }
    if (problems.length > 0) throw errors.invalid(problems);

    const passwordHash = changes.password !== undefined ? await hashPassword(changes.password) : undefined;
    const at = this.deps.clock.now();
    const endSessions = changes.password !== undefined || changes.disabled === true;
    const changed: Record<string, unknown> = {};
    if (changes.displayName !== undefined) changed.displayName = true; // a real name is personal data: not logged
    if (changes.roles !== undefined) changed.roles = { from: before.roles, to: roles };
    if (bound !== undefined)
      changed.grids = { from: before.gridCodes, to: bound.map((grid) => grid.code).sort() };
    if (changes.disabled !== undefined) changed.disabled = { from: before.disabled, to: changes.disabled };
    if (changes.password !== undefined) changed.password = true;

    await this.deps.db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({
          ...(changes.displayName !== undefined ? { displayName: changes.displayName.trim() } : {}),
          ...(changes.roles !== undefined ? { roles } : {}),
          ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}),
          ...(passwordHash !== undefined ? { passwordHash } : {}),
          updatedAt: at,
        })
        .where(eq(users.id, id));
      if (bound !== undefined) {
        await tx.delete(userGrids).where(eq(userGrids.userId, id));
        if (bound.length > 0)
          await tx.insert(userGrids).values(bound.map((grid) => ({ userId: id, gridId: grid.id })));
      }
      if (endSessions) {
        await tx
          .update(sessions)
          .set({ revokedAt: at })
          .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)));
      }
      const [admins] = await tx
        .select({ total: count() })
        .from(users)
        .where(and(sql`'admin' = any(${users.roles})`, eq(users.disabled, false)));
      if (Number(admins?.total ?? 0) === 0) {
        throw errors.conflict(
          'last_admin',
          '不能停用或降级最后一个系统管理员',
          'The last enabled administrator cannot be disabled or lose the admin role',
        );
      }
      await recordAudit(tx, actor, at, [
        {
          action: 'user.update',
          entity: 'user',
          entityKey: before.username,
          gridId: bound !== undefined ? primaryOf(bound) : await this.primaryGridId(tx, id),
          detail: { userId: id, changed },
        },
      ]);
    });
    this.forgetTokensOf(id);
    return this.getUser(id);
  }

  /** End a lockout before its time (an administrator has checked who is asking). */
  async unlock(id: number, actor: Actor = systemActor): Promise<Account> {
    const at = this.deps.clock.now();
    await this.deps.db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ failedAttempts: 0, lockedUntil: null, updatedAt: at })
        .where(eq(users.id, id))
        .returning({ username: users.username, lockedUntil: users.lockedUntil });
      if (!row) throw errors.notFound(userWhat, String(id));
      await recordAudit(tx, actor, at, [
        {
          action: 'user.unlock',
          entity: 'user',
          entityKey: row.username,
          gridId: await this.primaryGridId(tx, id),
          detail: { userId: id },
        },
      ]);
    });
    return this.getUser(id);
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────────────────────

  private checkRoles(values: string[], problems: FieldProblem[]): Role[] {
    if (values.length === 0) {
      problems.push({
        field: '/body/roles',
        zh: '/body/roles：至少需要一个角色',
        en: '/body/roles: at least one role is required',
      });
    }
    values.forEach((value, index) => {
      if (!isRole(value)) {
        problems.push({
          field: `/body/roles/${index}`,
          zh: `/body/roles/${index}：未知角色「${value}」`,
          en: `/body/roles/${index}: unknown role "${value}" (one of ${ROLES.join(', ')})`,
        });
      }
    });
    return [...new Set(values.filter(isRole))];
  }

  /** Resolve grid codes; each unknown code is named. Every role except admin needs at least one grid. */
  private async checkGrids(
    codes: string[],
    roles: Role[],
    problems: FieldProblem[],
  ): Promise<{ id: number; code: string; path: string }[]> {
    const unique = [...new Set(codes)];
    const found = await this.resolveCodes(unique);
    codes.forEach((code, index) => {
      if (!found.has(code)) {
        problems.push({
          field: `/body/grids/${index}`,
          zh: `/body/grids/${index}：网格「${code}」不存在或已撤销`,
          en: `/body/grids/${index}: grid "${code}" does not exist or is retired`,
          grids: [code],
        });
      }
    });
    if (unique.length === 0 && roles.length > 0 && !roles.includes('admin')) problems.push(noGridsProblem());
    return unique.flatMap((code) => {
      const grid = found.get(code);
      return grid ? [grid] : [];
    });
  }

  private async resolveCodes(
    codes: string[],
  ): Promise<Map<string, { id: number; code: string; path: string }>> {
    if (this.deps.grids) return this.deps.grids.resolveCodes(codes);
    if (codes.length === 0) return new Map();
    const rows = await this.deps.db
      .select({ id: grids.id, code: grids.code, path: grids.path })
      .from(grids)
      .where(and(inArray(grids.code, codes), isNull(grids.retiredAt)));
    return new Map(rows.map((row) => [row.code, row]));
  }

  /**
   * The grid an audit row about this user is filed under, so that the command centre of the user's street can
   * read it: the bound grid with the lowest id (the oldest). Administrators without grids are filed under none.
   */
  private async primaryGridId(executor: Executor, userId: number): Promise<number | null> {
    const [row] = await executor
      .select({ gridId: userGrids.gridId })
      .from(userGrids)
      .where(eq(userGrids.userId, userId))
      .orderBy(asc(userGrids.gridId))
      .limit(1);
    return row?.gridId ?? null;
  }

  private async loadAccounts(ids: number[]): Promise<Account[]> {
    if (ids.length === 0) return [];
    const { db } = this.deps;
    const rows = await db.select().from(users).where(inArray(users.id, ids)).orderBy(asc(users.id));
    const bound = await db
      .select({ userId: userGrids.userId, code: grids.code, path: grids.path })
      .from(userGrids)
      .innerJoin(grids, eq(grids.id, userGrids.gridId))
      .where(inArray(userGrids.userId, ids))
      .orderBy(asc(grids.code));
    return rows.map((row) => {
      const mine = bound.filter((grid) => grid.userId === row.id);
      return {
        id: row.id,
        username: row.username,
        displayName: row.displayName,
        roles: row.roles.filter(isRole),
        gridCodes: mine.map((grid) => grid.code),
        gridPaths: mine.map((grid) => grid.path),
        disabled: row.disabled,
        failedAttempts: row.failedAttempts,
        lockedUntil: row.lockedUntil,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      };
    });
  }

  private forgetTokensOf(userId: number): void {
    this.tokenLookups.clear();
    for (const [tokenHash, entry] of this.tokenCache) {
      if (entry.user.id === userId) this.tokenCache.delete(tokenHash);
    }
  }
}

/** The same choice as primaryGridId, made before the bindings are written. */
function primaryOf(bound: { id: number }[]): number | null {
  return bound.length > 0 ? Math.min(...bound.map((grid) => grid.id)) : null;
}

function noGridsProblem(): FieldProblem {
  return {
    field: '/body/grids',
    zh: '/body/grids：除系统管理员外，每个角色至少要绑定一个网格',
    en: '/body/grids: every role except admin must be bound to at least one grid',
  };
}
