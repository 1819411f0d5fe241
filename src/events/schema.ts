import { Type, type Static } from 'typebox';
import { EVENT_ACTIONS, EVENT_STATES } from './machine.js';

export const EVENT_SOURCES = [
  'patrol',
  'resident',
  'hotline',
  'whistle',
  'iot',
  'meeting',
  'proactive',
] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'sha256 of the content, hex' });
const CategoryCode = Type.String({ pattern: '^[0-9]{4}$', description: '小类编码 minor category code' });
const Text = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength });

/** A mainland mobile number (+86 optional) or a landline with its area code. */
export const RESIDENT_PHONE = '^(?:(?:\\+?86)?1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$';

export const Point = Type.Object(
  {
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false, description: 'WGS84 longitude and latitude' },
);

export const CreateEvent = Type.Object(
  {
    source: Type.Union(
      EVENT_SOURCES.map((source) => Type.Literal(source)),
      { description: '来源 patrol | resident | hotline | whistle | iot | meeting | proactive' },
    ),
    categoryCode: CategoryCode,
    title: Text(200, 1),
    description: Type.Optional(Text(5000)),
    location: Point,
    address: Type.Optional(Text(500)),
    reporterName: Type.Optional(Text(100)),
    reporterPhone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 -]{5,20}$' })),
    urgency: Type.Optional(
      Type.Union([Type.Literal('normal'), Type.Literal('urgent'), Type.Literal('critical')]),
    ),
    difficulty: Type.Optional(
      Type.Union([Type.Literal('general'), Type.Literal('difficult'), Type.Literal('complex')]),
    ),
    hotlineTicket: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '12345 工单号' })),
    attachments: Type.Optional(Type.Array(Sha256, { maxItems: 20, description: 'hashes of uploaded files' })),
    resident: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Text(50, 1)),
          phone: Type.String({ pattern: RESIDENT_PHONE, description: '手机号或固定电话' }),
        },
        {
          additionalProperties: false,
          description:
            '代群众上报 reported on behalf of this resident: the contact is kept (phone encrypted) as the ' +
            "reporter's, and the answer carries a `followCode` for the resident page",
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CreateEventBody = Static<typeof CreateEvent>;

export const GridLink = Type.Object({
  code: Type.String(),
  level: Type.String(),
  name: Type.String(),
});

export const EventCreated = Type.Object({
  id: Type.Integer(),
  number: Type.String({ description: 'E20261125-000123' }),
  state: Type.String(),
  grids: Type.Array(GridLink, { description: 'the located grids, top level first' }),
  followCode: Type.Optional(
    Type.String({
      description: '查询码 only for a report on behalf of a resident: for the resident page (/r)',
    }),
  ),
});
export type EventCreatedValue = Static<typeof EventCreated>;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

const Bilingual = Type.Object({ zh: Type.String(), en: Type.String() });

export const TimelineEntry = Type.Object({
  action: Type.String(),
  fromState: Type.Union([Type.String(), Type.Null()]),
  toState: Type.String(),
  actor: Type.Object({
    userId: Type.Union([Type.Integer(), Type.Null()]),
    name: Type.String(),
    role: Type.Union([Type.String(), Type.Null()]),
  }),
  at: Type.String({ format: 'date-time' }),
  note: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
});

export const AttachmentInfo = Type.Object({
  hash: Type.String(),
  mime: Type.String(),
  size: Type.Integer(),
  url: Type.String(),
});

const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const EventSummary = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  source: Type.String(),
  categoryCode: Type.String(),
  title: Type.String(),
  state: Type.String(),
  urgency: Type.String(),
  difficulty: Type.String(),
  location: Point,
  address: NullableString,
  grids: Type.Array(GridLink),
  assignedDepartmentId: NullableInt,
  handlingGridCode: NullableString,
  possibleDuplicateOf: NullableInt,
  duplicateFlag: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const NullableTime = Type.Union([Type.String(), Type.Null()]);

/** 时限 one stage clock of an event (E4). */
export const StageClock = Type.Object({
  stage: Type.String(),
  clockType: Type.String(),
  seconds: Type.Integer(),
  startedAt: Type.String(),
  warnAt: NullableTime,
  dueAt: NullableTime,
  state: Type.String({ description: 'running | met | overdue | paused | superseded' }),
  overdue: Type.Boolean(),
  overdueAt: NullableTime,
  escalationLevel: Type.Integer({ description: 'highest ladder level reached, -1 before any' }),
  finishedAt: NullableTime,
  pausedAt: NullableTime,
  suspendedSeconds: Type.Integer({ description: 'seconds the clock stood still (挂账)' }),
});

export const EventDetail = Type.Intersect([
  EventSummary,
  Type.Object({
    description: Type.String(),
    version: Type.Integer({ description: 'send back as `version` with an action (optimistic concurrency)' }),
    category: Type.Union([
      Type.Object({
        code: Type.String(),
        name: Bilingual,
        filingStandards: Type.Array(Bilingual),
        closingStandards: Type.Array(Bilingual),
      }),
      Type.Null(),
    ]),
    reporter: Type.Object({
      userId: NullableInt,
      name: NullableString,
      phone: Type.Union([Type.String({ description: 'masked unless the role needs it' }), Type.Null()]),
    }),
    hotlineTicket: NullableString,
    claimedBy: NullableInt,
    fieldCheckUserId: NullableInt,
    selfHandled: Type.Boolean(),
    suggestion: Type.Union([
      Type.Object({
        departmentId: Type.Optional(Type.Integer()),
        handlingGridCode: Type.Optional(Type.String()),
        reasons: Type.Array(Bilingual),
      }),
      Type.Null(),
    ]),
    pendingRequest: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    rating: Type.Union([Type.Object({ score: Type.Integer(), comment: NullableString }), Type.Null()]),
    attachments: Type.Array(AttachmentInfo),
    deadlines: Type.Array(StageClock, {
      description: '时限 the stage clocks (E4), suspensions and overdue facts',
    }),
    timeline: Type.Array(TimelineEntry),
    actions: Type.Array(Type.String(), { description: 'the actions you may take now' }),
  }),
]);

/** A list item; with `actionable=true` it also names the actions you may take and the stage clocks. */
export const EventListItem = Type.Intersect([
  EventSummary,
  Type.Object({
    actions: Type.Optional(Type.Array(Type.String())),
    deadlines: Type.Optional(Type.Array(StageClock)),
  }),
]);
export const EventList = Type.Object({ items: Type.Array(EventListItem), total: Type.Integer() });

export const EventListQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(EVENT_STATES.map((state) => Type.Literal(state)))),
    grid: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'grid code, descendants included' }),
    ),
    category: Type.Optional(
      Type.String({ pattern: '^[0-9]{2}([0-9]{2})?$', description: 'major or minor code' }),
    ),
    source: Type.Optional(Type.Union(EVENT_SOURCES.map((source) => Type.Literal(source)))),
    mine: Type.Optional(Type.Boolean({ description: 'only events I reported' })),
    actionable: Type.Optional(
      Type.Boolean({
        description:
          'only events on which I may take an action now (the `actions` of the detail; the newest 1000 looked at), ' +
          'each item then carrying its `actions`',
      }),
    ),
    assigned: Type.Optional(
      Type.Union([Type.Literal('me'), Type.Literal('department')], {
        description: 'me: claimed by or field check assigned to me; department: dispatched to my department',
      }),
    ),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'text in number, title, description, address',
      }),
    ),
    createdFrom: Type.Optional(Type.String({ format: 'date-time' })),
    createdTo: Type.Optional(Type.String({ format: 'date-time' })),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
  },
  { additionalProperties: false },
);
export type EventListQueryValue = Static<typeof EventListQuery>;

