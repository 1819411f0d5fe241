import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { rowsOf } from '../core/db.js';
import { buildTestApp, login, type TestApp } from '../../test/helpers.js';
import {
  A11,
  D,
  M111,
  M21,
  PASSWORD,
  S1,
  S2,
  createRoleUsers,
  importSmallMap,
} from '../../test/grid-fixtures.js';
import { dueAt } from './deadlines.js';

type Headers = { authorization: string };
interface CategoryBody {
  code: string;
  parentCode: string | null;
  level: number;
  name: { zh: string; en: string };
  deadlinePolicy: string | null;
  effectivePolicy: string;
  filingStandards: { zh: string; en: string }[];
  closingStandards: { zh: string; en: string }[];
  active: boolean;
  children?: CategoryBody[];
}
interface LadderBody {
  gridCode: string;
  preset: string | null;
  name: { zh: string; en: string };
  levels: {
    key: string;
    name: { zh: string; en: string };
    notify: unknown[];
    climbAfterSeconds: number | null;
  }[];
  inherited?: boolean;
}

const at = (text: string) => new Date(`${text}+08:00`);
const iso = (date: Date | null) =>
  date ? new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19) : null;

describe('event catalogue, deadline policies, calendar and escalation ladders through the API', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-11-25T09:00:00+08:00');
  const as: Record<string, Headers> = {};

  async function count(table: string, where = 'true'): Promise<number> {
    const [row] = rowsOf<{ n: number }>(
      await t.database.db.execute(sql.raw(`select count(*)::int as n from ${table} where ${where}`)),
    );
    return row!.n;
  }

  beforeAll(async () => {
    t = await buildTestApp({ clock });
    await importSmallMap(t.services);
    await createRoleUsers(t.services);
    for (const username of ['admin', 'worker111', 'centre1', 'resident111'])
      as[username] = await login(t.app, username, PASSWORD);
  });
  afterAll(async () => t.close());

  const get = (url: string, user = 'admin') => t.app.inject({ method: 'GET', url, headers: as[user] });
  const send = (
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    user = 'admin',
  ) =>
    t.app.inject({
      method,
      url,
      headers: as[user],
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  describe('the seeded catalogue (E9)', () => {
    it('has the fourteen agreed major classes, each with minors that carry filing and closing standards', async () => {
      const response = await get('/api/categories', 'resident111');
      expect(response.statusCode).toBe(200);
      const tree = response.json<CategoryBody[]>();
      expect(tree.map((major) => major.code)).toEqual([
        '01',
        '02',
        '03',
        '04',
        '05',
        '06',
        '07',
        '08',
        '09',
        '10',
        '11',
        '12',
        '13',
        '14',
      ]);
      const minors = tree.flatMap((major) => major.children!);
      expect(minors.length).toBeGreaterThanOrEqual(80);
      expect(minors.length).toBeLessThanOrEqual(130);
      const policies = new Set(
        (await get('/api/deadline-policies')).json<{ key: string }[]>().map((p) => p.key),
      );
      for (const minor of minors) {
        expect(minor.code.slice(0, 2), minor.code).toBe(minor.parentCode);
        expect(minor.filingStandards.length, minor.code).toBeGreaterThan(0);
        expect(minor.closingStandards.length, minor.code).toBeGreaterThan(0);
        expect(minor.filingStandards[0]!.en.length, minor.code).toBeGreaterThan(0);
        expect(policies.has(minor.effectivePolicy), minor.code).toBe(true);
      }
      const byCode = new Map(minors.map((minor) => [minor.code, minor]));
      expect(byCode.get('0701')!.name.zh).toBe('消防通道堵塞');
      expect(byCode.get('0702')!.name).toEqual({ zh: '消火栓', en: 'Hydrant' });
      expect(minors.some((minor) => minor.parentCode === '03' && minor.name.zh.includes('渣土'))).toBe(true);
      expect(tree.find((major) => major.code === '08')!.name.zh).toBe('防汛防台');
    });

    it('answers one class with its effective policy, 404 for an unknown code and 400 for a malformed one', async () => {
      const hydrant = (await get('/api/categories/0702', 'worker111')).json<CategoryBody>();
      expect(hydrant).toMatchObject({ deadlinePolicy: 'urgent', effectivePolicy: 'urgent', level: 2 });
      const garbage = (await get('/api/categories/0101')).json<CategoryBody>();
      expect(garbage).toMatchObject({ deadlinePolicy: null, effectivePolicy: 'general' });
      const major = (await get('/api/categories/09')).json<CategoryBody>();
      expect(major.children!.length).toBeGreaterThan(3);
      expect((await get('/api/categories/9999')).statusCode).toBe(404);
      expect((await get('/api/categories/abc')).statusCode).toBe(400);
      expect((await t.app.inject({ url: '/api/categories' })).statusCode).toBe(401);
    });

    it('resolves the policy of a minor class from its own key or its major class', async () => {
      expect((await t.services.catalogue.resolvePolicy('0702')).key).toBe('urgent');
      const disputes = await t.services.catalogue.resolvePolicy('0901');
      expect(disputes).toMatchObject({ key: 'difficult', clockType: 'continuous' });
      expect(disputes.stages.consult).toBe(48 * 3600);
      await expect(t.services.catalogue.resolvePolicy('9999')).rejects.toMatchObject({ status: 404 });
      const respond = await t.services.catalogue.stageDeadlineFor(
        '0702',
        'respond',
        at('2026-11-25T09:00:00'),
      );
      expect(respond).toMatchObject({ policy: 'urgent', clockType: 'continuous', seconds: 1800 });
      expect([iso(respond!.warnAt), iso(respond!.dueAt)]).toEqual([
        '2026-11-25T09:20:00',
        '2026-11-25T09:30:00',
      ]);
      expect(
        await t.services.catalogue.stageDeadlineFor('0702', 'plan', at('2026-11-25T09:00:00')),
      ).toBeNull();
      // a complex matter's plan: 7 natural days, the start day not counted
      const plan = await t.services.catalogue.stageDeadlineFor('0907', 'plan', at('2026-11-25T15:00:00'));
      expect(iso(plan!.dueAt)).toBe('2026-12-03T00:00:00');
    });
  });

  describe('admin edits of the catalogue', () => {
    it('adds a minor class and refuses bad ones with 4xx, writing nothing', async () => {
      const before = await count('event_categories');
      const created = await send('POST', '/api/categories', {
        code: '0115',
        name: { zh: '共享单车堆积', en: 'Piled-up shared bikes' },
        filingStandards: [{ zh: '堆积超过10辆', en: 'More than ten bikes' }],
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json<CategoryBody>()).toMatchObject({
        parentCode: '01',
        level: 2,
        effectivePolicy: 'general',
      });

      const refused: [unknown, number, string?][] = [
        [{ code: '0115', name: { zh: '重复', en: 'Again' } }, 409, 'duplicate_category'],
        [{ code: '9901', name: { zh: '无大类', en: 'No major' } }, 422, 'unknown_parent'],
        [{ code: '0116', parentCode: '02', name: { zh: '错位', en: 'Wrong parent' } }, 400, 'invalid'],
        [{ code: '15', parentCode: '01', name: { zh: '大类', en: 'Major' } }, 400, 'invalid'],
        [
          { code: '0117', name: { zh: '策略', en: 'Policy' }, deadlinePolicy: 'nonsense' },
          422,
          'unknown_policy',
        ],
        [{ code: '011', name: { zh: '三位', en: 'Three digits' } }, 400, 'invalid'],
        [{ code: '0118', name: { zh: '', en: 'Empty' } }, 400, 'invalid'],
      ];
      for (const [body, status, code] of refused) {
        const response = await send('POST', '/api/categories', body);
        expect(response.statusCode, JSON.stringify(body)).toBe(status);
        expect(response.headers['content-type']).toContain('application/problem+json');
        if (code) expect(response.json<{ code: string }>().code).toBe(code);
      }
      const asWorker = await send(
        'POST',
        '/api/categories',
        { code: '0119', name: { zh: '员', en: 'W' } },
        'worker111',
      );
      expect(asWorker.statusCode).toBe(403);
      const asCentre = await send('PATCH', '/api/categories/0101', { rank: 1 }, 'centre1');
      expect(asCentre.statusCode).toBe(403);
      expect(await count('event_categories')).toBe(before + 1);
    });

    it('deactivates instead of deleting: a major class takes its minors along, and ?active hides them', async () => {
      const response = await send('PATCH', '/api/categories/13', { active: false });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<CategoryBody>().active).toBe(false);
      const greenery = (await get('/api/categories/13')).json<CategoryBody>();
      expect(greenery.children!.every((minor) => !minor.active)).toBe(true);
      const activeTree = (await get('/api/categories?active=true')).json<CategoryBody[]>();
      expect(activeTree.some((major) => major.code === '13')).toBe(false);
      const fullTree = (await get('/api/categories')).json<CategoryBody[]>();
      expect(fullTree.some((major) => major.code === '13')).toBe(true);
      const reactivate = await send('PATCH', '/api/categories/1301', { active: true });
      expect(reactivate.statusCode).toBe(422);
      expect(await count('audit_log', `action = 'category.deactivate' and entity_key = '13'`)).toBe(1);
      expect((await send('PATCH', '/api/categories/13', { active: true })).statusCode).toBe(200);
      expect((await send('PATCH', '/api/categories/1301', { active: true })).statusCode).toBe(200);
      expect((await send('PATCH', '/api/categories/9998', { rank: 3 })).statusCode).toBe(404);
      expect((await send('PATCH', '/api/categories/1301', {})).statusCode).toBe(400);
    });

    it('changing a minor’s policy to null makes it inherit its major’s again', async () => {
      expect((await send('PATCH', '/api/categories/0101', { deadlinePolicy: 'urgent' })).statusCode).toBe(
        200,
      );
      expect((await t.services.catalogue.resolvePolicy('0101')).key).toBe('urgent');
      expect((await send('PATCH', '/api/categories/0101', { deadlinePolicy: null })).statusCode).toBe(200);
      expect((await t.services.catalogue.resolvePolicy('0101')).key).toBe('general');
    });
  });

  describe('deadline policies (E4)', () => {
    it('are seeded from the three-level loop: 24 h response, 48 h consultation, a plan in 7 days', async () => {
      const policies = (await get('/api/deadline-policies', 'worker111')).json<
        { key: string; clockType: string; stages: Record<string, number> }[]
      >();
      const byKey = new Map(policies.map((policy) => [policy.key, policy]));
      expect([...byKey.keys()]).toEqual(
        expect.arrayContaining(['general', 'difficult', 'complex', 'urgent', 'hotline']),
      );
      expect(byKey.get('general')!.stages.respond).toBe(86_400);
      expect(byKey.get('difficult')!.stages.consult).toBe(172_800);
      expect(byKey.get('complex')!.stages.plan).toBe(7 * 86_400);
      expect(byKey.get('urgent')!.clockType).toBe('continuous');
    });

    it('are editable by the administrator only, with bad bodies refused', async () => {
      const body = {
        name: { zh: '一般问题', en: 'General matter' },
        clockType: 'working_hours',
        stages: { respond: 30, handle: 120 },
        warnBeforeSeconds: 10,
      };
      const updated = await send('PUT', '/api/deadline-policies/general', body);
      expect(updated.statusCode, updated.body).toBe(200);
      expect(updated.json()).toMatchObject({
        clockType: 'working_hours',
        stages: { respond: 30 },
        warnRatio: null,
      });
      const policy = await t.services.catalogue.resolvePolicy('0103');
      expect(policy).toMatchObject({ clockType: 'working_hours', warning: { beforeSeconds: 10 } });
      const created = await send('PUT', '/api/deadline-policies/demo_fast', {
        name: { zh: '演示', en: 'Demo' },
        clockType: 'continuous',
        stages: { handle: 60 },
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ warnRatio: 0.8 });
      for (const bad of [
        { ...body, clockType: 'lunar' },
        { ...body, stages: {} },
        { ...body, stages: { handle: -5 } },
        { ...body, stages: { dance: 5 } },
        { ...body, warnRatio: 1.5 },
      ]) {
        const response = await send('PUT', '/api/deadline-policies/general', bad);
        expect(response.statusCode, JSON.stringify(bad)).toBe(400);
      }
      expect((await send('PUT', '/api/deadline-policies/general', body, 'worker111')).statusCode).toBe(403);
      expect((await get('/api/deadline-policies/nope')).statusCode).toBe(404);
      expect((await get('/api/deadline-policies/general')).json()).toMatchObject({ stages: { respond: 30 } });
    });
  });

  describe('the working calendar', () => {
    it('is seeded with China’s 2026 holidays and make-up workdays, marked as defaults to check', async () => {
      const year = (await get('/api/calendar/2026', 'worker111')).json<{
        days: { date: string; kind: string; seeded: boolean }[];
        workingTime: { weekdays: number[]; periods: { start: string; end: string }[] };
      }>();
      const byDate = new Map(year.days.map((day) => [day.date, day]));
      expect(byDate.get('2026-02-17')).toMatchObject({ kind: 'holiday', seeded: true });
      expect(byDate.get('2026-02-14')).toMatchObject({ kind: 'workday', seeded: true });
      expect(byDate.get('2026-10-01')).toMatchObject({ kind: 'holiday' });
      expect(year.workingTime).toEqual({
        weekdays: [1, 2, 3, 4, 5],
        periods: [
          { start: '09:00', end: '12:00' },
          { start: '13:30', end: '17:30' },
        ],
      });
    });

    it('edits change dueAt: removing a make-up Saturday, moving the working hours', async () => {
      const start = at('2026-10-09T17:00:00');
      const due = async () => iso(dueAt(start, 3600, 'working_hours', await t.services.catalogue.calendar()));
      expect(await due()).toBe('2026-10-10T09:30:00');

      const current = (await get('/api/calendar/2026')).json<{
        days: { date: string; kind: 'holiday' | 'workday'; name: { zh: string; en: string } }[];
      }>();
      const withoutOct10 = current.days
        .filter((day) => day.date !== '2026-10-10')
        .map((day) => ({ date: day.date, kind: day.kind, name: day.name }));
      const put = await send('PUT', '/api/calendar/2026', { days: withoutOct10 });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json<{ days: { seeded: boolean }[] }>().days.every((day) => !day.seeded)).toBe(true);
      expect(await due()).toBe('2026-10-12T09:30:00');

      const hours = await send('PUT', '/api/calendar/working-time', {
        weekdays: [1, 2, 3, 4, 5, 6],
        periods: [{ start: '08:30', end: '17:00' }],
      });
      expect(hours.statusCode, hours.body).toBe(200);
      // Friday 17:00 is now after hours; Saturday Oct 10 is a working weekday from 08:30
      expect(await due()).toBe('2026-10-10T09:30:00');
      expect(
        iso(dueAt(at('2026-10-09T16:30:00'), 3600, 'working_hours', await t.services.catalogue.calendar())),
      ).toBe('2026-10-10T09:00:00');
      await send('PUT', '/api/calendar/working-time', {
        weekdays: [1, 2, 3, 4, 5],
        periods: [
          { start: '09:00', end: '12:00' },
          { start: '13:30', end: '17:30' },
        ],
      });
    });

    it('refuses bad days and hours with 400 and keeps the calendar as it was', async () => {
      const before = await count('calendar_days');
      const bad: [string, unknown][] = [
        ['/api/calendar/2026', { days: [{ date: '2027-01-01', kind: 'holiday' }] }],
        ['/api/calendar/2026', { days: [{ date: '2026-02-30', kind: 'holiday' }] }],
        [
          '/api/calendar/2026',
          {
            days: [
              { date: '2026-03-02', kind: 'holiday' },
              { date: '2026-03-02', kind: 'workday' },
            ],
          },
        ],
        [
          '/api/calendar/2026',
          { days: [{ date: '2026-03-02', kind: 'holiday', periods: [{ start: '09:00', end: '10:00' }] }] },
        ],
        ['/api/calendar/2026', { days: [{ date: '2026-03-02', kind: 'nap' }] }],
        ['/api/calendar/1700', { days: [] }],
        ['/api/calendar/working-time', { weekdays: [1], periods: [{ start: '12:00', end: '09:00' }] }],
        [
          '/api/calendar/working-time',
          {
            weekdays: [1],
            periods: [
              { start: '09:00', end: '12:00' },
              { start: '11:00', end: '13:00' },
            ],
          },
        ],
        ['/api/calendar/working-time', { weekdays: [8], periods: [{ start: '09:00', end: '12:00' }] }],
      ];
      for (const [url, body] of bad) {
        const response = await send('PUT', url, body);
        expect(response.statusCode, `${url} ${JSON.stringify(body)} → ${response.body}`).toBe(400);
      }
      expect((await send('PUT', '/api/calendar/2026', { days: [] }, 'centre1')).statusCode).toBe(403);
      expect(await count('calendar_days')).toBe(before);
    });
  });

  describe('escalation ladders (E4)', () => {
    it('fall back to the seeded three-level loop until a street sets its own', async () => {
      const response = await get(`/api/escalation-ladders/${M111}`, 'worker111');
      expect(response.statusCode, response.body).toBe(200);
      const ladder = response.json<LadderBody>();
      expect(ladder).toMatchObject({ gridCode: 'default', inherited: true, preset: 'three_level_loop' });
      expect(ladder.levels.map((level) => level.name.zh)).toEqual(['组内联动', '网格销号', '党工委提级处置']);
      expect(ladder.levels.map((level) => level.climbAfterSeconds)).toEqual([86_400, 172_800, null]);
    });

    it('a street’s ladder applies to its grids only; removing it falls back to the default', async () => {
      const put = await send('PUT', `/api/escalation-ladders/${S1}`, { preset: 'three_level_response' });
      expect(put.statusCode, put.body).toBe(200);
      const inS1 = (await get(`/api/escalation-ladders/${M111}`)).json<LadderBody>();
      expect(inS1).toMatchObject({ gridCode: S1, inherited: true, preset: 'three_level_response' });
      expect(inS1.levels.map((level) => level.name.zh)).toEqual([
        '村居网格长自治',
        '片区网格长共治',
        '街镇总网格长牵头',
      ]);
      expect((await get(`/api/escalation-ladders/${S1}`)).json<LadderBody>().inherited).toBe(false);
      expect((await get(`/api/escalation-ladders/${M21}`)).json<LadderBody>().gridCode).toBe('default');

      expect((await t.services.catalogue.ladderFor([D, S1, A11, M111])).gridCode).toBe(S1);
      expect((await t.services.catalogue.ladderFor([D, S2, M21])).gridCode).toBe('default');
      expect((await t.services.catalogue.ladderFor([])).gridCode).toBe('default');

      const list = (await get('/api/escalation-ladders')).json<{
        presets: unknown[];
        ladders: LadderBody[];
      }>();
      expect(list.presets).toHaveLength(2);
      expect(list.ladders.map((l) => l.gridCode).sort()).toEqual([S1, 'default'].sort());

      expect((await send('DELETE', `/api/escalation-ladders/${S1}`)).statusCode).toBe(204);
      expect((await t.services.catalogue.ladderFor([D, S1, A11, M111])).gridCode).toBe('default');
      expect((await send('DELETE', `/api/escalation-ladders/${S1}`)).statusCode).toBe(404);
      expect((await send('DELETE', '/api/escalation-ladders/default')).statusCode).toBe(422);
    });

    it('custom levels are checked; an edited default applies everywhere without a ladder of its own', async () => {
      const levels = [
        {
          key: 'worker',
          name: { zh: '网格员', en: 'Grid worker' },
          notify: [{ role: 'grid_worker', gridLevel: 'microGrid' }],
          climbAfterSeconds: 30,
        },
        {
          key: 'centre',
          name: { zh: '城运中心', en: 'Command centre' },
          notify: [{ role: 'command_centre', gridLevel: 'street' }],
          climbAfterSeconds: null,
        },
      ];
      const saved = await send('PUT', '/api/escalation-ladders/default', {
        name: { zh: '演示阶梯', en: 'Demo ladder' },
        clockType: 'continuous',
        levels,
      });
      expect(saved.statusCode, saved.body).toBe(200);
      const ladder = await t.services.catalogue.ladderFor([D, S2, M21]);
      expect(ladder).toMatchObject({ gridCode: 'default', preset: null, nameEn: 'Demo ladder' });
      expect(ladder.levels[0]!.climbAfterSeconds).toBe(30);

      const refused: [string, unknown, number][] = [
        [
          S2,
          { name: { zh: 'x', en: 'x' }, levels: [{ ...levels[0], climbAfterSeconds: null }, levels[1]] },
          422,
        ],
        [S2, { name: { zh: 'x', en: 'x' }, levels: [levels[0]] }, 422],
        [S2, { name: { zh: 'x', en: 'x' }, levels: [levels[0], levels[0], levels[1]] }, 422],
        [
          S2,
          {
            name: { zh: 'x', en: 'x' },
            levels: [{ ...levels[0], notify: [{ role: 'grid_worker', gridLevel: 'galaxy' }] }, levels[1]],
          },
          422,
        ],
        [S2, { levels }, 400],
        [S2, { preset: 'no_such_preset' }, 400],
        [
          S2,
          {
            name: { zh: 'x', en: 'x' },
            levels: [{ ...levels[0], notify: [{ role: 'king', gridLevel: 'street' }] }],
          },
          400,
        ],
        ['310113999', { preset: 'three_level_loop' }, 404],
      ];
      for (const [code, body, status] of refused) {
        const response = await send('PUT', `/api/escalation-ladders/${code}`, body);
        expect(response.statusCode, `${JSON.stringify(body)} → ${response.body}`).toBe(status);
      }
      expect(
        (await send('PUT', `/api/escalation-ladders/${S2}`, { preset: 'three_level_loop' }, 'centre1'))
          .statusCode,
      ).toBe(403);
      expect(await count('escalation_ladders')).toBe(1);
      expect((await get('/api/escalation-ladders/310113999')).statusCode).toBe(404);
    });
  });

  it('seeds once: a later start keeps the administrator’s edits', async () => {
    expect(await t.services.catalogue.seedDefaults()).toBe(false);
    const general = (await get('/api/deadline-policies/general')).json<{ clockType: string }>();
    expect(general.clockType).toBe('working_hours');
    expect(await count('settings', `key = 'catalogue.seeded'`)).toBe(1);
  });
});
