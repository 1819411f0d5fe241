import { Type, type Static } from 'typebox';
import { ROLES } from '../accounts/roles.js';
import { CLOCK_TYPES } from './deadlines.js';
import { LADDER_PRESETS } from './seed-data.js';

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)));

/** 大类 two digits, 小类 its major's two digits + two more. */
export const CategoryCode = Type.String({
  pattern: '^[0-9]{2}([0-9]{2})?$',
  description: '分类编码 category code',
});
export const PolicyKey = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,31}$',
  description: '时限策略 policy key',
});
export const ClockTypeSchema = literals(CLOCK_TYPES);
export const CategoryKind = literals(['event', 'component'] as const);

const NameInput = Type.Object(
  {
    zh: Type.String({ minLength: 1, maxLength: 60 }),
    en: Type.String({ minLength: 1, maxLength: 120 }),
  },
  { additionalProperties: false },
);
const Name = Type.Object({ zh: Type.String(), en: Type.String() });
const StandardInput = Type.Object(
  {
    zh: Type.String({ minLength: 1, maxLength: 300 }),
    en: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
const Standards = Type.Array(StandardInput, { maxItems: 30 });

export const Category = Type.Object({
  code: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  level: Type.Integer({ description: '1 大类 major, 2 小类 minor' }),
  kind: Type.String(),
  name: Name,
  deadlinePolicy: Type.Union([Type.String(), Type.Null()], { description: 'own policy; null inherits' }),
  effectivePolicy: Type.String({ description: "own policy, else the major's, else 'general'" }),
  filingStandards: Type.Array(Name, { description: '立案标准' }),
  closingStandards: Type.Array(Name, { description: '结案标准' }),
  rank: Type.Integer(),
  active: Type.Boolean(),
});
export type CategoryValue = Static<typeof Category>;

export const CategoryMajor = Type.Intersect([Category, Type.Object({ children: Type.Array(Category) })]);
export const CategoryTree = Type.Array(CategoryMajor);
export const CategoryDetail = Type.Intersect([
  Category,
  Type.Object({ children: Type.Optional(Type.Array(Category)) }),
]);

export const CategoryTreeQuery = Type.Object(
  { active: Type.Optional(Type.Boolean({ description: 'true: only classes in use' })) },
  { additionalProperties: false },
);

export const CreateCategory = Type.Object(
  {
    code: CategoryCode,
    parentCode: Type.Optional(Type.Union([CategoryCode, Type.Null()])),
    kind: Type.Optional(CategoryKind),
    name: NameInput,
    deadlinePolicy: Type.Optional(Type.Union([PolicyKey, Type.Null()])),
    filingStandards: Type.Optional(Standards),
    closingStandards: Type.Optional(Standards),
    rank: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type CreateCategoryBody = Static<typeof CreateCategory>;

export const UpdateCategory = Type.Object(
  {
    kind: Type.Optional(CategoryKind),
    name: Type.Optional(NameInput),
    deadlinePolicy: Type.Optional(Type.Union([PolicyKey, Type.Null()])),
    filingStandards: Type.Optional(Standards),
    closingStandards: Type.Optional(Standards),
    rank: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    active: Type.Optional(
      Type.Boolean({ description: 'false deactivates (never deleted: events keep their class)' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCategoryBody = Static<typeof UpdateCategory>;

/** Up to ten years of seconds per stage. */
const StageSeconds = Type.Integer({ minimum: 1, maximum: 10 * 366 * 86_400 });
const StagesInput = Type.Object(
  {
    accept: Type.Optional(StageSeconds),
    respond: Type.Optional(StageSeconds),
    consult: Type.Optional(StageSeconds),
    plan: Type.Optional(StageSeconds),
    handle: Type.Optional(StageSeconds),
    verify: Type.Optional(StageSeconds),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DeadlinePolicy = Type.Object({
  key: Type.String(),
  name: Name,
  clockType: Type.String(),
  stages: Type.Record(Type.String(), Type.Integer(), {
    description: 'seconds per stage: accept, respond, consult, plan, handle, verify',
  }),
  warnRatio: Type.Union([Type.Number(), Type.Null()]),
  warnBeforeSeconds: Type.Union([Type.Integer(), Type.Null()]),
  rank: Type.Integer(),
});
export type DeadlinePolicyValue = Static<typeof DeadlinePolicy>;

export const PutDeadlinePolicy = Type.Object(
  {
    name: NameInput,
    clockType: ClockTypeSchema,
    stages: StagesInput,
    warnRatio: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 1 }), Type.Null()])),
    warnBeforeSeconds: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 366 * 86_400 }), Type.Null()]),
    ),
    rank: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type PutDeadlinePolicyBody = Static<typeof PutDeadlinePolicy>;

const ClockTime = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$',
  description: 'HH:MM China time',
});
const Period = Type.Object({ start: ClockTime, end: ClockTime }, { additionalProperties: false });
const Periods = Type.Array(Period, { minItems: 1, maxItems: 8 });

export const WorkingTime = Type.Object(
  {
    weekdays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      maxItems: 7,
      uniqueItems: true,
      description: 'ISO weekdays that are working days: 1 Monday … 7 Sunday',
    }),
    periods: Periods,
  },
  { additionalProperties: false },
);
export type WorkingTimeValue = Static<typeof WorkingTime>;

