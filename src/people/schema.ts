import { Type, type Static } from 'typebox';
import { GridCode, LevelName } from '../grids/schema.js';
import { MOBILE_PATTERN } from './identity.js';

export const Gender = Type.Union([Type.Literal('male'), Type.Literal('female')]);

/** 政治面貌 political status */
export const POLITICAL_STATUSES = [
  'masses', // 群众
  'cpc_member', // 中共党员
  'cpc_probationary', // 中共预备党员
  'cyl_member', // 共青团员
  'democratic_party', // 民主党派
  'other',
] as const;
export const PoliticalStatus = Type.Union(POLITICAL_STATUSES.map((status) => Type.Literal(status)));

/** 组织/商户类型 kinds of organisations located in grids */
export const ORGANISATION_KINDS = [
  'shop',
  'firm',
  'office',
  'school',
  'hospital',
  'market_stall',
  'social_organisation',
  'government',
  'department', // 职能部门: events are dispatched to these
  'other',
] as const;
export const OrganisationKind = Type.Union(ORGANISATION_KINDS.map((kind) => Type.Literal(kind)));

/**
 * 岗位 kinds of positions (F1). Grid leaders of every level are one kind: the level is the grid's (chief grid
 * leader = grid_leader of the street, area grid leader = of an area …), as the glossary says.
 */
export const POSITION_KINDS = [
  'grid_leader', // 网格长 (总/片区/村居/微网格长 by the grid's level)
  'deputy_grid_leader', // 副网格长
  'grid_worker_dedicated', // 专职网格员
  'grid_worker_part_time', // 兼职网格员
  'building_leader', // 楼栋长
  'unit_leader', // 单元长
  'five_member', // 五大员 (duty says which)
  'city_operations', // 城运队员
  'department_staff', // 下沉部门人员
  'law_enforcement', // 下沉执法人员
] as const;
export type PositionKind = (typeof POSITION_KINDS)[number];
export const PositionKindSchema = Type.Union(POSITION_KINDS.map((kind) => Type.Literal(kind)));

export const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const SpecialGroupKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
const Tag = Type.String({ minLength: 1, maxLength: 32 });

export const SpecialGroupInput = Type.Object(
  {
    group: SpecialGroupKey,
    since: Type.Optional(DateString),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

const personFields = {
  name: Type.String({ minLength: 1, maxLength: 50 }),
  gender: Type.Optional(Gender),
  birthDate: Type.Optional(DateString),
  // the check digit is checked by the service, which names the exact problem
  idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 18, description: '18 位身份证号' })),
  phone: Type.Optional(Type.String({ pattern: MOBILE_PATTERN, description: '手机号 mainland mobile' })),
  address: Type.Optional(Type.String({ maxLength: 200 })),
  politicalStatus: Type.Optional(PoliticalStatus),
  tags: Type.Optional(Type.Array(Tag, { maxItems: 50 })),
  gridCode: GridCode,
  /** 户号: the household is found (or made) in the person's grid. */
  householdNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  householdHead: Type.Optional(Type.Boolean()),
  buildingCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  unit: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: '单元 e.g. "1单元"' })),
  room: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  specialGroups: Type.Optional(Type.Array(SpecialGroupInput, { maxItems: 20 })),
};

export const CreatePerson = Type.Object(personFields, { additionalProperties: false });
export type CreatePersonBody = Static<typeof CreatePerson>;

export const UpdatePerson = Type.Object(
  {
    name: Type.Optional(personFields.name),
    gender: Type.Optional(Gender),
    birthDate: Type.Optional(Type.Union([DateString, Type.Null()])),
    idNumber: Type.Optional(Type.Union([personFields.idNumber, Type.Null()])),
    phone: Type.Optional(Type.Union([personFields.phone, Type.Null()])),
    address: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    politicalStatus: Type.Optional(PoliticalStatus),
    tags: personFields.tags,
    gridCode: Type.Optional(GridCode),
    householdNumber: Type.Optional(Type.Union([personFields.householdNumber, Type.Null()])),
    householdHead: Type.Optional(Type.Boolean()),
    buildingCode: Type.Optional(Type.Union([personFields.buildingCode, Type.Null()])),
    unit: Type.Optional(Type.Union([personFields.unit, Type.Null()])),
    room: Type.Optional(Type.Union([personFields.room, Type.Null()])),
    /** The person's current memberships become exactly these; dropped ones are ended, not deleted. */
    specialGroups: personFields.specialGroups,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdatePersonBody = Static<typeof UpdatePerson>;

export const SpecialGroupMembership = Type.Object({
  group: Type.String(),
  name: LevelName,
  since: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
});

export const Person = Type.Object({
  id: Type.Integer(),
  name: Type.String({ description: '姓名 (masked for count-only roles)' }),
  gender: Type.Union([Gender, Type.Null()]),
  birthDate: Type.Union([Type.String(), Type.Null()], { description: 'YYYY-MM-DD, or the year when masked' }),
  idNumber: Type.Union([Type.String(), Type.Null()], { description: '110101********1234 unless unmasked' }),
  phone: Type.Union([Type.String(), Type.Null()], { description: '138****5678 unless unmasked' }),
  address: Type.Union([Type.String(), Type.Null()]),
  politicalStatus: Type.String(),
  tags: Type.Array(Type.String()),
  gridCode: Type.String(),
  householdNumber: Type.Union([Type.String(), Type.Null()]),
  buildingCode: Type.Union([Type.String(), Type.Null()]),
  unit: Type.Union([Type.String(), Type.Null()]),
  room: Type.Union([Type.String(), Type.Null()]),
  masked: Type.Boolean({ description: 'true when ID number and phone are masked' }),
  /** Absent for roles that do not serve special groups (not an empty list: that would say "none"). */
  specialGroups: Type.Optional(Type.Array(SpecialGroupMembership)),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const PersonList = Type.Object({ items: Type.Array(Person), total: Type.Integer() });

export const PersonListQuery = Type.Object(
  {
    grid: Type.Optional(GridCode),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '姓名前缀 name prefix' })),
    tag: Type.Optional(Tag),
    specialGroup: Type.Optional(SpecialGroupKey),
    idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 18, description: '按身份证号精确查找' })),
    phone: Type.Optional(Type.String({ pattern: MOBILE_PATTERN })),
    unmask: Type.Boolean({ default: false }),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);