export const EventStatsQuery = Type.Object(
  {
    todayFrom: Type.String({
      format: 'date-time',
      description: 'start of "today" in the reader\'s time zone',
    }),
    periodFrom: Type.String({
      format: 'date-time',
      description: 'start of the period of the completion rate',
    }),
  },
  { additionalProperties: false },
);
export type EventStatsQueryValue = Static<typeof EventStatsQuery>;

export const EventStats = Type.Object({
  total: Type.Integer({ description: 'events you may see' }),
  today: Type.Integer({ description: 'reported since todayFrom' }),
  open: Type.Integer({ description: 'not yet over (declined, closed, rated, cancelled are over)' }),
  overdue: Type.Integer({ description: 'open events with a stage clock past due' }),
  periodTotal: Type.Integer({ description: 'reported since periodFrom' }),
  periodDone: Type.Integer({ description: 'of those, closed or rated' }),
  byState: Type.Record(Type.String(), Type.Integer()),
});

export const EventIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
export const HashParams = Type.Object({ hash: Sha256 });

const Version = Type.Optional(Type.Integer({ minimum: 1, description: 'the version you saw; stale → 409' }));
const Note = Type.Optional(Text(5000));
const Reason = Text(2000, 1);
const StandardIndexes = (description: string) =>
  Type.Array(Type.Integer({ minimum: 0, maximum: 100 }), { maxItems: 100, uniqueItems: true, description });