export const DateText = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const CalendarDayInput = Type.Object(
  {
    date: DateText,
    kind: literals(['holiday', 'workday'] as const),
    name: Type.Optional(
      Type.Object(
        { zh: Type.String({ maxLength: 60 }), en: Type.String({ maxLength: 120 }) },
        { additionalProperties: false },
      ),
    ),
    periods: Type.Optional(Type.Union([Periods, Type.Null()])),
  },
  { additionalProperties: false },
);
export type CalendarDayInputValue = Static<typeof CalendarDayInput>;

export const CalendarDay = Type.Object({
  date: Type.String(),
  kind: Type.String(),
  name: Name,
  periods: Type.Union([Type.Array(Type.Object({ start: Type.String(), end: Type.String() })), Type.Null()]),
  seeded: Type.Boolean({ description: "the platform's default: check it against the official notice" }),
});

export const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });

export const CalendarYear = Type.Object({
  year: Type.Integer(),
  workingTime: WorkingTime,
  days: Type.Array(CalendarDay),
});

export const PutCalendarYear = Type.Object(
  { days: Type.Array(CalendarDayInput, { maxItems: 366 }) },
  { additionalProperties: false },
);

export const LadderKey = Type.String({
  pattern: '^(default|[0-9A-Za-z][0-9A-Za-z_.-]{0,63})$',
  description: "a grid code, or 'default'",
});

const LadderLevelInput = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' }),
    name: NameInput,
    notify: Type.Array(
      Type.Object(
        { role: literals(ROLES), gridLevel: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10 },
    ),
    climbAfterSeconds: Type.Union([Type.Integer({ minimum: 1, maximum: 366 * 86_400 }), Type.Null()]),
  },
  { additionalProperties: false },
);

export const PutLadder = Type.Object(
  {
    preset: Type.Optional(literals(LADDER_PRESETS.map((preset) => preset.key))),
    name: Type.Optional(NameInput),
    clockType: Type.Optional(ClockTypeSchema),
    levels: Type.Optional(Type.Array(LadderLevelInput, { minItems: 1, maxItems: 10 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PutLadderBody = Static<typeof PutLadder>;

const LadderLevel = Type.Object({
  key: Type.String(),
  name: Name,
  notify: Type.Array(Type.Object({ role: Type.String(), gridLevel: Type.String() })),
  climbAfterSeconds: Type.Union([Type.Integer(), Type.Null()]),
});

export const Ladder = Type.Object({
  gridCode: Type.String({ description: "whose ladder this is: a grid code or 'default'" }),
  preset: Type.Union([Type.String(), Type.Null()]),
  name: Name,
  clockType: Type.String(),
  levels: Type.Array(LadderLevel),
});
export type LadderValue = Static<typeof Ladder>;

export const EffectiveLadder = Type.Intersect([
  Ladder,
  Type.Object({
    requestedFor: Type.String(),
    inherited: Type.Boolean({
      description: 'true when the ladder belongs to a grid above, or is the default',
    }),
  }),
]);

export const LadderList = Type.Object({
  presets: Type.Array(Type.Omit(Ladder, ['gridCode'])),
  ladders: Type.Array(Ladder),
});