export type PersonListQueryValue = Static<typeof PersonListQuery>;

export const PersonIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const UnmaskQuery = Type.Object(
  { unmask: Type.Boolean({ default: false }) },
  { additionalProperties: false },
);

export const LinkUser = Type.Object(
  { userId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]) },
  { additionalProperties: false },
);

// ── organisations ────────────────────────────────────────────────────────────────────────────────────────────

export const CreateOrganisation = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: OrganisationKind,
    gridCode: GridCode,
    address: Type.Optional(Type.String({ maxLength: 200 })),
    creditCode: Type.Optional(
      Type.String({ pattern: '^[0-9A-HJ-NP-RTUWXY]{18}$', description: '统一社会信用代码' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateOrganisationBody = Static<typeof CreateOrganisation>;

export const Organisation = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  gridCode: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  creditCode: Type.Union([Type.String(), Type.Null()]),
});

export const OrganisationListQuery = Type.Object(
  {
    grid: Type.Optional(GridCode),
    kind: Type.Optional(OrganisationKind),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);

// ── positions ────────────────────────────────────────────────────────────────────────────────────────────────

export const CreatePosition = Type.Object(
  {
    kind: PositionKindSchema,
    duty: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    personId: Type.Optional(Type.Integer({ minimum: 1 })),
    userId: Type.Optional(Type.Integer({ minimum: 1 })),
    buildingCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    from: DateString,
    to: Type.Optional(DateString),
  },
  { additionalProperties: false },
);
export type CreatePositionBody = Static<typeof CreatePosition>;

export const EndPosition = Type.Object(
  { to: DateString },
  { additionalProperties: false, description: 'The first day the position is no longer held' },
);

export const Position = Type.Object({
  id: Type.Integer(),
  gridCode: Type.String(),
  gridLevel: Type.String(),
  kind: Type.String(),
  duty: Type.Union([Type.String(), Type.Null()]),
  holder: Type.Object({
    personId: Type.Union([Type.Integer(), Type.Null()]),
    userId: Type.Union([Type.Integer(), Type.Null()]),
    name: Type.String({ description: 'names of office holders are public (公示牌), never masked' }),
  }),
  buildingCode: Type.Union([Type.String(), Type.Null()]),
  unit: Type.Union([Type.String(), Type.Null()]),
  from: Type.String(),
  to: Type.Union([Type.String(), Type.Null()]),
});

export const PositionQuery = Type.Object(
  {
    at: Type.Optional(DateString),
    subtree: Type.Boolean({ default: false, description: 'include the descendants of the grid' }),
    history: Type.Boolean({ default: false, description: 'every position ever held, ignoring `at`' }),
  },
  { additionalProperties: false },
);

// ── portrait 网格画像 ────────────────────────────────────────────────────────────────────────────────────────

const Count = Type.Integer({ minimum: 0 });

export const Portrait = Type.Object({
  grid: Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() }),
  at: Type.String({ description: 'the date positions and memberships were counted at' }),
  population: Count,
  households: Count,
  gender: Type.Object({ male: Count, female: Count, unknown: Count }),
  ageGroups: Type.Array(Type.Object({ group: Type.String(), count: Count })),
  politicalStatus: Type.Array(Type.Object({ status: Type.String(), count: Count })),
  specialGroups: Type.Array(Type.Object({ key: Type.String(), name: LevelName, count: Count })),
  organisations: Type.Object({
    total: Count,
    byKind: Type.Array(Type.Object({ kind: Type.String(), count: Count })),
  }),
  positions: Type.Object({
    byKind: Type.Array(Type.Object({ kind: Type.String(), count: Count })),
    microGrids: Count,
    microGridsWithoutLeader: Count,
    vacantMicroGrids: Type.Array(Type.String(), { description: 'codes, at most 100' }),
  }),
  party: Type.Object({
    members: Type.Integer({
      minimum: 0,
      description: 'distinct persons in organisations linked to the subtree',
    }),
    organisations: Count,
    organisationsByKind: Type.Array(Type.Object({ kind: Type.String(), count: Count })),
    inServiceMembers: Type.Integer({ minimum: 0, description: '在职党员进社区报到, current registrations' }),
  }),
  forces: Type.Object({
    preset: Type.String({ description: 'the active force preset, "1+4+X" or "1+6" …' }),
    total: Count,
    byCategory: Type.Array(Type.Object({ key: Type.String(), name: LevelName, count: Count })),
    categoriesWithoutMembers: Type.Array(Type.String(), {
      description: 'active-preset categories nobody serves in',
    }),
  }),
  coBuilding: Type.Object({
    units: Count,
    strengthsByType: Type.Array(Type.Object({ type: Type.String(), count: Count, quantity: Type.Number() })),
  }),
});
export type PortraitValue = Static<typeof Portrait>;
