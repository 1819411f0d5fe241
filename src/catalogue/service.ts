import { and, eq, gte, lte } from 'drizzle-orm';
import { recordAudit, type Actor } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { Database, Executor, Tx } from '../core/db.js';
import { errors, type FieldProblem } from '../core/errors.js';
import { settings } from '../core/settings.js';
import { Scope } from '../accounts/scope.js';
import type { GridService } from '../grids/service.js';
import {
  CLOCK_TYPES,
  DEFAULT_WORKING_PERIODS,
  DEFAULT_WORKING_WEEKDAYS,
  formatClockTime,
  parseClockTime,
  periodProblems,
  stageDeadline,
  workingCalendar,
  type Adjustments,
  type ClockType,
  type StageDeadline,
  type Warning,
  type WorkingCalendar,
  type WorkingPeriod,
} from './deadlines.js';
import {
  FALLBACK_POLICY,
  presentCalendarDay,
  presentCategory,
  presentLadder,
  presentPolicy,
} from './presenter.js';
import {
  catalogueRepository as repo,
  WORKING_TIME_KEY,
  type CategoryRow,
  type LadderRow,
} from './repository.js';
import type {
  CalendarDayInputValue,
  CategoryValue,
  CreateCategoryBody,
  PutDeadlinePolicyBody,
  PutLadderBody,
  UpdateCategoryBody,
  WorkingTimeValue,
} from './schema.js';
import {
  DEFAULT_LADDER_PRESET,
  LADDER_PRESETS,
  seededCalendarDays,
  seededCategories,
  seededPolicies,
  type LadderLevel,
  type LadderPreset,
  type Stage,
} from './seed-data.js';
import { calendarDays, deadlinePolicies, escalationLadders, eventCategories } from './tables.js';

export interface CatalogueServiceDeps {
  database: Database;
  clock: Clock;
  grids: GridService;
}

/** A deadline policy as other modules use it (the scheduler, reports). Stage durations are seconds of `clockType`. */
export interface DeadlinePolicy {
  key: string;
  nameZh: string;
  nameEn: string;
  clockType: ClockType;
  stages: Partial<Record<Stage, number>>;
  warning: Warning;
}

/** An escalation ladder as other modules use it: `gridCode` is its owner ('default' for the platform default). */
export interface EscalationLadder {
  gridCode: string;
  preset: string | null;
  nameZh: string;
  nameEn: string;
  /** The clock on which `climbAfterSeconds` are measured. */
  clockType: ClockType;
  /** Bottom level first; the last level has climbAfterSeconds null. */
  levels: LadderLevel[];
}

/** Marker row in `settings`: the defaults were seeded once; an administrator's later edits are never overwritten. */
export const CATALOGUE_SEED_MARKER = 'catalogue.seeded';
export const DEFAULT_LADDER = 'default';

const CATEGORY = { zh: '事件分类', en: 'Event category' };
const POLICY = { zh: '时限策略', en: 'Deadline policy' };
const LADDER = { zh: '升级阶梯', en: 'Escalation ladder' };
const GRID = { zh: '网格', en: 'Grid' };
/** How long a remembered policy, calendar or ladder is used (see CatalogueService.memo). */
const MEMO_MS = 5_000;

function invalid(field: string, zh: string, en: string) {
  return errors.invalid([{ field, zh, en }]);
}

function toPeriods(periods: readonly { start: string; end: string }[]): WorkingPeriod[] {
  return periods.map((period) => ({ start: parseClockTime(period.start), end: parseClockTime(period.end) }));
}

function checkPeriods(periods: readonly { start: string; end: string }[], field: string): FieldProblem[] {
  return periodProblems(toPeriods(periods)).map((problem) => ({
    field,
    zh: '工作时段须按时间先后排列、不重叠且结束晚于开始',
    en: `working periods: ${problem}`,
  }));
}

function isValidDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function ladderFromPreset(gridCode: string, preset: LadderPreset): EscalationLadder {
  return {
    gridCode,
    preset: preset.key,
    nameZh: preset.nameZh,
    nameEn: preset.nameEn,
    clockType: preset.clockType,
    levels: preset.levels,
  };
}

function ladderFromRow(row: LadderRow): EscalationLadder {
  return {
    gridCode: row.gridCode,
    preset: row.preset,
    nameZh: row.nameZh,
    nameEn: row.nameEn,
    clockType: row.clockType as ClockType,
    levels: row.levels,
  };
}

/**
 * 事件分类与时限 (E9, E4): the two-level event catalogue, deadline policies, the working calendar and the escalation
 * ladders. Other modules call `get`, `resolvePolicy`, `calendar` and `ladderFor`, then the pure functions of
 * deadlines.ts (`dueAt`, `elapsed`, `stageDeadline`, `deadlineState`).
 */
export class CatalogueService {
  /**
   * What every report and every stage change reads (a class's policy, the working calendar, a grid chain's ladder),
   * kept for MEMO_MS: intake would otherwise spend most of its time reading the same rows again. Every write of
   * this service clears it, so this process sees its own changes at once; another server on the same PostgreSQL
   * sees them within MEMO_MS (as the category and routing caches of intake).
   */
  private readonly memo = new Map<string, { until: number; value: Promise<unknown>; settled: boolean }>();

  constructor(private readonly deps: CatalogueServiceDeps) {}

  private get db() {
    return this.deps.database.db;
  }

  /**
   * `inTransaction`: the caller holds a transaction and loads through it. It takes a remembered value only once that
   * has arrived: a load still pending through the pool may be queued behind this very transaction (PGlite has one
   * connection), and waiting for it would wait forever.
   */
  private remember<T>(key: string, load: () => Promise<T>, inTransaction = false): Promise<T> {
    const now = performance.now();
    const known = this.memo.get(key);
    if (known && known.until > now && (known.settled || !inTransaction)) return known.value as Promise<T>;
    const value = load();
    if (inTransaction) return value;
    if (this.memo.size > 10_000) this.memo.clear();
    const entry = { until: now + MEMO_MS, value: value as Promise<unknown>, settled: false };
    this.memo.set(key, entry);
    value.then(
      () => {
        entry.settled = true;
      },
      () => {
        if (this.memo.get(key) === entry) this.memo.delete(key);
      },
    );
    return value;
  }

  /** Forget the remembered reads (after a change made outside this service, e.g. in a test). */
  forget(): void {
    this.memo.clear();
  }