/** The body of each action; every one takes `version` (optimistic concurrency) and most a `note`. */
export const ACTION_BODIES = {
  claim: Type.Object({ version: Version, note: Note }, { additionalProperties: false }),
  accept: Type.Object(
    {
      version: Version,
      note: Note,
      filingStandards: StandardIndexes(
        'indexes of the ticked filing standards (立案标准); all must be ticked',
      ),
      difficulty: Type.Optional(
        Type.Union([Type.Literal('general'), Type.Literal('difficult'), Type.Literal('complex')]),
      ),
    },
    { additionalProperties: false },
  ),
  decline: Type.Object({ version: Version, reason: Reason }, { additionalProperties: false }),
  request_field_check: Type.Object(
    { version: Version, note: Note, assigneeUserId: Type.Integer({ minimum: 1 }) },
    { additionalProperties: false },
  ),
  report_field_check: Type.Object(
    {
      version: Version,
      note: Note,
      confirmed: Type.Boolean(),
      attachments: Type.Optional(Type.Array(Sha256, { maxItems: 20 })),
    },
    { additionalProperties: false },
  ),
  dispatch: Type.Object(
    {
      version: Version,
      note: Note,
      departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
      handlingGridCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      useSuggestion: Type.Optional(Type.Boolean({ description: 'take the routing suggestion as it is' })),
    },
    { additionalProperties: false },
  ),
  pass_up: Type.Object({ version: Version, reason: Reason }, { additionalProperties: false }),
  start: Type.Object({ version: Version, note: Note }, { additionalProperties: false }),
  return: Type.Object({ version: Version, reason: Reason }, { additionalProperties: false }),
  handle: Type.Object(
    {
      version: Version,
      note: Text(5000, 1),
      attachments: Type.Optional(Type.Array(Sha256, { maxItems: 20 })),
    },
    { additionalProperties: false },
  ),
  self_handle: Type.Object(
    {
      version: Version,
      note: Text(5000, 1),
      attachments: Type.Optional(Type.Array(Sha256, { maxItems: 20 })),
    },
    { additionalProperties: false },
  ),
  verify: Type.Object(
    { version: Version, note: Note, attachments: Type.Optional(Type.Array(Sha256, { maxItems: 20 })) },
    { additionalProperties: false },
  ),
  rework: Type.Object({ version: Version, reason: Reason }, { additionalProperties: false }),
  close: Type.Object(
    {
      version: Version,
      note: Note,
      closingStandards: StandardIndexes(
        'indexes of the ticked closing standards (结案标准); all must be ticked',
      ),
    },
    { additionalProperties: false },
  ),
  rate: Type.Object(
    { version: Version, score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Text(2000)) },
    { additionalProperties: false },
  ),
  request_suspension: Type.Object({ version: Version, reason: Reason }, { additionalProperties: false }),
  request_extension: Type.Object(
    { version: Version, reason: Reason, days: Type.Integer({ minimum: 1, maximum: 365 }) },
    { additionalProperties: false },
  ),
  request_cancellation: Type.Object({ version: Version, reason: Reason }, { additionalProperties: false }),
  request_force_close: Type.Object({ version: Version, reason: Reason }, { additionalProperties: false }),
  approve: Type.Object({ version: Version, note: Note }, { additionalProperties: false }),
  reject_request: Type.Object({ version: Version, reason: Reason }, { additionalProperties: false }),
  resume: Type.Object({ version: Version, note: Note }, { additionalProperties: false }),
  classify: Type.Object(
    {
      version: Version,
      difficulty: Type.Union([Type.Literal('general'), Type.Literal('difficult'), Type.Literal('complex')], {
        description: '难度 general 一般 | difficult 疑难 | complex 复杂重大',
      }),
      reason: Reason,
    },
    { additionalProperties: false },
  ),
} satisfies Record<(typeof EVENT_ACTIONS)[number], unknown>;

/** The union of every action body, as the service reads it. */
export interface ActionBody {
  version?: number;
  note?: string;
  reason?: string;
  filingStandards?: number[];
  closingStandards?: number[];
  difficulty?: 'general' | 'difficult' | 'complex';
  assigneeUserId?: number;
  confirmed?: boolean;
  attachments?: string[];
  departmentId?: number;
  handlingGridCode?: string;
  useSuggestion?: boolean;
  score?: number;
  comment?: string;
  days?: number;
}

export const UploadResult = Type.Object({
  hash: Type.String(),
  mime: Type.String(),
  size: Type.Integer(),
  url: Type.String(),
});
