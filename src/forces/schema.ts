import { Type, type Static } from 'typebox';
import { GridCode, LevelName } from '../grids/schema.js';
import { DateString } from '../people/schema.js';

export const DISPATCH_GROUPS = ['own', 'law_enforcement', 'street_support', 'social_mobilisation'] as const;
export const DispatchGroup = Type.Union(DISPATCH_GROUPS.map((group) => Type.Literal(group)));

export const CategoryKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'category key' });
const PresetName = Type.String({ minLength: 1, maxLength: 32, description: 'preset, e.g. "1+4+X", "1+6"' });

export const ForceCategory = Type.Object({
  key: Type.String(),
  preset: Type.String(),
  name: LevelName,
  description: Type.Union([Type.String(), Type.Null()]),
  dispatchGroup: Type.Union([Type.String(), Type.Null()]),
  rank: Type.Integer(),
  retired: Type.Boolean(),
});

export const ForceCategoryList = Type.Object({
  activePreset: Type.String(),
  presets: Type.Array(Type.String()),
  items: Type.Array(ForceCategory),
});

export const ForceCategoryQuery = Type.Object(
  {
    preset: Type.Optional(PresetName),
    all: Type.Boolean({ default: false, description: 'every preset and retired categories too' }),
  },
  { additionalProperties: false },
);

export const CreateForceCategory = Type.Object(
  {
    key: CategoryKey,
    nameZh: Type.String({ minLength: 1, maxLength: 50 }),
    nameEn: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    preset: Type.Optional(PresetName),
    dispatchGroup: Type.Optional(Type.Union([DispatchGroup, Type.Null()])),
    rank: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type CreateForceCategoryBody = Static<typeof CreateForceCategory>;

export const UpdateForceCategory = Type.Object(
  {
    nameZh: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    nameEn: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    dispatchGroup: Type.Optional(Type.Union([DispatchGroup, Type.Null()])),
    rank: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    retired: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateForceCategoryBody = Static<typeof UpdateForceCategory>;

export const SetForcePreset = Type.Object({ preset: PresetName }, { additionalProperties: false });

export const CategoryParams = Type.Object({ key: CategoryKey });
export const ForceMemberParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const CreateForceMember = Type.Object(
  {
    category: CategoryKey,
    personId: Type.Optional(Type.Integer({ minimum: 1 })),
    userId: Type.Optional(Type.Integer({ minimum: 1 })),
    duty: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    since: DateString,
    until: Type.Optional(DateString),
  },
  { additionalProperties: false },
);
export type CreateForceMemberBody = Static<typeof CreateForceMember>;

export const EndForceMember = Type.Object(
  { until: DateString },
  { additionalProperties: false, description: 'The first day the member no longer serves' },
);

export const ForceMember = Type.Object({
  id: Type.Integer(),
  category: Type.String(),
  gridCode: Type.String(),
  gridName: Type.String(),
  personId: Type.Union([Type.Integer(), Type.Null()]),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  name: Type.String({ description: 'masked for count-only roles' }),
  phone: Type.Union([Type.String(), Type.Null()], { description: 'always masked (138****5678)' }),
  duty: Type.Union([Type.String(), Type.Null()]),
  since: Type.String(),
  until: Type.Union([Type.String(), Type.Null()]),
});

const CategoryWithMembers = Type.Object({
  key: Type.String(),
  name: LevelName,
  preset: Type.String(),
  dispatchGroup: Type.Union([Type.String(), Type.Null()]),
  count: Type.Integer({ minimum: 0 }),
  members: Type.Array(ForceMember),
});

const GridRef = Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() });

export const GridForces = Type.Object({
  grid: GridRef,
  preset: Type.String(),
  at: Type.Union([Type.String(), Type.Null()], { description: 'null when the whole history is listed' }),
  total: Type.Integer({ minimum: 0 }),
  categories: Type.Array(CategoryWithMembers),
});

export const ForceQuery = Type.Object(
  {
    at: Type.Optional(DateString),
    history: Type.Boolean({ default: false, description: 'every member ever, ignoring `at`' }),
  },
  { additionalProperties: false },
);

export const SunkStaff = Type.Object({
  positionId: Type.Integer(),
  kind: Type.String({ description: 'department_staff, law_enforcement or city_operations' }),
  duty: Type.Union([Type.String(), Type.Null()]),
  gridCode: Type.String(),
  name: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
});

export const DispatchableForces = Type.Object({
  grid: GridRef,
  area: GridRef,
  at: Type.String(),
  total: Type.Integer({ minimum: 0 }),
  categories: Type.Array(CategoryWithMembers),
  sunkStaff: Type.Array(SunkStaff),
});

export { GridCode };
