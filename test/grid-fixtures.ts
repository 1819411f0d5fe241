import type { Services } from '../src/app.js';
import { systemActor } from '../src/core/audit.js';
import type { GridGeometry } from '../src/grids/geometry.js';
import type { GridFeature } from '../src/grids/service.js';
import type { Role } from '../src/accounts/roles.js';

export function rect(minLng: number, minLat: number, maxLng: number, maxLat: number): GridGeometry {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [minLng, minLat],
        [maxLng, minLat],
        [maxLng, maxLat],
        [minLng, maxLat],
        [minLng, minLat],
      ],
    ],
  };
}

export function feature(
  code: string,
  level: string,
  parentCode: string | null,
  geometry: GridGeometry | null,
  name = `网格${code}`,
): GridFeature {
  return { type: 'Feature', geometry, properties: { code, name, level, parentCode } };
}

/**
 * A small map: district D (121.40–121.60, 31.30–31.50) with two streets side by side (S1 west, S2 east, sharing
 * the edge lng 121.50) in its southern half; S1 has two areas (west/east halves), the western area two
 * micro-grids (south/north); S2 one micro-grid directly.
 */
export const D = '310113';
export const S1 = '310113001';
export const S2 = '310113002';
export const A11 = '310113001001';
export const A12 = '310113001002';
export const M111 = '310113001001001';
export const M112 = '310113001001002';
export const M21 = '310113002001';

export function smallMap(): GridFeature[] {
  return [
    feature(D, 'district', null, rect(121.4, 31.3, 121.6, 31.5), '宝山区'),
    feature(S1, 'street', D, rect(121.4, 31.3, 121.5, 31.4), '一号街道'),
    feature(S2, 'street', D, rect(121.5, 31.3, 121.6, 31.4), '二号街道'),
    feature(A11, 'area', S1, rect(121.4, 31.3, 121.45, 31.4), '西片区'),
    feature(A12, 'area', S1, rect(121.45, 31.3, 121.5, 31.4), '东片区'),
    feature(M111, 'microGrid', A11, rect(121.4, 31.3, 121.45, 31.35), '西南微网格'),
    feature(M112, 'microGrid', A11, rect(121.4, 31.35, 121.45, 31.4), '西北微网格'),
    feature(M21, 'community', S2, rect(121.5, 31.3, 121.55, 31.35), '二号社区'),
  ];
}

export async function importSmallMap(services: Services): Promise<void> {
  await services.grids.importFeatures({ type: 'FeatureCollection', features: smallMap() }, systemActor);
}

export const PASSWORD = 'correct-horse-9';

/** One user per role, bound where that role lives on the small map. */
export const ROLE_USERS: { username: string; roles: Role[]; grids: string[] }[] = [
  { username: 'admin', roles: ['admin'], grids: [] },
  { username: 'district', roles: ['district'], grids: [D] },
  { username: 'centre1', roles: ['command_centre'], grids: [S1] },
  { username: 'area11', roles: ['area_leader'], grids: [A11] },
  { username: 'leader11', roles: ['grid_leader'], grids: [A11] },
  { username: 'worker111', roles: ['grid_worker'], grids: [M111] },
  { username: 'dept1', roles: ['department'], grids: [S1] },
  { username: 'resident111', roles: ['resident'], grids: [M111] },
];

/** Creates the role users; the grids they are bound to must exist (the admin needs none). */
export async function createRoleUsers(
  services: Services,
  only?: (user: (typeof ROLE_USERS)[number]) => boolean,
): Promise<void> {
  for (const user of ROLE_USERS.filter(only ?? (() => true))) {
    await services.accounts.createUser(
      { ...user, displayName: user.username, password: PASSWORD },
      systemActor,
    );
  }
}
