import { Type, type Static } from 'typebox';
import { GridCode } from '../grids/schema.js';
import { DateString } from '../people/schema.js';

/** 党组织类别 kinds of party organisations; the order is the vertical line of 001, then the horizontal one. */
export const ORGANISATION_KINDS = [
  'community_committee', // 社区大党委
  'grid_branch', // 网格党支部
  'building_group', // 楼栋党小组
  'member_household', // 党员中心户
  'special_branch', // 专属网格党支部 (园区、楼宇、商圈 …)
] as const;
export type PartyOrganisationKind = (typeof ORGANISATION_KINDS)[number];
export const PartyOrganisationKindSchema = Type.Union(ORGANISATION_KINDS.map((kind) => Type.Literal(kind)));

/** 党内职务 roles in an organisation. */
export const MEMBER_ROLES = [
  'secretary', // 书记
  'deputy_secretary', // 副书记
  'committee_member', // 委员
  'group_leader', // 党小组长
  'member', // 党员
] as const;
export const MemberRole = Type.Union(MEMBER_ROLES.map((role) => Type.Literal(role)));

export const CO_BUILDING_KINDS = [
  'government_agency',
  'public_institution',
  'state_enterprise',
  'private_enterprise',
  'social_organisation',
  'school',
  'hospital',
  'other',
] as const;
export const CoBuildingKind = Type.Union(CO_BUILDING_KINDS.map((kind) => Type.Literal(kind)));

/** 所能所长 types of strengths. */
export const STRENGTH_TYPES = ['venues', 'volunteers', 'expertise', 'funds', 'other'] as const;
export const StrengthType = Type.Union(STRENGTH_TYPES.map((type) => Type.Literal(type)));

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Id = Type.Integer({ minimum: 1 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

// ── organisations ────────────────────────────────────────────────────────────────────────────────────────────

export const CreatePartyOrganisation = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: PartyOrganisationKindSchema,
    parentId: Type.Optional(Id),
    gridCode: GridCode,
    /** 楼栋党小组: the building. */
    buildingCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** 党员中心户: the household. */
    householdId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type CreatePartyOrganisationBody = Static<typeof CreatePartyOrganisation>;

export const UpdatePartyOrganisation = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /** Move under another organisation (its subtree moves along). */
    parentId: Type.Optional(Id),
    gridCode: Type.Optional(GridCode),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdatePartyOrganisationBody = Static<typeof UpdatePartyOrganisation>;

export const RetireBody = Type.Object(
  { on: DateString },
  { additionalProperties: false, description: 'The first day the organisation no longer exists' },
);

export const PartyOrganisation = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  parentId: Nullable(Type.Integer()),
  depth: Type.Integer(),
  path: Type.String({ description: 'materialised path of organisation ids, "/3/17/"' }),
  gridCode: Type.String(),
  gridName: Type.String(),
  buildingCode: Nullable(Type.String()),
  householdId: Nullable(Type.Integer()),
  members: Type.Integer({ minimum: 0, description: 'current members' }),
  retiredOn: Nullable(Type.String()),
});

export const PartyTreeQuery = Type.Object(
  {
    grid: Type.Optional(GridCode),
    kind: Type.Optional(PartyOrganisationKindSchema),
    retired: Type.Boolean({ default: false, description: 'include retired organisations' }),
  },
  { additionalProperties: false },
);

export const PartyTree = Type.Object({
  items: Type.Array(PartyOrganisation, { description: 'depth-first by path; parentId links the tree' }),
});

// ── members ──────────────────────────────────────────────────────────────────────────────────────────────────

export const CreatePartyMember = Type.Object(
  {
    personId: Id,
    role: MemberRole,
    since: DateString,
    joinedPartyOn: Type.Optional(DateString),
  },
  { additionalProperties: false },
);
export type CreatePartyMemberBody = Static<typeof CreatePartyMember>;

export const EndBody = Type.Object({ until: DateString }, { additionalProperties: false });

export const PartyMember = Type.Object({
  id: Type.Integer(),
  organisationId: Type.Integer(),
  organisationName: Type.String(),
  personId: Type.Integer(),
  name: Type.String(),
  role: Type.String(),
  joinedPartyOn: Nullable(Type.String()),
  since: Type.String(),
  until: Nullable(Type.String()),
});

export const MemberQuery = Type.Object(
  {
    history: Type.Boolean({ default: false }),
    subtree: Type.Boolean({ default: false, description: 'members of the organisations below too' }),
  },
  { additionalProperties: false },
);

// ── in-service registrations 在职党员进社区报到 ───────────────────────────────────────────────────────────────────

export const CreateRegistration = Type.Object(
  {
    personId: Id,
    workUnit: Type.String({ minLength: 1, maxLength: 200 }),
    gridCode: GridCode,
    registeredOn: DateString,
  },
  { additionalProperties: false },
);
export type CreateRegistrationBody = Static<typeof CreateRegistration>;

