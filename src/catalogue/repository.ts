import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Executor } from '../core/db.js';
import { settings } from '../core/settings.js';
import { calendarDays, deadlinePolicies, escalationLadders, eventCategories } from './tables.js';

export type CategoryRow = typeof eventCategories.$inferSelect;
export type PolicyRow = typeof deadlinePolicies.$inferSelect;
export type CalendarDayRow = typeof calendarDays.$inferSelect;
export type LadderRow = typeof escalationLadders.$inferSelect;

/** The setting that holds the default working week and hours. */
export const WORKING_TIME_KEY = 'catalogue.working_time';

/** All queries of the catalogue, deadline policies, calendar and ladders. */
export const catalogueRepository = {
  async categories(executor: Executor): Promise<CategoryRow[]> {
    return executor
      .select()
      .from(eventCategories)
      .orderBy(asc(eventCategories.level), asc(eventCategories.rank), asc(eventCategories.code));
  },

  async category(executor: Executor, code: string): Promise<CategoryRow | undefined> {
    const [row] = await executor.select().from(eventCategories).where(eq(eventCategories.code, code));
    return row;
  },

  async children(executor: Executor, code: string): Promise<CategoryRow[]> {
    return executor
      .select()
      .from(eventCategories)
      .where(eq(eventCategories.parentCode, code))
      .orderBy(asc(eventCategories.rank), asc(eventCategories.code));
  },

  async policies(executor: Executor): Promise<PolicyRow[]> {
    return executor
      .select()
      .from(deadlinePolicies)
      .orderBy(asc(deadlinePolicies.rank), asc(deadlinePolicies.key));
  },

  async policy(executor: Executor, key: string): Promise<PolicyRow | undefined> {
    const [row] = await executor.select().from(deadlinePolicies).where(eq(deadlinePolicies.key, key));
    return row;
  },

  async calendarDays(executor: Executor, from?: string, to?: string): Promise<CalendarDayRow[]> {
    const conditions = [
      ...(from ? [gte(calendarDays.day, from)] : []),
      ...(to ? [lte(calendarDays.day, to)] : []),
    ];
    return executor
      .select()
      .from(calendarDays)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(asc(calendarDays.day));
  },

  async workingTime(executor: Executor): Promise<unknown> {
    const [row] = await executor.select().from(settings).where(eq(settings.key, WORKING_TIME_KEY));
    return row?.value;
  },

  async saveWorkingTime(executor: Executor, value: unknown, at: Date): Promise<void> {
    await executor
      .insert(settings)
      .values({ key: WORKING_TIME_KEY, value, updatedAt: at })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: at } });
  },

  async ladders(executor: Executor): Promise<LadderRow[]> {
    return executor.select().from(escalationLadders).orderBy(asc(escalationLadders.gridCode));
  },

  async laddersOf(executor: Executor, gridCodes: string[]): Promise<LadderRow[]> {
    if (gridCodes.length === 0) return [];
    return executor
      .select()
      .from(escalationLadders)
      .where(sql`${escalationLadders.gridCode} = any(${sql.param(gridCodes)}::text[])`);
  },
};