  /** A write of the catalogue, policies, calendar or ladders: the remembered reads are stale after it. */
  private async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(work);
    } finally {
      this.memo.clear();
    }
  }

  /**
   * Seeds the catalogue, policies, the 2026 calendar, the default ladder and working time on a fresh install, once.
   * Rows that exist are kept ("on conflict do nothing"), so two servers starting together are harmless. Returns
   * true when this call seeded.
   */
  async seedDefaults(): Promise<boolean> {
    const marker = await this.db
      .select({ key: settings.key })
      .from(settings)
      .where(eq(settings.key, CATALOGUE_SEED_MARKER));
    if (marker.length > 0) return false;
    const now = this.deps.clock.now();
    const categories = seededCategories();
    await this.write(async (tx) => {
      await tx
        .insert(deadlinePolicies)
        .values(seededPolicies().map((policy) => ({ ...policy, createdAt: now, updatedAt: now })))
        .onConflictDoNothing();
      for (const level of [1, 2]) {
        await tx
          .insert(eventCategories)
          .values(
            categories
              .filter((category) => (category.parentCode === null ? 1 : 2) === level)
              .map((category) => ({ ...category, level, createdAt: now, updatedAt: now })),
          )
          .onConflictDoNothing();
      }
      await tx
        .insert(calendarDays)
        .values(
          seededCalendarDays().map((day) => ({
            day: day.date,
            kind: day.kind,
            nameZh: day.nameZh,
            nameEn: day.nameEn,
            seeded: true,
            updatedAt: now,
          })),
        )
        .onConflictDoNothing();
      const preset = LADDER_PRESETS.find((candidate) => candidate.key === DEFAULT_LADDER_PRESET)!;
      await tx
        .insert(escalationLadders)
        .values({ ...ladderFromPreset(DEFAULT_LADDER, preset), updatedAt: now })
        .onConflictDoNothing();
      await tx
        .insert(settings)
        .values({ key: WORKING_TIME_KEY, value: this.defaultWorkingTime(), updatedAt: now })
        .onConflictDoNothing();
      await tx
        .insert(settings)
        .values({ key: CATALOGUE_SEED_MARKER, value: { categories: categories.length }, updatedAt: now })
        .onConflictDoNothing();
      // not audited: no one acted; the marker row and the `seeded` flags of the calendar days record the seed
    });
    return true;
  }

  // ——— categories (E9) ———

  /** The two-level tree, majors by rank with their minors; `active` true keeps only classes in use. */
  async tree(options: { active?: boolean } = {}): Promise<(CategoryValue & { children: CategoryValue[] })[]> {
    const rows = await repo.categories(this.db);
    const majors = new Map(rows.filter((row) => row.level === 1).map((row) => [row.code, row]));
    const out = [...majors.values()]
      .filter((major) => !options.active || major.active)
      .map((major) => ({ ...presentCategory(major, undefined), children: [] as CategoryValue[] }));
    const byCode = new Map(out.map((major) => [major.code, major]));
    for (const row of rows) {
      if (row.level !== 2 || (options.active && !row.active)) continue;
      byCode.get(row.parentCode!)?.children.push(presentCategory(row, majors.get(row.parentCode!)));
    }
    return out;
  }

  private async row(code: string): Promise<{ row: CategoryRow; major: CategoryRow | undefined }> {
    const row = await repo.category(this.db, code);
    if (!row) throw errors.notFound(CATEGORY, code);
    const major = row.parentCode ? await repo.category(this.db, row.parentCode) : undefined;
    return { row, major };
  }

  /** One class with its effective policy (and its minors when it is a major class); 404 when unknown. */
  async get(code: string): Promise<CategoryValue & { children?: CategoryValue[] }> {
    const { row, major } = await this.row(code);
    const category = presentCategory(row, major);
    if (row.level !== 1) return category;
    const children = await repo.children(this.db, code);
    return { ...category, children: children.map((child) => presentCategory(child, row)) };
  }

  /** The class if it exists, else undefined: for modules that check a code an event is filed under. */
  async find(code: string): Promise<CategoryValue | undefined> {
    const row = await repo.category(this.db, code);
    if (!row) return undefined;
    return presentCategory(row, row.parentCode ? await repo.category(this.db, row.parentCode) : undefined);
  }

  private async checkPolicyExists(key: string | null | undefined, field: string): Promise<void> {
    if (key === null || key === undefined) return;
    if (!(await repo.policy(this.db, key)))
      throw errors.unprocessable(
        'unknown_policy',
        `时限策略「${key}」不存在`,
        `Deadline policy "${key}" does not exist`,
        [{ field, zh: '时限策略不存在', en: 'unknown deadline policy' }],
      );
  }

  async create(body: CreateCategoryBody, actor: Actor): Promise<CategoryValue> {
    const level = body.code.length === 2 ? 1 : 2;
    let parent: CategoryRow | undefined;
    if (level === 1) {
      if (body.parentCode)
        throw invalid(
          '/body/parentCode',
          '大类（两位编码）不能有上级',
          'a major class (two-digit code) has no parent',
        );
    } else {
      const parentCode = body.parentCode ?? body.code.slice(0, 2);
      if (parentCode !== body.code.slice(0, 2))
        throw invalid(
          '/body/parentCode',
          '小类编码须以其大类编码开头',
          "a minor class's code must start with its major class's code",
        );
      parent = await repo.category(this.db, parentCode);
      if (!parent || parent.level !== 1)
        throw errors.unprocessable(
          'unknown_parent',
          `大类「${parentCode}」不存在`,
          `Major class "${parentCode}" does not exist`,
          [{ field: '/body/parentCode', zh: '大类不存在', en: 'unknown major class' }],
        );
    }
    await this.checkPolicyExists(body.deadlinePolicy, '/body/deadlinePolicy');
    if (await repo.category(this.db, body.code))
      throw errors.conflict(
        'duplicate_category',
        `分类编码「${body.code}」已存在`,
        `Category "${body.code}" already exists`,
      );
    const now = this.deps.clock.now();
    const values = {
      code: body.code,
      parentCode: parent?.code ?? null,
      level,
      kind: body.kind ?? parent?.kind ?? 'event',
      nameZh: body.name.zh,
      nameEn: body.name.en,
      deadlinePolicy: body.deadlinePolicy ?? null,
      filingStandards: body.filingStandards ?? [],
      closingStandards: body.closingStandards ?? [],
      rank: body.rank ?? 100,
      active: parent ? parent.active : true,
      createdAt: now,
      updatedAt: now,
    };
    const [row] = await this.write(async (tx) => {
      const inserted = await tx.insert(eventCategories).values(values).returning();
      await recordAudit(tx, actor, now, [
        {
          action: 'category.create',
          entity: 'event_category',
          entityKey: body.code,
          detail: { name: body.name },
        },
      ]);
      return inserted;
    });
    return presentCategory(row!, parent);
  }

  /**
   * Edits a class; classes are never deleted (events keep their class), `active: false` retires one. Retiring a major
   * class retires its minors too; a minor cannot be reactivated under a retired major.
   */
  async update(code: string, body: UpdateCategoryBody, actor: Actor): Promise<CategoryValue> {
    const { row, major } = await this.row(code);
    await this.checkPolicyExists(body.deadlinePolicy, '/body/deadlinePolicy');
    if (body.active === true && major && !major.active)
      throw errors.unprocessable(
        'major_inactive',
        `大类「${major.code}」已停用，请先启用大类`,
        `Major class "${major.code}" is inactive; activate it first`,
        [{ field: '/body/active', zh: '大类已停用', en: 'the major class is inactive' }],
      );
    const now = this.deps.clock.now();
    const patch = {
      ...(body.kind !== undefined ? { kind: body.kind } : {}),
      ...(body.name !== undefined ? { nameZh: body.name.zh, nameEn: body.name.en } : {}),
      ...(body.deadlinePolicy !== undefined ? { deadlinePolicy: body.deadlinePolicy } : {}),
      ...(body.filingStandards !== undefined ? { filingStandards: body.filingStandards } : {}),
      ...(body.closingStandards !== undefined ? { closingStandards: body.closingStandards } : {}),
      ...(body.rank !== undefined ? { rank: body.rank } : {}),
      ...(body.active !== undefined ? { active: body.active } : {}),
      updatedAt: now,
    };
    const updated = await this.write(async (tx) => {
      const [saved] = await tx
        .update(eventCategories)
        .set(patch)
        .where(eq(eventCategories.code, code))
        .returning();
      const retiredMinors =
        body.active === false && row.level === 1
          ? await tx
              .update(eventCategories)
              .set({ active: false, updatedAt: now })
              .where(and(eq(eventCategories.parentCode, code), eq(eventCategories.active, true)))
              .returning({ code: eventCategories.code })
          : [];
      await recordAudit(tx, actor, now, [
        {
          action: body.active === false && row.active ? 'category.deactivate' : 'category.update',
          entity: 'event_category',
          entityKey: code,
          detail: {
            changes: body,
            ...(retiredMinors.length ? { minorsDeactivated: retiredMinors.map((m) => m.code) } : {}),
          },
        },
      ]);
      return saved!;
    });
    return presentCategory(updated, major);
  }

  /**
   * The deadline policy of a class: its own, else its major class's, else `general`. 404 for an unknown class;
   * a policy key that no longer exists falls back to `general` rather than leaving an event without a deadline.
   */
  async resolvePolicy(code: string): Promise<DeadlinePolicy> {
    return this.remember(`policy\u0000${code}`, () => this.loadPolicy(code));
  }

  private async loadPolicy(code: string): Promise<DeadlinePolicy> {
    const { row, major } = await this.row(code);
    const key = row.deadlinePolicy ?? major?.deadlinePolicy ?? FALLBACK_POLICY;
    const policy = (await repo.policy(this.db, key)) ?? (await repo.policy(this.db, FALLBACK_POLICY));
    if (!policy) throw errors.notFound(POLICY, key);
    return this.toPolicy(policy);
  }

  /**
   * The warning and due instants of one stage of an event filed under `categoryCode`, on its policy's clock and the
   * current working calendar: what the scheduler stores for an event. Null when the policy does not time that stage.
   * `adjustments` are the event's suspensions (挂账) and approved extensions (延期) of this stage.
   */
  async stageDeadlineFor(
    categoryCode: string,
    stage: Stage,
    start: Date,
    adjustments: Adjustments = {},
  ): Promise<(StageDeadline & { policy: string; clockType: ClockType; seconds: number }) | null> {
    const policy = await this.resolvePolicy(categoryCode);
    const seconds = policy.stages[stage];
    if (seconds === undefined) return null;
    const deadline = stageDeadline(
      start,
      seconds,
      policy.clockType,
      await this.calendar(),
      policy.warning,
      adjustments,
    );
    return { ...deadline, policy: policy.key, clockType: policy.clockType, seconds };
  }

  /**
   * The warning and due instants of one stage on the policy with this key (e.g. the difficulty's policy of a
   * classification); null when there is no such policy or it does not time the stage.
   */
  async policyStageDeadline(
    policyKey: string,
    stage: Stage,
    start: Date,
  ): Promise<(StageDeadline & { policy: string; clockType: ClockType; seconds: number }) | null> {
    const row = await repo.policy(this.db, policyKey);
    if (!row) return null;
    const policy = this.toPolicy(row);
    const seconds = policy.stages[stage];
    if (seconds === undefined) return null;
    const deadline = stageDeadline(start, seconds, policy.clockType, await this.calendar(), policy.warning);
    return { ...deadline, policy: policy.key, clockType: policy.clockType, seconds };
  }

  // ——— deadline policies (E4) ———

  private toPolicy(row: NonNullable<Awaited<ReturnType<typeof repo.policy>>>): DeadlinePolicy {
    return {
      key: row.key,
      nameZh: row.nameZh,
      nameEn: row.nameEn,
      clockType: row.clockType as ClockType,
      stages: row.stages as Partial<Record<Stage, number>>,
      warning: { ratio: row.warnRatio, beforeSeconds: row.warnBeforeSeconds },
    };
  }

  async policies() {
    return (await repo.policies(this.db)).map(presentPolicy);
  }

  async policyView(key: string) {
    const row = await repo.policy(this.db, key);
    if (!row) throw errors.notFound(POLICY, key);
    return presentPolicy(row);
  }

  /** A policy by key for computing deadlines; 404 when unknown. */
  async policy(key: string): Promise<DeadlinePolicy> {
    const row = await repo.policy(this.db, key);
    if (!row) throw errors.notFound(POLICY, key);
    return this.toPolicy(row);
  }

  /** Creates or replaces a policy. Without any warning setting the warning comes at 80 % of a stage. */
  async putPolicy(key: string, body: PutDeadlinePolicyBody, actor: Actor) {
    const now = this.deps.clock.now();
    const existing = await repo.policy(this.db, key);
    const warnBeforeSeconds = body.warnBeforeSeconds ?? null;
    const warnRatio = body.warnRatio !== undefined ? body.warnRatio : warnBeforeSeconds === null ? 0.8 : null;
    const values = {
      nameZh: body.name.zh,
      nameEn: body.name.en,
      clockType: body.clockType,
      stages: body.stages as Record<string, number>,
      warnRatio,
      warnBeforeSeconds,
      rank: body.rank ?? existing?.rank ?? 100,
      updatedAt: now,
    };
    const saved = await this.write(async (tx) => {
      const [row] = await tx
        .insert(deadlinePolicies)
        .values({ key, ...values, createdAt: now })
        .onConflictDoUpdate({ target: deadlinePolicies.key, set: values })
        .returning();
      await recordAudit(tx, actor, now, [
        {
          action: existing ? 'deadline_policy.update' : 'deadline_policy.create',
          entity: 'deadline_policy',
          entityKey: key,
          detail: { ...body },
        },
      ]);
      return row!;
    });
    return { created: !existing, policy: presentPolicy(saved) };
  }

  // ——— working calendar ———

  private defaultWorkingTime(): WorkingTimeValue {
    return {
      weekdays: [...DEFAULT_WORKING_WEEKDAYS],
      periods: DEFAULT_WORKING_PERIODS.map((period) => ({
        start: formatClockTime(period.start),
        end: formatClockTime(period.end),
      })),
    };
  }

  async workingTime(executor: Executor = this.db): Promise<WorkingTimeValue> {
    const stored = (await repo.workingTime(executor)) as WorkingTimeValue | undefined;
    return stored ?? this.defaultWorkingTime();
  }

  async putWorkingTime(body: WorkingTimeValue, actor: Actor): Promise<WorkingTimeValue> {
    const problems = checkPeriods(body.periods, '/body/periods');
    if (problems.length) throw errors.invalid(problems);
    const value = { weekdays: [...body.weekdays].sort(), periods: body.periods };
    const now = this.deps.clock.now();
    await this.write(async (tx) => {
      await repo.saveWorkingTime(tx, value, now);
      await recordAudit(tx, actor, now, [
        { action: 'calendar.working_time', entity: 'calendar', entityKey: 'working_time', detail: value },
      ]);
    });
    return value;
  }

  async calendarYear(year: number) {
    const days = await repo.calendarDays(this.db, `${year}-01-01`, `${year}-12-31`);
    return { year, workingTime: await this.workingTime(), days: days.map(presentCalendarDay) };
  }

  /**
   * Replaces the overrides of one year (法定节假日, 调休上班, half days) by `days`: what is not listed becomes an
   * ordinary day of the default week. Days entered here are no longer marked as seeded defaults.
   */
  async putCalendarYear(year: number, days: CalendarDayInputValue[], actor: Actor) {
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    days.forEach((day, i) => {
      const field = `/body/days/${i}`;
      if (!isValidDate(day.date) || !day.date.startsWith(`${year}-`))
        problems.push({
          field: `${field}/date`,
          zh: `日期须是${year}年内的有效日期`,
          en: `must be a valid date in ${year}`,
        });
      if (seen.has(day.date))
        problems.push({ field: `${field}/date`, zh: '日期重复', en: 'date listed twice' });
      seen.add(day.date);
      if (day.periods && day.kind !== 'workday')
        problems.push({
          field: `${field}/periods`,
          zh: '只有工作日可设工作时段',
          en: 'only a workday has working periods',
        });
      if (day.periods) problems.push(...checkPeriods(day.periods, `${field}/periods`));
    });
    if (problems.length) throw errors.invalid(problems);
    const now = this.deps.clock.now();
    await this.write(async (tx) => {
      await tx
        .delete(calendarDays)
        .where(and(gte(calendarDays.day, `${year}-01-01`), lte(calendarDays.day, `${year}-12-31`)));
      if (days.length)
        await tx.insert(calendarDays).values(
          days.map((day) => ({
            day: day.date,
            kind: day.kind,
            nameZh: day.name?.zh ?? '',
            nameEn: day.name?.en ?? '',
            periods: day.periods ?? null,
            seeded: false,
            updatedAt: now,
          })),
        );
      await recordAudit(tx, actor, now, [
        {
          action: 'calendar.replace_year',
          entity: 'calendar',
          entityKey: String(year),
          detail: { days: days.length },
        },
      ]);
    });
    return this.calendarYear(year);
  }

  /**
   * The working calendar for deadline arithmetic (deadlines.ts): the default week and hours plus every day an
   * administrator (or the seed) set. Load it once per batch of computations; it changes only through the API.
   */
  /**
   * Remembered like the policies (cleared on every write through this service). A job handler passes its
   * transaction (`executor`): on PGlite a read through the pool would wait for that very transaction.
   */
  async calendar(executor: Executor = this.db): Promise<WorkingCalendar> {
    return this.remember('calendar', () => this.loadCalendar(executor), executor !== this.db);
  }

  private async loadCalendar(executor: Executor): Promise<WorkingCalendar> {
    const time = await this.workingTime(executor);
    const days = await repo.calendarDays(executor);
    return workingCalendar(
      days.map((day) => [
        day.day,
        { kind: day.kind as 'holiday' | 'workday', periods: day.periods ? toPeriods(day.periods) : null },
      ]),
      toPeriods(time.periods),
      time.weekdays,
    );
  }

  // ——— escalation ladders (E4) ———

  async ladders() {
    return {
      presets: LADDER_PRESETS.map((preset) => {
        const { gridCode: _owner, ...rest } = presentLadder({ ...ladderFromPreset('', preset) });
        return rest;
      }),
      ladders: (await repo.ladders(this.db)).map(presentLadder),
    };
  }

  /**
   * The ladder for an event: `gridChain` is the codes of the grids that hold the event, from the top level down (as
   * GridService.locate gives them, or a grid's ancestors then itself). The nearest grid of the chain that has its own
   * ladder wins (normally the street); otherwise the platform default; otherwise the seed-000 preset.
   */
  async ladderFor(gridChain: readonly string[]): Promise<EscalationLadder> {
    // every ladder is remembered at once: a city has a handful, and reports come from thousands of grids
    const byCode = await this.remember(
      'ladders',
      async () => new Map((await repo.ladders(this.db)).map((row) => [row.gridCode, row])),
    );
    for (let i = gridChain.length - 1; i >= 0; i--) {
      const row = byCode.get(gridChain[i]!);
      if (row) return ladderFromRow(row);
    }
    const fallback = byCode.get(DEFAULT_LADDER);
    if (fallback) return ladderFromRow(fallback);
    return ladderFromPreset(
      DEFAULT_LADDER,
      LADDER_PRESETS.find((preset) => preset.key === DEFAULT_LADDER_PRESET)!,
    );
  }

  /** The ladder that applies to a grid (its own, an ancestor's or the default); 404 for an unknown grid. */
  async ladderForGrid(gridCode: string): Promise<EscalationLadder> {
    if (gridCode === DEFAULT_LADDER) return this.ladderFor([]);
    const { row, ancestors } = await this.deps.grids.detail(gridCode, Scope.everything());
    return this.ladderFor([...ancestors.map((ancestor) => ancestor.code), row.code]);
  }

  async putLadder(gridCode: string, body: PutLadderBody, actor: Actor): Promise<EscalationLadder> {
    if (gridCode !== DEFAULT_LADDER && !(await this.deps.grids.resolveCodes([gridCode])).has(gridCode))
      throw errors.notFound(GRID, gridCode);
    const preset = body.preset
      ? LADDER_PRESETS.find((candidate) => candidate.key === body.preset)
      : undefined;
    if (!preset && (!body.levels || !body.name))
      throw errors.invalid([
        {
          field: body.levels ? '/body/name' : '/body/levels',
          zh: '请选择预设阶梯，或给出名称和各级',
          en: 'give a preset, or a name and the levels',
        },
      ]);
    const levels: LadderLevel[] = body.levels
      ? body.levels.map((level) => ({
          key: level.key,
          nameZh: level.name.zh,
          nameEn: level.name.en,
          notify: level.notify,
          climbAfterSeconds: level.climbAfterSeconds,
        }))
      : preset!.levels;
    const problems: FieldProblem[] = [];
    const known = new Set((await this.deps.grids.levels()).map((level) => level.key));
    const keys = new Set<string>();
    levels.forEach((level, i) => {
      const last = i === levels.length - 1;
      if (keys.has(level.key))
        problems.push({ field: `/body/levels/${i}/key`, zh: '级别键重复', en: 'level key used twice' });
      keys.add(level.key);
      if (last !== (level.climbAfterSeconds === null))
        problems.push({
          field: `/body/levels/${i}/climbAfterSeconds`,
          zh: last ? '最高一级不再升级，须为 null' : '除最高一级外须给出升级时间',
          en: last ? 'the top level climbs no further: null' : 'every level below the top needs a climb time',
        });
      level.notify.forEach((target, j) => {
        if (!known.has(target.gridLevel))
          problems.push({
            field: `/body/levels/${i}/notify/${j}/gridLevel`,
            zh: '网格层级不存在',
            en: 'unknown grid level',
          });
      });
    });
    if (problems.length)
      throw errors.unprocessable(
        'invalid_ladder',
        '升级阶梯不合规',
        'The escalation ladder breaks a rule',
        problems,
      );
    const ladder: EscalationLadder = {
      gridCode,
      preset: body.levels ? null : preset!.key,
      nameZh: body.name?.zh ?? preset!.nameZh,
      nameEn: body.name?.en ?? preset!.nameEn,
      clockType: body.clockType ?? preset?.clockType ?? 'continuous',
      levels,
    };
    if (!CLOCK_TYPES.includes(ladder.clockType))
      throw invalid('/body/clockType', '计时方式不正确', 'unknown clock type');
    const now = this.deps.clock.now();
    await this.write(async (tx) => {
      const { gridCode: _key, ...values } = ladder;
      await tx
        .insert(escalationLadders)
        .values({ ...ladder, updatedAt: now })
        .onConflictDoUpdate({ target: escalationLadders.gridCode, set: { ...values, updatedAt: now } });
      await recordAudit(tx, actor, now, [
        {
          action: 'escalation_ladder.save',
          entity: 'escalation_ladder',
          entityKey: gridCode,
          detail: { preset: ladder.preset, levels: levels.length },
        },
      ]);
    });
    return ladder;
  }

  /** Removes a grid's own ladder, so the grid falls back to the one above; the platform default stays. */
  async deleteLadder(gridCode: string, actor: Actor): Promise<void> {
    if (gridCode === DEFAULT_LADDER)
      throw errors.unprocessable(
        'default_ladder_required',
        '默认升级阶梯不能删除，可修改',
        'The default ladder cannot be deleted; edit it instead',
      );
    const now = this.deps.clock.now();
    await this.write(async (tx) => {
      const removed = await tx
        .delete(escalationLadders)
        .where(eq(escalationLadders.gridCode, gridCode))
        .returning({ gridCode: escalationLadders.gridCode });
      if (removed.length === 0) throw errors.notFound(LADDER, gridCode);
      await recordAudit(tx, actor, now, [
        { action: 'escalation_ladder.delete', entity: 'escalation_ladder', entityKey: gridCode },
      ]);
    });
  }
}
