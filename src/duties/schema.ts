import { Type, type Static, type TSchema } from 'typebox';
import { GridCode } from '../grids/schema.js';
import { DateString } from '../people/schema.js';

const Bilingual = Type.Object({ zh: Type.String(), en: Type.String() });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Page = {
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
};

/** Event category code: a major class (2 digits, covers its minors) or a minor class (4 digits). */
export const CategoryCode = Type.String({
  pattern: '^[0-9]{2}([0-9]{2})?$',
  description: '事件分类编码 event category: 2-digit major or 4-digit minor',
});
const LevelKey = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9_]{0,31}$',
  description: '网格层级 grid level key',
});

// ── departments 职能部门 ────────────────────────────────────────────────────────────────────────────────────────

export const DepartmentUser = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
});

export const Department = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  nameEn: Nullable(Type.String()),
  /** The grid the department serves (its organisation's grid, normally the street). */
  gridCode: Type.String(),
  address: Nullable(Type.String()),
  rank: Type.Integer(),
  users: Type.Array(DepartmentUser),
});

export const CreateDepartment = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    nameEn: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    gridCode: GridCode,
    address: Type.Optional(Type.String({ maxLength: 200 })),
    rank: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type CreateDepartmentBody = Static<typeof CreateDepartment>;

export const SetDepartmentUsers = Type.Object(
  {
    userIds: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500, uniqueItems: true }),
  },
  { additionalProperties: false },
);

// ── responsibility lists 责任清单 ───────────────────────────────────────────────────────────────────────────────

export const DutyKind = Type.Union([Type.Literal('department'), Type.Literal('grid')], {
  description: 'department 部门责任清单 · grid 网格责任清单 (自处置)',
});
export const MatterRoleSchema = Type.Union([Type.Literal('lead'), Type.Literal('cooperate')], {
  description: 'lead 牵头 · cooperate 配合',
});

export const Duty = Type.Object({
  id: Type.Integer(),
  kind: DutyKind,
  gridCode: Nullable(Type.String()),
  gridName: Nullable(Type.String()),
  categoryCode: Nullable(Type.String()),
  categoryName: Nullable(Bilingual),
  department: Nullable(
    Type.Object({ id: Type.Integer(), name: Type.String(), nameEn: Nullable(Type.String()) }),
  ),
  role: MatterRoleSchema,
  handlingLevel: Nullable(Type.String()),
  name: Type.String(),
  basis: Nullable(Type.String()),
  note: Nullable(Type.String()),
  from: Type.String(),
  to: Nullable(Type.String()),
});

export const DutyList = Type.Object({ items: Type.Array(Duty), total: Type.Integer() });

export const GridDuty = Type.Intersect([
  Duty,
  Type.Object({
    /** The matter comes from an ancestor grid or applies everywhere. */
    inherited: Type.Boolean(),
  }),
]);

const dutyFields = {
  /** Scope: this grid and its descendants; null = every grid (administrators only). */
  gridCode: Nullable(GridCode),
  categoryCode: Type.Optional(Nullable(CategoryCode)),
  departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
  role: Type.Optional(MatterRoleSchema),
  handlingLevel: Type.Optional(Nullable(LevelKey)),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  basis: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  from: Type.Optional(DateString),
  to: Type.Optional(Nullable(DateString)),
};

export const CreateDuty = Type.Object({ kind: DutyKind, ...dutyFields }, { additionalProperties: false });
export type CreateDutyBody = Static<typeof CreateDuty>;

