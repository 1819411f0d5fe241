import { Type, type Static } from 'typebox';
import { Point, Sha256 } from '../events/schema.js';

const DateTime = Type.String({ format: 'date-time' });

export const CreatePatrol = Type.Object(
  {
    gridCode: Type.String({ minLength: 1, maxLength: 64, description: 'the grid patrolled' }),
    startedAt: DateTime,
    endedAt: Type.Optional(DateTime),
    route: Type.Optional(Type.Array(Point, { maxItems: 5000 })),
    places: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 200 })),
    visitedPersonIds: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), { maxItems: 500, uniqueItems: true }),
    ),
    findings: Type.Optional(
      Type.Array(
        Type.Object(
          {
            text: Type.String({ minLength: 1, maxLength: 5000 }),
            categoryCode: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
            point: Type.Optional(Point),
            photos: Type.Optional(Type.Array(Sha256, { maxItems: 20 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    ),
    note: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);
export type CreatePatrolBody = Static<typeof CreatePatrol>;

export const PatrolQuery = Type.Object(
  {
    grid: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    worker: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
);
export type PatrolQueryValue = Static<typeof PatrolQuery>;

export const PatrolIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
export const FindingParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  index: Type.Integer({ minimum: 0, maximum: 99 }),
});
export const ReportFinding = Type.Object(
  { categoryCode: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })) },
  { additionalProperties: false },
);

const Finding = Type.Object({
  text: Type.String(),
  categoryCode: Type.Union([Type.String(), Type.Null()]),
  point: Type.Union([Point, Type.Null()]),
  photos: Type.Array(Type.String()),
  eventId: Type.Union([Type.Integer(), Type.Null()]),
});

export const Patrol = Type.Object({
  id: Type.Integer(),
  workerUserId: Type.Integer(),
  gridCode: Type.String(),
  startedAt: DateTime,
  endedAt: Type.Union([DateTime, Type.Null()]),
  route: Type.Array(Point),
  places: Type.Array(Type.String()),
  visited: Type.Array(
    Type.Object({
      personId: Type.Integer(),
      name: Type.Union([Type.String({ description: 'masked per role' }), Type.Null()]),
    }),
  ),
  findings: Type.Array(Finding),
  note: Type.Union([Type.String(), Type.Null()]),
});
export const PatrolList = Type.Object({ items: Type.Array(Patrol), total: Type.Integer() });
export const FindingReported = Type.Object({
  eventId: Type.Integer(),
  number: Type.String(),
  created: Type.Boolean({ description: 'false when the finding had already become this event' }),
});
