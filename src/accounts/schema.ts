import { Type, type Static } from 'typebox';
import { ROLES } from './roles.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password.js';

/** Request and response schemas of the account endpoints; the single source of validation and of the OpenAPI doc. */

export const USERNAME_PATTERN = '^[A-Za-z0-9_.-]{3,64}$';

export const RoleSchema = Type.Enum([...ROLES], {
  description:
    '角色 Role: admin 系统管理员, district 区级, command_centre 街镇城运中心, area_leader 片区网格长, ' +
    'grid_leader 网格长, grid_worker 网格员, department 职能部门, resident 群众',
});

const Username = Type.String({
  pattern: USERNAME_PATTERN,
  description: '用户名 3–64 characters [A-Za-z0-9_.-]',
});
const NewPassword = Type.String({
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
  description: `密码 ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`,
});
const DisplayName = Type.String({ minLength: 1, maxLength: 100, description: '显示名 Display name' });
const Roles = Type.Array(RoleSchema, { minItems: 1, maxItems: 8, uniqueItems: true });
const GridCodes = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 1000,
  uniqueItems: true,
  description: '绑定网格代码 Codes of the grids the user works in; required for every role except admin',
});
const DateTime = Type.String({ format: 'date-time' });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

export const PageQuery = Type.Object({
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});

export const LoginBody = Type.Object(
  {
    // deliberately loose: a login must not reveal the username or password rules, only "wrong"
    username: Type.String({ minLength: 1, maxLength: 256 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

/** The signed-in user as the web client keeps it. */
/** The grid the user's first screen starts from (GridService.startGrid). */
export const StartGrid = Type.Union(
  [Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() }), Type.Null()],
  {
    description:
      '首屏网格 The grid the first screen (map and portrait) starts from: the only top grid the user may see, ' +
      'then down while there is one way down; null without any grid',
  },
);

export const SessionUser = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(RoleSchema),
  grids: Type.Array(Type.String(), { description: '绑定网格代码 Codes of the bound grids' }),
  startGrid: StartGrid,
});
export type SessionUser = Static<typeof SessionUser>;

export const LoginResponse = Type.Object({
  token: Type.String({ description: 'Bearer token; send as "Authorization: Bearer <token>"' }),
  expiresAt: DateTime,
  user: SessionUser,
});

export const MeResponse = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(RoleSchema),
  grids: Type.Array(Type.String()),
  startGrid: StartGrid,
  permissions: Type.Array(Type.String(), { description: '权限 What the roles allow, for showing menus' }),
});

/** A user as an administrator sees it; the password hash is never part of it. */
export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(RoleSchema),
  grids: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  failedAttempts: Type.Integer({ description: '连续登录失败次数 Failed logins in a row' }),
  lockedUntil: Type.Union([DateTime, Type.Null()], { description: '锁定至 Locked until (null: not locked)' }),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type User = Static<typeof User>;

export const UserList = Type.Object({
  items: Type.Array(User),
  total: Type.Integer(),
});

export const CreateUserBody = Type.Object(
  {
    username: Username,
    password: NewPassword,
    displayName: Type.Optional(DisplayName),
    roles: Roles,
    grids: GridCodes,
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    roles: Type.Optional(Roles),
    grids: Type.Optional(GridCodes),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(NewPassword),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

/** The roles in the order of src/accounts/roles.ts ROLES, named for people; the console takes them from here. */
export const RoleList = Type.Array(Type.Object({ key: RoleSchema, zh: Type.String(), en: Type.String() }));
