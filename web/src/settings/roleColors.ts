/** One colour per role, the same in the table and the form; the administrator in the brand's red. */
const ROLE_COLORS: Record<string, string> = {
  admin: 'red',
  district: 'purple',
  command_centre: 'geekblue',
  area_leader: 'cyan',
  grid_leader: 'blue',
  grid_worker: 'green',
  department: 'orange',
  resident: 'default',
};

export function roleColor(role: string): string {
  return ROLE_COLORS[role] ?? 'default';
}
