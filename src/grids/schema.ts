import { Type, type Static } from 'typebox';
import { CODE_PATTERN } from './codes.js';

export const GridCode = Type.String({ pattern: CODE_PATTERN, description: '网格编码 grid code' });

export const LevelName = Type.Object({ zh: Type.String(), en: Type.String() });

export const GridLevel = Type.Object({
  key: Type.String(),
  rank: Type.Integer(),
  name: LevelName,
});

export const GridSummary = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  levelName: LevelName,
  depth: Type.Integer(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  gridType: Type.String(),
  childCount: Type.Integer(),
  hasBoundary: Type.Boolean(),
});

export const GridDetail = Type.Intersect([
  GridSummary,
  Type.Object({
    attributes: Type.Record(Type.String(), Type.Unknown()),
    ancestors: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() })),
    boundary: Type.Union([Type.Object({ validFrom: Type.String() }), Type.Null()]),
  }),
]);

export const Page = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
});

export const ListQuery = Type.Object(
  {
    parent: Type.Optional(GridCode),
    level: Type.Optional(Type.String({ maxLength: 64 })),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: '名称或编码前缀 name or code prefix' }),
    ),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  },
  { additionalProperties: false },
);

export const GridList = Type.Object({ items: Type.Array(GridSummary), total: Type.Integer() });

/** Checked deeply by validateGeometry, which names the exact problem. */
export const Geometry = Type.Object(
  {
    type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon')]),
    coordinates: Type.Array(Type.Unknown()),
  },
  { description: 'GeoJSON Polygon or MultiPolygon, [lng, lat]' },
);

export const FeatureProperties = Type.Object(
  {
    code: GridCode,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    level: Type.String({ minLength: 1, maxLength: 64 }),
    parentCode: Type.Optional(Type.Union([GridCode, Type.Null()])),
    depth: Type.Optional(Type.Integer({ minimum: 0 })),
    gridType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: true },
);

export const Feature = Type.Object({
  type: Type.Literal('Feature'),
  geometry: Type.Union([Geometry, Type.Null()]),
  properties: FeatureProperties,
});

export const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Feature, { maxItems: 100_000 }),
});

export const ImportResult = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
});

export const CreateGrid = Type.Object(
  {
    code: GridCode,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    level: Type.String({ minLength: 1, maxLength: 64 }),
    parentCode: Type.Union([GridCode, Type.Null()]),
    gridType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    geometry: Type.Optional(Type.Union([Geometry, Type.Null()])),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const UpdateGrid = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    level: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    parentCode: Type.Optional(Type.Union([GridCode, Type.Null()])),
    gridType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SetBoundary = Type.Object(
  {
    geometry: Geometry,
    validFrom: Type.Optional(Type.String({ format: 'date-time', description: '生效时间 effective from' })),
  },
  { additionalProperties: false },
);

export const BoundaryVersion = Type.Object({
  validFrom: Type.String(),
  validTo: Type.Union([Type.String(), Type.Null()]),
  areaSquareMetres: Type.Number(),
  geometry: Type.Unknown(),
});

export const LocatedGrid = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  depth: Type.Integer(),
});

export const LocateQuery = Type.Object(
  {
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
  },
  { additionalProperties: false },
);

export const LocateOne = Type.Object({ grids: Type.Array(LocatedGrid) });

export const LocateBatch = Type.Object(
  {
    points: Type.Array(
      Type.Tuple([Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })]),
      { maxItems: 10_000 },
    ),
  },
  { additionalProperties: false },
);

export const LocateBatchResult = Type.Object({ results: Type.Array(LocateOne) });

export const ExportQuery = Type.Object(
  {
    format: Type.Literal('geojson'),
    root: Type.Optional(GridCode),
  },
  { additionalProperties: false },
);

export const Building = Type.Object({
  code: Type.String(),
  name: Type.String(),
  gridCode: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  lng: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
  floors: Type.Union([Type.Integer(), Type.Null()]),
  units: Type.Array(Type.String()),
});

export const CreateBuilding = Type.Object(
  {
    code: GridCode,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    floors: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    units: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 100, uniqueItems: true }),
    ),
  },
  { additionalProperties: false },
);

export type CreateGridBody = Static<typeof CreateGrid>;
export type UpdateGridBody = Static<typeof UpdateGrid>;
export type CreateBuildingBody = Static<typeof CreateBuilding>;
