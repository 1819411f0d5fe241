import { Type, type Static } from 'typebox';
import { LevelName } from '../grids/schema.js';

export const RuleKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: '规则键 rule key' });
const Points = Type.Integer({ minimum: 1, maximum: 100_000 });
const SourceRef = Type.String({ minLength: 1, maxLength: 200, description: '来源 e.g. "activity:42"' });
const Reason = Type.String({ minLength: 1, maxLength: 500 });

export const PointsRule = Type.Object({
  key: Type.String(),
  name: LevelName,
  points: Type.Integer(),
  dailyCap: Type.Union([Type.Integer(), Type.Null()]),
  active: Type.Boolean(),
});
export type PointsRuleValue = Static<typeof PointsRule>;

export const PutRule = Type.Object(
  {
    name: Type.Object(
      {
        zh: Type.String({ minLength: 1, maxLength: 100 }),
        en: Type.String({ minLength: 1, maxLength: 100 }),
      },
      { additionalProperties: false },
    ),
    points: Points,
    dailyCap: Type.Optional(Type.Union([Points, Type.Null()])),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PutRuleBody = Static<typeof PutRule>;

/** An award by rule (`ruleKey`, optionally `times` for per-hour rules) or a manual entry (`points` + `reason`). */
export const CreateEntry = Type.Object(
  {
    personId: Type.Integer({ minimum: 1 }),
    ruleKey: Type.Optional(RuleKey),
    times: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })),
    points: Type.Optional(Type.Integer({ minimum: -100_000, maximum: 100_000, description: '≠ 0' })),
    reason: Type.Optional(Reason),
    sourceRef: Type.Optional(SourceRef),
  },
  { additionalProperties: false },
);
export type CreateEntryBody = Static<typeof CreateEntry>;

export const CreateRedemption = Type.Object(
  {
    personId: Type.Integer({ minimum: 1 }),
    points: Points,
    reason: Reason,
    sourceRef: Type.Optional(SourceRef),
  },
  { additionalProperties: false },
);
export type CreateRedemptionBody = Static<typeof CreateRedemption>;

export const PointsEntry = Type.Object({
  id: Type.Integer(),
  personId: Type.Integer(),
  kind: Type.String({ description: 'award | adjustment | redemption' }),
  ruleKey: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  points: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  sourceRef: Type.Union([Type.String(), Type.Null()]),
});

export const EntryResult = Type.Object({ entry: PointsEntry, balance: Type.Integer() });

export const PersonPoints = Type.Object({
  personId: Type.Integer(),
  balance: Type.Integer(),
  total: Type.Integer({ description: 'number of ledger entries' }),
  entries: Type.Array(PointsEntry),
});

export const PersonPointsQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);

export const RankingQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 500, default: 20 }) },
  { additionalProperties: false },
);

export const Ranking = Type.Object({
  gridCode: Type.String(),
  items: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      personId: Type.Integer(),
      name: Type.String(),
      gridCode: Type.String(),
      balance: Type.Integer(),
    }),
  ),
});
