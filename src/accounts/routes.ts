import { Type } from 'typebox';
import type { Services } from '../app.js';
import { auditRoutes } from '../core/audit-routes.js';
import { errors } from '../core/errors.js';
import { problemResponses, type App } from '../core/http.js';
import { actorOf, requirePermission, requireUser } from './auth.js';
import { presentMe, presentSessionUser, presentUser } from './presenter.js';
import { ROLE_NAMES, ROLES } from './roles.js';
import {
  CreateUserBody,
  IdParams,
  LoginBody,
  LoginResponse,
  MeResponse,
  PageQuery,
  RoleList,
  UpdateUserBody,
  User,
  UserList,
} from './schema.js';

/** Login, the signed-in user, and user administration (D1). Routes are thin: validate, authorize, call, present. */
export async function accountRoutes(app: App, services: Services): Promise<void> {
  const { accounts, clock, grids } = services;

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: '登录 Sign in with username and password',
        description:
          'Answers a bearer token. A wrong password and an unknown username get the same 401; ' +
          'after too many failures in a row the account is locked (423, with `lockedUntil`).',
        security: [],
        body: LoginBody,
        response: { 200: LoginResponse, ...problemResponses(400, 401, 403, 423) },
      },
    },
    async (request) => {
      const result = await accounts.login(request.body.username, request.body.password);
      // the first screen's grid comes with the session, so the console asks for its map and portrait at once
      const signedIn = await accounts.authenticate(result.token);
      return {
        token: result.token,
        expiresAt: result.expiresAt.toISOString(),
        user: presentSessionUser(result.user, signedIn ? await grids.startGrid(signedIn.scope) : null),
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: '退出登录 Sign out: the token stops working at once',
        response: { 204: Type.Null(), ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!token) throw errors.unauthenticated();
      await accounts.logout(token, actorOf(user));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: '当前用户 The signed-in user, with the permissions of the roles',
        response: { 200: MeResponse, ...problemResponses(401) },
      },
    },
    async (request) => {
      const user = requireUser(request);
      return presentMe(user, await grids.startGrid(user.scope));
    },
  );

  app.get(
    '/api/roles',
    {
      schema: {
        tags: ['auth'],
        summary: '角色 The roles of the platform in order, with their Chinese and English names',
        response: { 200: RoleList, ...problemResponses(401) },
      },
    },
    async (request) => {
      requireUser(request);
      return ROLES.map((key) => ({ key, ...ROLE_NAMES[key] }));
    },
  );

  app.post(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: '新建用户 Create a user bound to grids (admin)',
        body: CreateUserBody,
        response: { 201: User, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'user.manage');
      const created = await accounts.createUser(request.body, actorOf(user));
      return reply.status(201).send(presentUser(created, clock.now()));
    },
  );

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: '用户列表 Users in the caller’s scope, by id (admin)',
        querystring: PageQuery,
        response: { 200: UserList, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'user.manage');
      const page = await accounts.listUsers(user.scope, request.query);
      const now = clock.now();
      return { items: page.items.map((account) => presentUser(account, now)), total: page.total };
    },
  );

  app.get(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: '用户详情 One user (admin)',
        params: IdParams,
        response: { 200: User, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'user.manage');
      return presentUser(await accounts.getUser(request.params.id, user.scope), clock.now());
    },
  );

  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: '修改用户 Change roles, grids, name, password or disable a user (admin)',
        description: 'A new password or disabling ends every session of the user at once.',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: User, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'user.manage');
      // scope check first, so that a user outside the caller's grids is a 404 and not a change
      await accounts.getUser(request.params.id, user.scope);
      const updated = await accounts.updateUser(request.params.id, request.body, actorOf(user));
      return presentUser(updated, clock.now());
    },
  );

  app.post(
    '/api/users/:id/unlock',
    {
      schema: {
        tags: ['users'],
        summary: '解除锁定 Unlock an account locked after failed logins (admin)',
        params: IdParams,
        response: { 200: User, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'user.manage');
      await accounts.getUser(request.params.id, user.scope);
      return presentUser(await accounts.unlock(request.params.id, actorOf(user)), clock.now());
    },
  );

  // registered here so that src/app.ts needs no change for the audit log endpoint
  await auditRoutes(app, services);
}
