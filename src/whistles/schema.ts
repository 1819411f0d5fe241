import { Type, type Static } from 'typebox';
import { GridCode } from '../grids/schema.js';
import { DateString } from '../people/schema.js';

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

export const BlowWhistle = Type.Object(
  {
    reason: Text(1000),
    departmentIds: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 50, uniqueItems: true }),
    ),
    gridCodes: Type.Optional(Type.Array(GridCode, { maxItems: 50, uniqueItems: true })),
    urgent: Type.Optional(Type.Boolean()),
    /** Response deadline in seconds from now; default by urgency (WhistlePolicy). */
    responseSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 7 * 86400 })),
  },
  { additionalProperties: false },
);
export type BlowWhistleBody = Static<typeof BlowWhistle>;

export const RespondToWhistle = Type.Object(
  {
    /** Needed only when the responder belongs to more than one summoned party. */
    partyId: Type.Optional(Type.Integer({ minimum: 1 })),
    /** The handler 处置人: a user, or a name. */
    handlerUserId: Type.Optional(Type.Integer({ minimum: 1 })),
    handlerName: Type.Optional(Text(100)),
    note: Type.Optional(Text(1000)),
  },
  { additionalProperties: false },
);
export type RespondBody = Static<typeof RespondToWhistle>;

export const WhistleNoteBody = Type.Object({ note: Text(2000) }, { additionalProperties: false });

export const RateWhistle = Type.Object(
  {
    ratings: Type.Array(
      Type.Object(
        {
          partyId: Type.Integer({ minimum: 1 }),
          score: Type.Integer({ minimum: 1, maximum: 5 }),
          comment: Type.Optional(Text(500)),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);
export type RateBody = Static<typeof RateWhistle>;

export const WhistleListQuery = Type.Object(
  {
    state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
    eventId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const RatingPeriodQuery = Type.Object(
  { from: Type.Optional(DateString), to: Type.Optional(DateString) },
  { additionalProperties: false },
);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const WhistleParty = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('department'), Type.Literal('grid')]),
  departmentId: Nullable(Type.Integer()),
  gridCode: Nullable(Type.String()),
  name: Type.String(),
  status: Type.Union([Type.Literal('summoned'), Type.Literal('accepted'), Type.Literal('overdue')]),
  late: Type.Boolean(),
  respondedAt: Nullable(Type.String()),
  handler: Nullable(Type.Object({ userId: Nullable(Type.Integer()), name: Nullable(Type.String()) })),
  /** Whether the whistling grid has rated this party (never the score). */
  rated: Type.Boolean(),
});

export const WhistleNote = Type.Object({
  id: Type.Integer(),
  partyId: Nullable(Type.Integer()),
  author: Type.String(),
  note: Type.String(),
  at: Type.String(),
});

export const WhistleSummary = Type.Object({
  id: Type.Integer(),
  eventId: Type.Integer(),
  gridCode: Type.String(),
  whistler: Type.Object({ userId: Type.Integer(), name: Type.String() }),
  reason: Type.String(),
  urgent: Type.Boolean(),
  state: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  respondBy: Type.String(),
  createdAt: Type.String(),
  closedAt: Nullable(Type.String()),
  parties: Type.Array(WhistleParty),
});

export const WhistleDetail = Type.Intersect([
  WhistleSummary,
  Type.Object({ notes: Type.Array(WhistleNote) }),
]);

export const WhistleList = Type.Object({ items: Type.Array(WhistleSummary) });

const Distribution = Type.Object({
  '1': Type.Integer(),
  '2': Type.Integer(),
  '3': Type.Integer(),
  '4': Type.Integer(),
  '5': Type.Integer(),
});

export const RatingAggregate = Type.Object({
  departmentId: Type.Integer(),
  name: Type.String(),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  /** k: fewer ratings than this show nothing but the fact. */
  minimum: Type.Integer(),
  enough: Type.Boolean(),
  message: Nullable(Type.Object({ zh: Type.String(), en: Type.String() })),
  count: Nullable(Type.Integer()),
  average: Nullable(Type.Number()),
  distribution: Nullable(Distribution),
  /** Only when at least k ratings have a comment; shuffled. */
  comments: Nullable(Type.Array(Type.String())),
});

export const RatingRollup = Type.Object({
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  minimum: Type.Integer(),
  items: Type.Array(
    Type.Object({
      departmentId: Type.Integer(),
      name: Type.String(),
      enough: Type.Boolean(),
      count: Nullable(Type.Integer()),
      average: Nullable(Type.Number()),
    }),
  ),
});
