import { Type } from 'typebox';

export const Case = Type.Object({
  id: Type.Integer(),
  eventId: Type.Integer(),
  categoryCode: Type.String(),
  title: Type.String(),
  description: Type.String(),
  solution: Type.String(),
  closedAt: Type.String({ format: 'date-time' }),
  typical: Type.Boolean(),
});
export const SimilarCases = Type.Object({
  items: Type.Array(Type.Intersect([Case, Type.Object({ score: Type.Number() })])),
});
export const SimilarQuery = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 2000 }),
    category: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
    limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
  },
  { additionalProperties: false },
);
export const CaseIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
export const UpdateCase = Type.Object(
  {
    solution: Type.Optional(Type.String({ minLength: 1, maxLength: 10000 })),
    typical: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