export const UpdateDuty = Type.Object(
  {
    gridCode: Type.Optional(dutyFields.gridCode),
    categoryCode: dutyFields.categoryCode,
    departmentId: dutyFields.departmentId,
    role: dutyFields.role,
    handlingLevel: dutyFields.handlingLevel,
    name: Type.Optional(dutyFields.name),
    basis: dutyFields.basis,
    note: dutyFields.note,
    from: dutyFields.from,
    to: dutyFields.to,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDutyBody = Static<typeof UpdateDuty>;

export const EndDuty = Type.Object({ to: DateString }, { additionalProperties: false });

export const DutyListQuery = Type.Object(
  {
    grid: Type.Optional(GridCode),
    department: Type.Optional(Type.Integer({ minimum: 1 })),
    category: Type.Optional(CategoryCode),
    kind: Type.Optional(DutyKind),
    at: Type.Optional(DateString),
    history: Type.Boolean({ default: false, description: 'true: every row, ended or not' }),
    ...Page,
  },
  { additionalProperties: false },
);
export type DutyListQueryValue = Static<typeof DutyListQuery>;

// ── routing 派遣建议 ──────────────────────────────────────────────────────────────────────────────────────────

export const SuggestQuery = Type.Object(
  {
    category: CategoryCode,
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    /** Instead of a point: the grid the event is in. */
    grid: Type.Optional(GridCode),
    at: Type.Optional(DateString),
  },
  { additionalProperties: false },
);

export const Suggestion = Type.Object({
  categoryCode: Type.String(),
  grids: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() })),
  department: Type.Optional(Type.Object({ id: Type.Integer(), name: Type.String() })),
  cooperating: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), matterId: Type.Integer() })),
  handlingGrid: Type.Optional(Type.String()),
  selfHandling: Type.Boolean(),
  matterId: Type.Optional(Type.Integer()),
  reasons: Type.Array(Bilingual),
});

// ── key areas 重点区域 ────────────────────────────────────────────────────────────────────────────────────────

/** 重点区域类型 kinds of key areas (004: 工业园区、专业市场、商业综合体、商务楼宇、街面道路、沿街商铺 …). */
export const KEY_AREA_KINDS = {
  flood_prone: { zh: '易涝点（下立交、低洼地）', en: 'Flood-prone spot (underpass, low-lying)' },
  construction_site: { zh: '建筑工地', en: 'Construction site' },
  market: { zh: '专业市场 / 菜场', en: 'Market' },
  commercial_complex: { zh: '商业综合体', en: 'Commercial complex' },
  office_building: { zh: '商务楼宇', en: 'Office building' },
  industrial_park: { zh: '工业园区', en: 'Industrial park' },
  school_surroundings: { zh: '校园周边', en: 'School surroundings' },
  street_shops: { zh: '沿街商铺', en: 'Street-front shops' },
  hazardous_goods: { zh: '危险品场所', en: 'Hazardous-goods site' },
  crowded_place: { zh: '人员密集场所', en: 'Crowded place' },
  waterway: { zh: '河道水域', en: 'Waterway' },
  other: { zh: '其他', en: 'Other' },
} as const;
export type KeyAreaKind = keyof typeof KEY_AREA_KINDS;
export const KeyAreaKindSchema = Type.Union(
  (Object.keys(KEY_AREA_KINDS) as KeyAreaKind[]).map((kind) => Type.Literal(kind)),
);

const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
export const KeyAreaGeometrySchema = Type.Union([
  Type.Object(
    { type: Type.Literal('Point'), coordinates: Type.Tuple([Lng, Lat]) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]),
      // checked in full (closed rings, no self-intersection) by the grids' geometry validation
      coordinates: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 1000 }),
    },
    { additionalProperties: false },
  ),
]);

export const KeyArea = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  kindName: Bilingual,
  gridCode: Type.String(),
  gridName: Type.String(),
  geometry: Nullable(Type.Unknown()),
  department: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  person: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  notes: Nullable(Type.String()),
});

export const CreateKeyArea = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: KeyAreaKindSchema,
    /** The grid the area lies in; found from a point geometry when absent. */
    gridCode: Type.Optional(GridCode),
    geometry: Type.Optional(Nullable(KeyAreaGeometrySchema)),
    departmentId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    personId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);
export type CreateKeyAreaBody = Static<typeof CreateKeyArea>;

export const UpdateKeyArea = Type.Object(
  {
    name: Type.Optional(CreateKeyArea.properties.name),
    kind: Type.Optional(KeyAreaKindSchema),
    gridCode: Type.Optional(GridCode),
    geometry: CreateKeyArea.properties.geometry,
    departmentId: CreateKeyArea.properties.departmentId,
    personId: CreateKeyArea.properties.personId,
    notes: CreateKeyArea.properties.notes,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateKeyAreaBody = Static<typeof UpdateKeyArea>;

export const KeyAreaListQuery = Type.Object(
  {
    grid: Type.Optional(GridCode),
    kind: Type.Optional(KeyAreaKindSchema),
    department: Type.Optional(Type.Integer({ minimum: 1 })),
    ...Page,
  },
  { additionalProperties: false },
);
export type KeyAreaListQueryValue = Static<typeof KeyAreaListQuery>;
