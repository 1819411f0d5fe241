import { Type, type Static } from 'typebox';
import { Point, RESIDENT_PHONE, Sha256 } from '../events/schema.js';

const Bilingual = Type.Object({ zh: Type.String(), en: Type.String() });
/** E + date + '-' + running number, as the events module numbers them. */
export const MATTER_NUMBER = '^E[0-9]{8}-[0-9]{6,12}$';

export const RaiseMatter = Type.Object(
  {
    category: Type.String({
      pattern: '^[0-9]{2}([0-9]{2})?$',
      description:
        '大类 (2 digits) or 小类 (4 digits); a major class files under its first active minor class',
    }),
    description: Type.String({ minLength: 5, maxLength: 2000, description: '问题描述' }),
    location: Point,
    address: Type.Optional(Type.String({ maxLength: 200 })),
    photos: Type.Optional(
      Type.Array(Sha256, { maxItems: 3, description: 'hashes from POST /api/public/photos' }),
    ),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    phone: Type.Optional(Type.String({ pattern: RESIDENT_PHONE, description: '手机号或固定电话' })),
    /** 蜜罐 invisible on the page; a person leaves it empty, a form-filling robot does not. */
    website: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type RaiseMatterBody = Static<typeof RaiseMatter>;

export const MatterRaised = Type.Object({
  number: Type.String({ description: '事件编号 E20261125-000123' }),
  followCode: Type.String({ description: '查询码: with the number, follows and rates the matter' }),
  state: Type.String(),
});

export const MatterParams = Type.Object({ number: Type.String({ pattern: MATTER_NUMBER }) });
export const PhotoParams = Type.Object({
  number: Type.String({ pattern: MATTER_NUMBER }),
  hash: Sha256,
});
export const FollowQuery = Type.Object(
  { code: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: false },
);
export const FollowHeaders = Type.Object({
  'x-follow-code': Type.Optional(Type.String({ maxLength: 20 })),
});
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 16,
      maxLength: 100,
      description: 'a random key (UUID) per matter, for retries',
    }),
  ),
});

export const PublicStep = Type.Object({
  action: Type.String({ description: 'reported, accept, dispatch, start, handle, verify, close, rate …' }),
  state: Type.String({ description: 'the state after the step' }),
  at: Type.String({ format: 'date-time' }),
  by: Type.Union([Bilingual, Type.Null()], {
    description: 'the department, grid or office that took the step (never a person)',
  }),
});

export const PublicMatter = Type.Object({
  number: Type.String(),
  state: Type.String(),
  category: Type.Object({ code: Type.String(), name: Bilingual, major: Bilingual }),
  submittedAt: Type.String({ format: 'date-time' }),
  closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  steps: Type.Array(PublicStep),
  resultPhotos: Type.Array(Type.Object({ hash: Type.String(), url: Type.String() })),
  rating: Type.Union([
    Type.Object({ score: Type.Integer(), comment: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  canRate: Type.Boolean({ description: 'closed and not yet rated' }),
});
export type PublicMatterValue = Static<typeof PublicMatter>;

export const RateMatter = Type.Object(
  {
    score: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type RateMatterBody = Static<typeof RateMatter>;

export const PhotoStored = Type.Object({ hash: Type.String(), mime: Type.String(), size: Type.Integer() });

const Polygonal = Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) });
export const PublicMap = Type.Object({
  type: Type.Literal('FeatureCollection'),
  bbox: Type.Union([Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), Type.Null()]),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      geometry: Polygonal,
      properties: Type.Object({ name: Type.String(), level: Type.String() }),
    }),
  ),
});
export type PublicMapValue = Static<typeof PublicMap>;

export const PublicCategories = Type.Array(
  Type.Object({
    code: Type.String(),
    name: Bilingual,
    minors: Type.Array(Type.Object({ code: Type.String(), name: Bilingual })),
  }),
);
export type PublicCategoriesValue = Static<typeof PublicCategories>;