export const Registration = Type.Object({
  id: Type.Integer(),
  personId: Type.Integer(),
  name: Type.String(),
  workUnit: Type.String(),
  gridCode: Type.String(),
  registeredOn: Type.String(),
  endedOn: Nullable(Type.String()),
  serviceCount: Type.Integer({ minimum: 0 }),
  serviceHours: Type.Number({ minimum: 0 }),
});

export const EndRegistration = Type.Object({ on: DateString }, { additionalProperties: false });

export const CreateServiceRecord = Type.Object(
  {
    servedOn: DateString,
    hours: Type.Number({ exclusiveMinimum: 0, maximum: 24, multipleOf: 0.5 }),
    description: Type.String({ minLength: 1, maxLength: 500 }),
    /** Where the service was done; default the registered grid. */
    gridCode: Type.Optional(GridCode),
  },
  { additionalProperties: false },
);
export type CreateServiceRecordBody = Static<typeof CreateServiceRecord>;

export const ServiceRecord = Type.Object({
  id: Type.Integer(),
  registrationId: Type.Integer(),
  servedOn: Type.String(),
  hours: Type.Number(),
  description: Type.String(),
  gridCode: Type.String(),
});

export const GridFilterQuery = Type.Object(
  { grid: Type.Optional(GridCode) },
  { additionalProperties: false },
);

// ── co-building units 共驻共建单位 ──────────────────────────────────────────────────────────────────────────────

export const StrengthInput = Type.Object(
  {
    type: StrengthType,
    description: Type.String({ minLength: 1, maxLength: 500 }),
    quantity: Type.Optional(Type.Number({ minimum: 0, maximum: 1e9 })),
    measure: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: '平方米, 人, 万元 …' })),
  },
  { additionalProperties: false },
);
export type StrengthInputValue = Static<typeof StrengthInput>;

const ContactInput = Type.Object(
  { personId: Id, role: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })) },
  { additionalProperties: false },
);

export const CreateCoBuildingUnit = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: CoBuildingKind,
    gridCode: GridCode,
    address: Type.Optional(Type.String({ maxLength: 200 })),
    agreementSignedOn: Type.Optional(DateString),
    contacts: Type.Optional(Type.Array(ContactInput, { maxItems: 20 })),
    strengths: Type.Optional(Type.Array(StrengthInput, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type CreateCoBuildingUnitBody = Static<typeof CreateCoBuildingUnit>;

export const UpdateCoBuildingUnit = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    kind: Type.Optional(CoBuildingKind),
    address: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    agreementSignedOn: Type.Optional(Nullable(DateString)),
    /** Replaces the contacts. */
    contacts: Type.Optional(Type.Array(ContactInput, { maxItems: 20 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCoBuildingUnitBody = Static<typeof UpdateCoBuildingUnit>;

export const Strength = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  description: Type.String(),
  quantity: Nullable(Type.Number()),
  measure: Nullable(Type.String()),
});

export const CoBuildingUnit = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  gridCode: Type.String(),
  gridName: Type.String(),
  address: Nullable(Type.String()),
  agreementSignedOn: Nullable(Type.String()),
  contacts: Type.Array(
    Type.Object({
      personId: Type.Integer(),
      name: Type.String(),
      phone: Nullable(Type.String({ description: 'masked' })),
      role: Nullable(Type.String()),
    }),
  ),
  strengths: Type.Array(Strength),
});

export const CoBuildingQuery = Type.Object(
  {
    grid: Type.Optional(GridCode),
    strength: Type.Optional(StrengthType),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);

export const StrengthParams = Type.Object({ id: Id, strengthId: Id });

// ── alliances 红色党建联盟 ─────────────────────────────────────────────────────────────────────────────────────

export const CreateAlliance = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    gridCode: GridCode,
    leadOrganisationId: Type.Optional(Id),
    foundedOn: Type.Optional(DateString),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type CreateAllianceBody = Static<typeof CreateAlliance>;

export const AddAllianceMember = Type.Object(
  { unitId: Type.Optional(Id), organisationId: Type.Optional(Id), joinedOn: DateString },
  { additionalProperties: false, minProperties: 2 },
);
export type AddAllianceMemberBody = Static<typeof AddAllianceMember>;

export const Alliance = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  gridCode: Type.String(),
  leadOrganisationId: Nullable(Type.Integer()),
  foundedOn: Nullable(Type.String()),
  description: Nullable(Type.String()),
  members: Type.Array(
    Type.Object({
      id: Type.Integer(),
      unitId: Nullable(Type.Integer()),
      organisationId: Nullable(Type.Integer()),
      name: Type.String(),
      joinedOn: Type.String(),
      leftOn: Nullable(Type.String()),
    }),
  ),
});
