import { Type, type Static } from 'typebox';
import { GridCode, LevelName } from '../grids/schema.js';
import { DateString } from '../people/schema.js';

/** 头雁 / 强雁 / 雏雁 */
export const TIERS = ['lead', 'strong', 'young'] as const;
export type Tier = (typeof TIERS)[number];
export const TierSchema = Type.Union(TIERS.map((tier) => Type.Literal(tier)));
export const TIER_NAMES: Record<Tier, { zh: string; en: string }> = {
  lead: { zh: '头雁', en: 'Lead' },
  strong: { zh: '强雁', en: 'Strong' },
  young: { zh: '雏雁', en: 'Young' },
};

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Skills = Type.Array(Text(50), { maxItems: 30 });
export const PoolKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });

export const CreateTalent = Type.Object(
  {
    personId: Type.Integer({ minimum: 1 }),
    tier: TierSchema,
    /** Default: the person's grid. */
    gridCode: Type.Optional(GridCode),
    field: Type.Optional(Text(100)),
    skills: Type.Optional(Skills),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    /** First day of the tier; default today. */
    since: Type.Optional(DateString),
    reason: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
);
export type CreateTalentBody = Static<typeof CreateTalent>;

export const UpdateTalent = Type.Object(
  {
    gridCode: Type.Optional(GridCode),
    field: Type.Optional(Type.Union([Text(100), Type.Null()])),
    skills: Type.Optional(Skills),
    note: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTalentBody = Static<typeof UpdateTalent>;

export const ChangeTier = Type.Object(
  { tier: TierSchema, since: Type.Optional(DateString), reason: Text(500) },
  { additionalProperties: false },
);
export type ChangeTierBody = Static<typeof ChangeTier>;

export const CreateTraining = Type.Object(
  {
    course: Text(200),
    hours: Type.Number({ exclusiveMinimum: 0, maximum: 10_000, multipleOf: 0.1 }),
    heldOn: DateString,
    organiser: Type.Optional(Text(200)),
  },
  { additionalProperties: false },
);
export type CreateTrainingBody = Static<typeof CreateTraining>;

export const CreateCertificate = Type.Object(
  {
    name: Text(200),
    number: Type.Optional(Text(100)),
    issuer: Type.Optional(Text(200)),
    issuedOn: DateString,
    expiresOn: Type.Optional(DateString),
  },
  { additionalProperties: false },
);
export type CreateCertificateBody = Static<typeof CreateCertificate>;

export const PutPool = Type.Object(
  {
    name: Type.Object({ zh: Text(100), en: Text(100) }, { additionalProperties: false }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type PutPoolBody = Static<typeof PutPool>;

export const Nominate = Type.Object(
  { personId: Type.Integer({ minimum: 1 }), reason: Text(500), on: Type.Optional(DateString) },
  { additionalProperties: false },
);
export type NominateBody = Static<typeof Nominate>;

export const LeavePool = Type.Object(
  { reason: Text(500), on: Type.Optional(DateString) },
  { additionalProperties: false },
);
export type LeavePoolBody = Static<typeof LeavePool>;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const TierPeriod = Type.Object({
  tier: Type.String(),
  name: LevelName,
  since: Type.String(),
  until: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  actor: Type.String(),
});

export const TalentSummary = Type.Object({
  personId: Type.Integer(),
  name: Type.String(),
  gridCode: Type.String(),
  tier: Type.String(),
  tierName: LevelName,
  tierSince: Type.String(),
  field: Nullable(Type.String()),
  skills: Type.Array(Type.String()),
});

export const Training = Type.Object({
  id: Type.Integer(),
  course: Type.String(),
  hours: Type.Number(),
  heldOn: Type.String(),
  organiser: Nullable(Type.String()),
});

export const Certificate = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  number: Nullable(Type.String()),
  issuer: Nullable(Type.String()),
  issuedOn: Type.String(),
  expiresOn: Nullable(Type.String()),
  expired: Type.Boolean(),
});

export const PoolMembership = Type.Object({
  poolKey: Type.String(),
  poolName: LevelName,
  personId: Type.Integer(),
  name: Type.String(),
  gridCode: Type.String(),
  nominatedOn: Type.String(),
  reason: Type.String(),
  nominatedBy: Type.String(),
  leftOn: Nullable(Type.String()),
  leaveReason: Nullable(Type.String()),
});

export const TalentDetail = Type.Object({
  personId: Type.Integer(),
  name: Type.String(),
  gridCode: Type.String(),
  talent: Type.Union([
    Type.Object({
      gridCode: Type.String(),
      field: Nullable(Type.String()),
      skills: Type.Array(Type.String()),
      note: Nullable(Type.String()),
      tier: Nullable(Type.String()),
      tiers: Type.Array(TierPeriod),
    }),
    Type.Null(),
  ]),
  pools: Type.Array(PoolMembership),
  training: Type.Array(Training),
  trainingHours: Type.Number(),
  certificates: Type.Array(Certificate),
});

export const Pool = Type.Object({
  key: Type.String(),
  name: LevelName,
  description: Nullable(Type.String()),
  members: Type.Integer({ description: 'current members in your grids' }),
});

export const TalentListQuery = Type.Object(
  {
    grid: Type.Optional(GridCode),
    tier: Type.Optional(TierSchema),
    skill: Type.Optional(Text(50)),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);
export type TalentListQueryValue = Static<typeof TalentListQuery>;

export const PoolMembersQuery = Type.Object(
  { history: Type.Boolean({ default: false }) },
  { additionalProperties: false },
);
