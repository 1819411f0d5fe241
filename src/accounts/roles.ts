/**
 * Roles of the platform (D1). A user holds one or more roles and is bound to grids; the roles say what a user
 * may do, the grids say where.
 */
export const ROLES = [
  'admin',
  'district',
  'command_centre',
  'area_leader',
  'grid_leader',
  'grid_worker',
  'department',
  'resident',
] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '系统管理员', en: 'Administrator' },
  district: { zh: '区级用户', en: 'District' },
  command_centre: { zh: '街镇城运中心', en: 'Street command centre' },
  area_leader: { zh: '片区网格长', en: 'Area grid leader' },
  grid_leader: { zh: '网格长', en: 'Grid leader' },
  grid_worker: { zh: '网格员', en: 'Grid worker' },
  department: { zh: '职能部门', en: 'Department' },
  resident: { zh: '群众', en: 'Resident' },
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Actions that are guarded by role; where is always guarded by the data scope as well. */
export type Permission =
  | 'grid.read'
  | 'grid.write'
  | 'grid.import'
  | 'user.manage'
  | 'audit.read'
  | 'settings.manage'
  | 'people.read'
  | 'people.write'
  | 'people.unmask'
  | 'special_group.read'
  | 'position.write'
  | 'duty.read'
  | 'duty.manage'
  | 'category.manage'
  | 'deadline.manage'
  | 'webhook.manage'
  | 'force.write'
  | 'party.write'
  | 'talent.read'
  | 'talent.write'
  | 'points.read'
  | 'points.write'
  | 'points.manage'
  | 'event.report'
  | 'whistle.blow'
  | 'whistle.read'
  | 'whistle.respond'
  | 'whistle.ratings'
  | 'patrol.read'
  | 'patrol.write'
  | 'case.read'
  | 'case.manage';

const PERMISSIONS: Record<Permission, readonly Role[]> = {
  'grid.read': [
    'admin',
    'district',
    'command_centre',
    'area_leader',
    'grid_leader',
    'grid_worker',
    'department',
  ],
  'grid.write': ['admin', 'district', 'command_centre'],
  'grid.import': ['admin', 'district', 'command_centre'],
  'user.manage': ['admin'],
  'audit.read': ['admin', 'district', 'command_centre'],
  'settings.manage': ['admin'],
  // People (D1, PIPL). What each role sees of a person is decided field by field in src/people/masking.ts.
  'people.read': [
    'admin',
    'district',
    'command_centre',
    'area_leader',
    'grid_leader',
    'grid_worker',
    'department',
  ],
  // grid workers collect and keep the resident roster (人口信息采集); departments and the district only read
  'people.write': ['admin', 'command_centre', 'area_leader', 'grid_leader', 'grid_worker'],
  // full ID numbers and phones: the community's grid leader, who serves the residents in person, and the
  // administrator; every such read is audited. Workers and the street see them masked.
  'people.unmask': ['admin', 'grid_leader'],
  // who serves vulnerable people sees who they are; everyone else with grid access sees counts only
  'special_group.read': ['admin', 'command_centre', 'grid_leader', 'grid_worker'],
  // appointing grid leaders, workers and 五长制 building/unit leaders
  'position.write': ['admin', 'district', 'command_centre', 'area_leader', 'grid_leader'],
  // responsibility lists, departments and key areas (F4): every staff role reads them to know who answers for
  // what; the street's command centre keeps them with the departments (004 "部门责任清单 … 联合城运部门制定")
  'duty.read': [
    'admin',
    'district',
    'command_centre',
    'area_leader',
    'grid_leader',
    'grid_worker',
    'department',
  ],
  'duty.manage': ['admin', 'command_centre'],
  // the event catalogue (E9) is one for the installation; every signed-in user reads it
  'category.manage': ['admin'],
  // deadline policies, the working calendar and escalation ladders (E4); every signed-in user reads them
  'deadline.manage': ['admin'],
  // outbound webhooks send change messages to outside systems: the administrator registers them
  'webhook.manage': ['admin'],
  // 网格力量 (F2): who is on a grid's forces; categories and the preset are settings (settings.manage)
  'force.write': ['admin', 'command_centre', 'area_leader', 'grid_leader'],
  // 党组织, 党员, 在职党员报到, 共驻共建单位, 红色党建联盟 (F3, G4)
  'party.write': ['admin', 'command_centre', 'area_leader', 'grid_leader'],
  // 人才库 talent pool and reserve pools (F5): kept by the community and the street, read up to the district
  'talent.read': ['admin', 'district', 'command_centre', 'area_leader', 'grid_leader'],
  'talent.write': ['admin', 'command_centre', 'area_leader', 'grid_leader'],
  // 积分 points (F6): grid workers record what residents and volunteers did; the street sets the rules
  'points.read': ['admin', 'district', 'command_centre', 'area_leader', 'grid_leader', 'grid_worker'],
  'points.write': ['admin', 'command_centre', 'area_leader', 'grid_leader', 'grid_worker'],
  'points.manage': ['admin', 'command_centre'],
  // everyone may report an event (E1); what happens next is decided per action by src/events/machine.ts
  'event.report': [
    'admin',
    'district',
    'command_centre',
    'area_leader',
    'grid_leader',
    'grid_worker',
    'department',
    'resident',
  ],
  // 吹哨 (E6): the grid's leaders and the street's command centre summon departments and grids
  'whistle.blow': ['admin', 'command_centre', 'area_leader', 'grid_leader'],
  'whistle.read': ['admin', 'district', 'command_centre', 'area_leader', 'grid_leader', 'department'],
  // 一键响应: a summoned department's users, a summoned grid's leaders
  'whistle.respond': ['command_centre', 'area_leader', 'grid_leader', 'department'],
  // 评价 results feed department assessment (004); seen only as aggregates of at least k ratings
  'whistle.ratings': ['admin', 'district', 'command_centre', 'department'],
  // 民情日志 patrols and visits: grid workers write them, their leaders and the street read them
  'patrol.read': ['admin', 'district', 'command_centre', 'area_leader', 'grid_leader', 'grid_worker'],
  'patrol.write': ['admin', 'command_centre', 'area_leader', 'grid_leader', 'grid_worker'],
  // 案例库 (E7): every staff role learns from the cases of its grids; the street curates them
  'case.read': [
    'admin',
    'district',
    'command_centre',
    'area_leader',
    'grid_leader',
    'grid_worker',
    'department',
  ],
  'case.manage': ['admin', 'command_centre'],
};

export function may(roles: readonly Role[], permission: Permission): boolean {
  const allowed = PERMISSIONS[permission];
  return roles.some((role) => allowed.includes(role));
}
