/**
 * 群众提事 the resident page's API: raise without signing in, follow by number and code, rate once when closed, the
 * staff's report on behalf of a resident, and the anti-abuse limits. On the small map (two streets side by side).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { ManualClock } from '../core/clock.js';
import { rowsOf, type Database } from '../core/db.js';
import type { App } from '../core/http.js';
import { decide, type MachineActor, type MachineEvent } from '../events/machine.js';
import { engine, freshDatabase, login, testConfig } from '../../test/helpers.js';
import { buildDepartment } from '../../test/factories.js';
import { createRoleUsers, importSmallMap, PASSWORD } from '../../test/grid-fixtures.js';
import { loggedUrl } from '../core/http.js';
import { followCode, followCodeMatches, normaliseFollowCode } from './follow.js';

type Headers = Record<string, string>;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
/** Inside micro-grid M111 of street S1. */
const HERE = { lng: 121.42, lat: 31.32 };

describe('follow codes (pure)', () => {
  const secret = Buffer.from('a test secret of some length');

  it('are 8 symbols, differ per event and per secret, and read back forgivingly', () => {
    const code = followCode(secret, 42);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(followCode(secret, 43)).not.toBe(code);
    expect(followCode(Buffer.from('another secret'), 42)).not.toBe(code);
    const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`.replace(/0/g, 'o');
    expect(normaliseFollowCode(typed)).toBe(code);
    expect(followCodeMatches(secret, 42, typed)).toBe(true);
    expect(followCodeMatches(secret, 43, code)).toBe(false);
    expect(followCodeMatches(secret, 42, '')).toBe(false);
    expect(followCodeMatches(secret, 42, `${code}X`)).toBe(false);
  });
});

describe('request logs (pure)', () => {
  it('mask the follow code of an address and keep the rest', () => {
    expect(loggedUrl('/api/public/matters/E20261125-000001?code=AB12CD34')).toBe(
      '/api/public/matters/E20261125-000001?code=***',
    );
    expect(loggedUrl('/r?n=E20261125-000001&c=ab12cd34&tab=follow')).toBe(
      '/r?n=E20261125-000001&c=***&tab=follow',
    );
    expect(loggedUrl('/api/events?category=0101')).toBe('/api/events?category=0101');
  });
});

describe('the rate rule of the machine with a follow code (pure)', () => {
  const closed: MachineEvent = {
    state: 'closed',
    gridPath: '/1/2/',
    reporterUserId: 7,
    claimedBy: null,
    fieldCheckUserId: null,
    assignedDepartmentId: null,
    handlingGridPath: null,
    selfHandled: false,
    suspendedFrom: null,
    pendingRequest: null,
    selfHandlingAllowed: false,
  };
  const resident = (overrides: Partial<MachineActor> = {}): MachineActor => ({
    userId: 99,
    roles: ['resident'],
    departmentId: null,
    covers: () => false,
    ...overrides,
  });

  it('a staff reporter still rates his own; another user may not; a resident with a verified code may', () => {
    expect(decide('rate', closed, resident({ userId: 7, roles: ['grid_worker'] })).ok).toBe(true);
    expect(decide('rate', closed, resident({ roles: ['grid_worker'] })).ok).toBe(false);
    expect(decide('rate', closed, resident()).ok).toBe(false);
    expect(decide('rate', closed, resident({ followCode: 'verified' }))).toEqual({ ok: true, to: 'rated' });
    // the code opens rating only, and only once the event is closed
    expect(decide('close', { ...closed, state: 'verified' }, resident({ followCode: 'verified' })).ok).toBe(
      false,
    );
    expect(decide('rate', { ...closed, state: 'rated' }, resident({ followCode: 'verified' })).ok).toBe(
      false,
    );
  });
});

describe(`residents: raise, follow, rate (${engine})`, () => {
  const clock = new ManualClock('2026-11-25T10:00:00+08:00');
  let database: Database;
  let app: App;
  let close: () => Promise<void>;
  const as: Record<string, Headers> = {};
  let departmentId: number;
  let address = 0;
  /** A fresh client address per test: the per-IP limits of one test do not spill into the next. */
  const nextIp = () => `10.0.0.${++address}`;

  beforeAll(async () => {
    database = await freshDatabase();
    const config = testConfig({
      dataKey: Buffer.alloc(32, 7).toString('base64'),
      tokenTtlSeconds: 10 * 365 * 24 * 3600,
      publicLimits: {
        raisePerHour: 4,
        followPer10Minutes: 12,
        ratePerHour: 5,
        uploadPerHour: 5,
        phonePerDay: 2,
        repeatMinutes: 10,
        photoBytes: 64 * 1024,
      },
    });
    const built = await buildApp({ config, database, clock });
    app = built.app;
    await app.ready();
    await importSmallMap(built.services);
    await createRoleUsers(built.services);
    for (const name of ['centre1', 'leader11', 'worker111', 'dept1'])
      as[name] = await login(app, name, PASSWORD);
    const [dept] = rowsOf<{ id: number }>(
      await database.db.execute(sql`select id from users where username = 'dept1'`),
    );
    departmentId = (
      await buildDepartment(built.services, {
        gridCode: '310113001',
        name: '城管执法中队',
        userIds: [dept!.id],
      })
    ).id;
    close = async () => {
      await app.close();
      await database.close();
    };
  });
  afterAll(async () => {
    await close?.();
  });

  async function count(): Promise<number> {
    const [row] = rowsOf<{ n: number }>(
      await database.db.execute(sql`select count(*)::int as n from events`),
    );
    return Number(row!.n);
  }

  let spot = 0;
  function matter(overrides: Record<string, unknown> = {}) {
    spot += 1;
    return {
      category: '01',
      description: `小区门口垃圾堆了三天没人清理 ${spot}`,
      location: { lng: HERE.lng + spot * 0.0005, lat: HERE.lat },
      ...overrides,
    };
  }

  async function raise(payload: Record<string, unknown>, ip: string, headers: Headers = {}) {
    return app.inject({ method: 'POST', url: '/api/public/matters', payload, headers, remoteAddress: ip });
  }

  async function follow(number: string, code: string, ip = '10.9.9.9') {
    return app.inject({
      url: `/api/public/matters/${number}`,
      headers: { 'x-follow-code': code },
      remoteAddress: ip,
    });
  }

  async function eventIdOf(number: string): Promise<number> {
    const [row] = rowsOf<{ id: number }>(
      await database.db.execute(sql`select id from events where number = ${number}`),
    );
    return Number(row!.id);
  }

  async function act(who: string, id: number, action: string, body: Record<string, unknown> = {}) {
    const response = await app.inject({
      method: 'POST',
      url: `/api/events/${id}/actions/${action}`,
      headers: as[who]!,
      payload: body,
    });
    expect(response.statusCode, `${action}: ${response.body}`).toBe(200);
    return response.json<Record<string, unknown>>();
  }

  /** The staff's part: accept, dispatch to the department, handle with a photo, inspect, close. */
  async function walkToClosed(id: number): Promise<string> {
    await act('centre1', id, 'accept', { filingStandards: [0] });
    await act('centre1', id, 'dispatch', { departmentId });
    await act('dept1', id, 'start');
    const upload = await app.inject({
      method: 'POST',
      url: '/api/attachments',
      headers: { ...as.dept1!, 'content-type': 'image/png' },
      payload: Buffer.concat([PNG, Buffer.from(`after ${id}`)]),
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const hash = upload.json<{ hash: string }>().hash;
    await act('dept1', id, 'handle', { note: '已清运，联系人孙先生 13900000000', attachments: [hash] });
    await act('leader11', id, 'verify', { note: '现场已干净' });
    await act('leader11', id, 'close', { closingStandards: [0] });
    return hash;
  }

  it('a resident raises, follows with the code, the staff close it, the resident rates once', async () => {
    const ip = nextIp();
    const raised = await raise(
      matter({ name: '孙丽华', phone: '13912345678', address: '友谊路 100 号门口' }),
      ip,
    );
    expect(raised.statusCode, raised.body).toBe(201);
    const {
      number,
      followCode: code,
      state,
    } = raised.json<{ number: string; followCode: string; state: string }>();
    expect(number).toMatch(/^E20261125-\d{6}$/);
    expect(code).toMatch(/^[0-9A-Z]{8}$/);
    expect(state).toBe('reported');

    // the event went through the one intake: source resident, the phone encrypted and hashed, never in clear
    const [stored] = rowsOf<{
      source: string;
      reporter_name: string;
      reporter_phone_cipher: string;
      category_code: string;
    }>(await database.db.execute(sql`select * from events where number = ${number}`));
    expect(stored).toMatchObject({ source: 'resident', reporter_name: '孙丽华', category_code: '0101' });
    expect(stored!.reporter_phone_cipher).not.toContain('13912345678');

    let view = await follow(number, code);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json()).toMatchObject({
      number,
      state: 'reported',
      category: { code: '0101', major: { zh: '市容环境' } },
      closedAt: null,
      steps: [{ action: 'reported', state: 'reported', by: { zh: '群众', en: 'Resident' } }],
      canRate: false,
    });
    // by ?code= as well (a link on a printed notice)
    const byQuery = await app.inject({
      url: `/api/public/matters/${number}?code=${code}`,
      remoteAddress: ip,
    });
    expect(byQuery.statusCode).toBe(200);

    // a wrong code is answered exactly like an unknown number
    const wrong = await follow(number, code === 'ZZZZZZZZ' ? 'YYYYYYYY' : 'ZZZZZZZZ');
    const unknown = await follow('E20261125-999999', code);
    expect(wrong.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(wrong.json().code).toBe(unknown.json().code);
    const noCode = await app.inject({ url: `/api/public/matters/${number}`, remoteAddress: ip });
    expect(noCode.statusCode).toBe(404);

    // rating before it is closed: 409, nothing written
    const early = await app.inject({
      method: 'POST',
      url: `/api/public/matters/${number}/rating`,
      headers: { 'x-follow-code': code },
      payload: { score: 5 },
      remoteAddress: ip,
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('not_closed');

    const id = await eventIdOf(number);
    const photo = await walkToClosed(id);

    view = await follow(number, code);
    const closed = view.json<{
      state: string;
      closedAt: string | null;
      canRate: boolean;
      steps: { action: string; by: { zh: string } | null }[];
      resultPhotos: { hash: string; url: string }[];
    }>();
    expect(closed.state).toBe('closed');
    expect(closed.closedAt).not.toBeNull();
    expect(closed.canRate).toBe(true);
    expect(closed.steps.map((s) => s.action)).toEqual([
      'reported',
      'accept',
      'dispatch',
      'start',
      'handle',
      'verify',
      'close',
    ]);
    expect(closed.steps.find((s) => s.action === 'dispatch')!.by!.zh).toBe('城管执法中队');
    expect(closed.steps.find((s) => s.action === 'handle')!.by!.zh).toBe('城管执法中队');
    expect(closed.steps.find((s) => s.action === 'accept')!.by!.zh).toBe('一号街道城运中心');
    expect(closed.steps.find((s) => s.action === 'close')!.by!.zh).toBe('西片区');
    expect(closed.resultPhotos.map((p) => p.hash)).toEqual([photo]);
    // no staff names, no notes, no phone of anybody in what the public sees
    for (const secret of ['dept1', 'leader11', 'centre1', '孙先生', '13900000000', '13912345678', '孙丽华']) {
      expect(view.body).not.toContain(secret);
    }
    const bytes = await app.inject({
      url: `${closed.resultPhotos[0]!.url}?code=${code}`,
      remoteAddress: ip,
    });
    expect(bytes.statusCode).toBe(200);
    expect(bytes.headers['content-type']).toBe('image/png');
    const withoutCode = await app.inject({ url: closed.resultPhotos[0]!.url, remoteAddress: ip });
    expect(withoutCode.statusCode).toBe(404);

    const rate = (payload: Record<string, unknown>, followCodeValue = code) =>
      app.inject({
        method: 'POST',
        url: `/api/public/matters/${number}/rating`,
        headers: { 'x-follow-code': followCodeValue },
        payload,
        remoteAddress: ip,
      });
    expect((await rate({ score: 0 })).statusCode).toBe(400);
    expect((await rate({ score: 5 }, 'ZZZZZZZZ')).statusCode).toBe(404);
    const rated = await rate({ score: 4, comment: '处理及时' });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({
      state: 'rated',
      rating: { score: 4, comment: '处理及时' },
      canRate: false,
    });
    const again = await rate({ score: 1 });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      code: 'already_rated',
      zh: expect.any(String),
      en: expect.any(String),
    });

    // the staff see the rating on the event's timeline, by 群众 (the public account), not a person
    const detail = await app.inject({ url: `/api/events/${id}`, headers: as.centre1! });
    const event = detail.json<{
      state: string;
      rating: { score: number } | null;
      timeline: { action: string; actor: { role: string | null }; data: { score?: number } }[];
    }>();
    expect(event.state).toBe('rated');
    expect(event.rating).toEqual({ score: 4, comment: '处理及时' });
    const entry = event.timeline.find((e) => e.action === 'rate')!;
    expect(entry.actor.role).toBe('resident');
    expect(entry.data.score).toBe(4);
    // the staff's own rate action stays the reporter's: the centre is not the reporter
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/events/${id}/actions/rate`,
          headers: as.centre1!,
          payload: { score: 1 },
        })
      ).statusCode,
    ).toBe(409);
  });

  it('refuses a point outside the street, unknown classes and bad fields, and writes nothing', async () => {
    const ip = nextIp();
    const before = await count();
    const outside = await raise(matter({ location: { lng: 121.7, lat: 31.2 } }), ip);
    expect(outside.statusCode).toBe(422);
    expect(outside.json()).toMatchObject({ code: 'outside_street', zh: expect.stringContaining('街道') });
    const category = await raise(matter({ category: '99' }), ip);
    expect(category.statusCode).toBe(422);
    expect(category.json().code).toBe('unknown_category');
    const fields = await raise(matter({ phone: '12345', description: 'x' }), ip);
    expect(fields.statusCode).toBe(400);
    expect(
      fields
        .json<{ errors: { field: string }[] }>()
        .errors.map((e) => e.field)
        .sort(),
    ).toEqual(['/body/description', '/body/phone']);
    const unknownPhoto = await raise(matter({ photos: ['a'.repeat(64)] }), ip);
    expect(unknownPhoto.statusCode).toBe(422);
    expect(await count()).toBe(before);
  });

  it('a filled honeypot is refused and nothing is written', async () => {
    const before = await count();
    const response = await raise(matter({ website: 'http://spam.example' }), nextIp());
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('refused');
    expect(await count()).toBe(before);
  });

  it('a retry with the same Idempotency-Key gives the same number and code and one event', async () => {
    const ip = nextIp();
    const payload = matter();
    const headers = { 'idempotency-key': 'retry-key-0123456789abcdef' };
    const before = await count();
    const first = await raise(payload, ip, headers);
    const second = await raise(payload, ip, headers);
    expect(first.statusCode, first.body).toBe(201);
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(await count()).toBe(before + 1);
  });

  it('the same description again from the same address within minutes is refused; later it is accepted', async () => {
    const ip = nextIp();
    const payload = matter();
    expect((await raise(payload, ip)).statusCode).toBe(201);
    const before = await count();
    const again = await raise({ ...payload, location: { lng: HERE.lng, lat: HERE.lat + 0.01 } }, ip);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('repeated_matter');
    expect(await count()).toBe(before);
    // from another address it is someone else's matter
    expect((await raise(payload, nextIp())).statusCode).toBe(201);
    clock.advance(11 * 60_000);
    expect((await raise(payload, ip)).statusCode).toBe(201);
  });

  it('one phone raises at most the daily cap', async () => {
    const phone = '13800001111';
    expect((await raise(matter({ phone }), nextIp())).statusCode).toBe(201);
    expect((await raise(matter({ phone }), nextIp())).statusCode).toBe(201);
    const before = await count();
    const third = await raise(matter({ phone }), nextIp());
    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({ code: 'too_many_requests', zh: expect.stringContaining('手机号') });
    expect(await count()).toBe(before);
    clock.advance(25 * 3600_000);
    expect((await raise(matter({ phone }), nextIp())).statusCode).toBe(201);
  });

  it('per-IP limits: raising, guessing codes and uploading answer 429 problem+json and change nothing', async () => {
    const ip = nextIp();
    for (let i = 0; i < 4; i++) expect((await raise(matter(), ip)).statusCode).toBe(201);
    const before = await count();
    const limited = await raise(matter(), ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({
      status: 429,
      code: 'too_many_requests',
      zh: expect.stringContaining('分钟'),
      en: expect.stringContaining('Too many'),
    });
    expect(await count()).toBe(before);
    // another address is not limited by this one
    expect((await raise(matter(), nextIp())).statusCode).toBe(201);

    const guesser = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++)
      statuses.push((await follow('E20261125-000001', `ABCD${1000 + i}`, guesser)).statusCode);
    expect(statuses.slice(0, 12).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(12)).toEqual([429, 429]);

    const uploader = nextIp();
    const uploads: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/public/photos',
        headers: { 'content-type': 'image/png' },
        payload: Buffer.concat([PNG, Buffer.from(`upload ${i}`)]),
        remoteAddress: uploader,
      });
      uploads.push(response.statusCode);
    }
    expect(uploads).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it('photos: images only, within the public size limit, then usable in a matter', async () => {
    const ip = nextIp();
    const upload = (payload: Buffer, type = 'image/png') =>
      app.inject({
        method: 'POST',
        url: '/api/public/photos',
        headers: { 'content-type': type },
        payload,
        remoteAddress: ip,
      });
    const pdf = await upload(Buffer.from('%PDF-1.4 a document'), 'application/octet-stream');
    expect(pdf.statusCode).toBe(415);
    const big = await upload(Buffer.concat([PNG, Buffer.alloc(70 * 1024)]));
    expect(big.statusCode).toBe(413);
    const ok = await upload(PNG);
    expect(ok.statusCode, ok.body).toBe(201);
    const hash = ok.json<{ hash: string }>().hash;
    const raised = await raise(matter({ photos: [hash] }), ip);
    expect(raised.statusCode, raised.body).toBe(201);
    const id = await eventIdOf(raised.json<{ number: string }>().number);
    const detail = await app.inject({ url: `/api/events/${id}`, headers: as.centre1! });
    expect(detail.json<{ attachments: { hash: string }[] }>().attachments.map((a) => a.hash)).toEqual([hash]);
  });

  it('代群众上报: a report on behalf of a resident gives a follow code that follows and rates it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: as.worker111!,
      payload: {
        source: 'resident',
        categoryCode: '0101',
        title: '楼道堆物',
        location: { lng: 121.41, lat: 31.31 },
        resident: { name: '王大爷', phone: '13700002222' },
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json<{ id: number; number: string; followCode: string }>();
    expect(created.followCode).toMatch(/^[0-9A-Z]{8}$/);
    // the contact is the reporter's (masked for the worker); without a resident block no code is given
    const detail = await app.inject({ url: `/api/events/${created.id}`, headers: as.worker111! });
    expect(detail.json()).toMatchObject({ reporter: { name: '王大爷', phone: '137****2222' } });
    const plain = await app.inject({
      method: 'POST',
      url: '/api/events',
      headers: as.worker111!,
      payload: {
        source: 'patrol',
        categoryCode: '0101',
        title: '井盖松动',
        location: { lng: 121.43, lat: 31.33 },
      },
    });
    expect(plain.json()).not.toHaveProperty('followCode');

    const view = await follow(created.number, created.followCode);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json().steps[0]).toMatchObject({ action: 'reported', by: { zh: '西南微网格' } });
    expect(view.body).not.toContain('王大爷');
    expect(view.body).not.toContain('worker111');

    await walkToClosed(created.id);
    const rated = await app.inject({
      method: 'POST',
      url: `/api/public/matters/${created.number}/rating`,
      headers: { 'x-follow-code': created.followCode },
      payload: { score: 5 },
      remoteAddress: nextIp(),
    });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json().state).toBe('rated');
  });

  it('the public map: street outlines and community boundaries with names only', async () => {
    const response = await app.inject({ url: '/api/public/map', remoteAddress: nextIp() });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('max-age');
    const map = response.json<{
      bbox: number[];
      features: { properties: Record<string, unknown>; geometry: { type: string } }[];
    }>();
    expect(map.features.map((f) => f.properties)).toEqual([
      { name: '一号街道', level: 'street' },
      { name: '二号街道', level: 'street' },
      { name: '二号社区', level: 'community' },
    ]);
    expect(map.bbox).toEqual([121.4, 31.3, 121.6, 31.4]);
    const categories = await app.inject({ url: '/api/public/categories' });
    expect(categories.json<{ code: string; minors: unknown[] }[]>()[0]).toMatchObject({ code: '01' });
  });
});
