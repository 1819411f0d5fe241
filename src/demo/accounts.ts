/**
 * The demo users of the demo street, one per role, bound to grids of the generated tree. README lists them;
 * all share the demo password (GEZHI_DEMO_PASSWORD, see config.ts).
 */
import type { Role } from '../accounts/roles.js';
import type { GridFeatureCollection } from '../grids/service.js';
import { DEMO_DISTRICT, DEMO_STREET } from './street.js';

export interface DemoAccount {
  username: string;
  displayName: string;
  roles: Role[];
  /** Codes of the grids the user is bound to (the user's data scope). */
  grids: string[];
}

const AREA_LEADER_NAMES = ['陈志刚', '李秀英', '王建国', '张丽华', '刘海涛'] as const;

export function demoAccounts(collection: GridFeatureCollection): DemoAccount[] {
  const codesOf = (level: string): string[] =>
    collection.features
      .filter((feature) => feature.properties.level === level)
      .map((feature) => feature.properties.code);
  const areas = codesOf('area');
  const units = codesOf('community');
  const firstUnit = units[0];
  if (areas.length !== AREA_LEADER_NAMES.length || !firstUnit) {
    throw new Error('demo accounts need the 5 comprehensive grids and 9 governance units of the demo street');
  }
  const microGrids = collection.features.filter((feature) => feature.properties.level === 'microGrid');
  const [first, second] = microGrids;
  // the resident lives in worker1's micro-grid when it is a residential one, so that a matter the resident
  // raises lands with a demo worker; otherwise in the first residential micro-grid
  const home = microGrids.find((feature) => feature.properties.gridType === 'residential');
  if (!first || !second || !home) throw new Error('demo accounts need the micro-grids of the demo street');
  return [
    { username: 'admin', displayName: '系统管理员', roles: ['admin'], grids: [] },
    {
      username: 'district',
      displayName: '宝山区网格化综合管理中心',
      roles: ['district'],
      grids: [DEMO_DISTRICT.code],
    },
    {
      username: 'centre',
      displayName: '友谊路街道城运中心',
      roles: ['command_centre'],
      grids: [DEMO_STREET.code],
    },
    ...areas.map((code, i): DemoAccount => ({
      username: `area${i + 1}`,
      displayName: AREA_LEADER_NAMES[i]!,
      roles: ['area_leader'],
      grids: [code],
    })),
    { username: 'leader1', displayName: '周敏', roles: ['grid_leader'], grids: [firstUnit] },
    { username: 'worker1', displayName: '刘洋', roles: ['grid_worker'], grids: [first.properties.code] },
    { username: 'worker2', displayName: '赵静', roles: ['grid_worker'], grids: [second.properties.code] },
    { username: 'dept-fire', displayName: '消防救援站', roles: ['department'], grids: [DEMO_STREET.code] },
    {
      username: 'dept-cityman',
      displayName: '城管执法中队',
      roles: ['department'],
      grids: [DEMO_STREET.code],
    },
    { username: 'dept-market', displayName: '市场监管所', roles: ['department'], grids: [DEMO_STREET.code] },
    { username: 'dept-housing', displayName: '房管办', roles: ['department'], grids: [DEMO_STREET.code] },
    { username: 'resident1', displayName: '孙丽华', roles: ['resident'], grids: [home.properties.code] },
  ];
}
