import { Type } from 'typebox';
import { sql } from 'drizzle-orm';
import type { AuthUser } from '../accounts/auth.js';
import type { Clock } from '../core/clock.js';
import { rowsOf, type Database } from '../core/db.js';
import { errors } from '../core/errors.js';
import type { CreateEventBody } from '../events/schema.js';
import type { EventService } from '../events/service.js';

/** 未诉先办 policy: a hotspot is `minCount` reports of one category in one cell within `days` days. */
export interface ProactivePolicy {
  /** Side of a cell in metres (about a building's surroundings). Default 100. */
  cellMetres: number;
  minCount: number;
  days: number;
}
export const defaultProactivePolicy: ProactivePolicy = { cellMetres: 100, minCount: 3, days: 30 };

export const HotspotKey = Type.String({ pattern: '^[0-9]{4}-[0-9]{1,9}-[0-9]{1,9}$' });
export const Hotspot = Type.Object({
  key: Type.String(),
  categoryCode: Type.String(),
  count: Type.Integer(),
  eventIds: Type.Array(Type.Integer()),
  centre: Type.Object({ lng: Type.Number(), lat: Type.Number() }),
  taskEventId: Type.Union([Type.Integer(), Type.Null()], { description: 'the open proactive task, if any' }),
});
export const HotspotList = Type.Object({ items: Type.Array(Hotspot) });

const METRES_PER_DEGREE = 111_320;

function cellOf(lng: number, lat: number, metres: number): { x: number; y: number } {
  const y = Math.floor((lat * METRES_PER_DEGREE) / metres);
  // the width of a degree of longitude at the cell's latitude band (whole degrees: stable across a cell)
  const x = Math.floor((lng * METRES_PER_DEGREE * Math.cos((Math.floor(lat) * Math.PI) / 180)) / metres);
  return { x, y };
}

interface Row {
  id: number;
  category_code: string;
  lng: number;
  lat: number;
  source: string;
  state: string;
}

/** 未诉先办 (E8): recurring problems found in the events, turned into proactive tasks. */
export class ProactiveService {
  constructor(
    private readonly deps: {
      database: Database;
      clock: Clock;
      events: EventService;
      policy?: ProactivePolicy;
    },
  ) {}

  private get policy(): ProactivePolicy {
    return this.deps.policy ?? defaultProactivePolicy;
  }

  async hotspots(user: AuthUser, gridCode?: string) {
    let gridCondition = sql`true`;
    if (gridCode) {
      const [grid] = rowsOf<{ path: string }>(
        await this.deps.database.db.execute(sql`select path from grids where code = ${gridCode}`),
      );
      if (!grid || !user.scope.coversPath(grid.path))
        throw errors.notFound({ zh: '网格', en: 'Grid' }, gridCode);
      gridCondition = sql`e.grid_path like ${`${grid.path}%`}`;
    }
    const since = new Date(this.deps.clock.now().getTime() - this.policy.days * 86_400_000);
    const rows = rowsOf<Row>(
      await this.deps.database.db.execute(sql`
        select e.id, e.category_code, e.lng, e.lat, e.source, e.state from events e
        where ${user.scope.pathCondition(sql`e.grid_path`)} and ${gridCondition}
          and (e.created_at >= ${since} or (e.source = 'proactive' and e.state not in ('closed', 'rated', 'cancelled')))
        order by e.id`),
    );
    const groups = new Map<string, { reports: Row[]; task: number | null }>();
    for (const row of rows) {
      const cell = cellOf(row.lng, row.lat, this.policy.cellMetres);
      const key = `${row.category_code}-${cell.x}-${cell.y}`;
      const group = groups.get(key) ?? { reports: [], task: null };
      if (row.source === 'proactive') {
        if (!['closed', 'rated', 'cancelled'].includes(row.state)) group.task = row.id;
      } else group.reports.push(row);
      groups.set(key, group);
    }
    const items = [...groups.entries()]
      .filter(([, group]) => group.reports.length >= this.policy.minCount)
      .map(([key, group]) => ({
        key,
        categoryCode: group.reports[0]!.category_code,
        count: group.reports.length,
        eventIds: group.reports.map((row) => row.id),
        centre: {
          lng: group.reports.reduce((sum, row) => sum + row.lng, 0) / group.reports.length,
          lat: group.reports.reduce((sum, row) => sum + row.lat, 0) / group.reports.length,
        },
        taskEventId: group.task,
      }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    return { items };
  }

  /** Turns a hotspot into a proactive event (source proactive); one open task per hotspot. */
  async task(key: string, user: AuthUser) {
    const hotspot = (await this.hotspots(user)).items.find((item) => item.key === key);
    if (!hotspot) throw errors.notFound({ zh: '高发点', en: 'Hotspot' }, key);
    if (hotspot.taskEventId !== null) {
      throw errors.conflict(
        'task_exists',
        '该高发点已有未办结的主动任务',
        'The hotspot already has an open task',
        {
          eventId: hotspot.taskEventId,
        },
      );
    }
    return this.deps.events.report(
      {
        source: 'proactive',
        categoryCode: hotspot.categoryCode,
        title: `未诉先办：同类问题${this.policy.days}天内${hotspot.count}次`,
        description: `高发点 ${key}，相关事件 ${hotspot.eventIds.join(', ')}`,
        location: hotspot.centre,
      } as unknown as CreateEventBody,
      user,
    );
  }
}
