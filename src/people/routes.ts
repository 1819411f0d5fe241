import { Type } from 'typebox';
import type { Services } from '../app.js';
import { requirePermission } from '../accounts/auth.js';
import { problemResponses, type App } from '../core/http.js';
import { GridCode } from '../grids/schema.js';
import {
  CreateOrganisation,
  CreatePerson,
  CreatePosition,
  DateString,
  EndPosition,
  LinkUser,
  Organisation,
  OrganisationListQuery,
  Person,
  PersonIdParams,
  PersonList,
  PersonListQuery,
  Portrait,
  Position,
  PositionQuery,
  UnmaskQuery,
  UpdatePerson,
} from './schema.js';

const CodeParams = Type.Object({ code: GridCode });

/** Routes are thin: validate, authorize, call the service (which scopes, masks and audits). */
export async function peopleRoutes(app: App, services: Services): Promise<void> {
  const { people } = services;

  app.get(
    '/api/people',
    {
      schema: {
        tags: ['people'],
        summary: '人员列表 People of a grid and its descendants (or of all your grids), paginated',
        description:
          'ID numbers and phones are masked unless `unmask=true` is asked by a role that may (every such read is ' +
          'audited); special groups are shown only to the roles that serve them. `idNumber` and `phone` find a ' +
          'person by exact value through a keyed hash.',
        querystring: PersonListQuery,
        response: { 200: PersonList, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => people.list(request.query, requirePermission(request, 'people.read')),
  );

  app.post(
    '/api/people',
    {
      schema: {
        tags: ['people'],
        summary: '登记人员 Record a person',
        body: CreatePerson,
        response: { 201: Person, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await people.create(request.body, requirePermission(request, 'people.write'))),
  );

  app.get(
    '/api/people/:id',
    {
      schema: {
        tags: ['people'],
        summary: '人员详情 One person (unmask=true: full ID number and phone, audited)',
        params: PersonIdParams,
        querystring: UnmaskQuery,
        response: { 200: Person, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) =>
      people.get(request.params.id, requirePermission(request, 'people.read'), request.query.unmask),
  );

  app.patch(
    '/api/people/:id',
    {
      schema: {
        tags: ['people'],
        summary: '修改人员 Change a person (null clears a field)',
        params: PersonIdParams,
        body: UpdatePerson,
        response: { 200: Person, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) =>
      people.update(request.params.id, request.body, requirePermission(request, 'people.write')),
  );

  app.put(
    '/api/people/:id/user',
    {
      schema: {
        tags: ['people'],
        summary: '关联账号 Link a user account to the person (null unlinks)',
        params: PersonIdParams,
        body: LinkUser,
        response: {
          200: Type.Object({ personId: Type.Integer(), userId: Type.Union([Type.Integer(), Type.Null()]) }),
          ...problemResponses(400, 401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'user.manage');
      await people.linkUser(request.params.id, request.body.userId, user);
      return { personId: request.params.id, userId: await people.linkedUser(request.params.id, user) };
    },
  );

  app.get(
    '/api/organisations',
    {
      schema: {
        tags: ['people'],
        summary: '组织与商户 Businesses and organisations in a grid and its descendants',
        querystring: OrganisationListQuery,
        response: {
          200: Type.Object({ items: Type.Array(Organisation), total: Type.Integer() }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => people.listOrganisations(request.query, requirePermission(request, 'grid.read').scope),
  );

  app.post(
    '/api/organisations',
    {
      schema: {
        tags: ['people'],
        summary: '登记组织 Record a business or organisation in a grid',
        body: CreateOrganisation,
        response: { 201: Organisation, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await people.createOrganisation(request.body, requirePermission(request, 'people.write'))),
  );

  app.get(
    '/api/grids/:code/positions',
    {
      schema: {
        tags: ['people'],
        summary: '岗位 Who held which position in the grid on a date (default today)',
        params: CodeParams,
        querystring: PositionQuery,
        response: {
          200: Type.Object({ items: Type.Array(Position) }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({
      items: await people.positions(
        request.params.code,
        request.query,
        requirePermission(request, 'grid.read').scope,
      ),
    }),
  );

  app.post(
    '/api/grids/:code/positions',
    {
      schema: {
        tags: ['people'],
        summary: '任命 Appoint a person or user to a position in the grid',
        params: CodeParams,
        body: CreatePosition,
        response: { 201: Position, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await people.createPosition(
            request.params.code,
            request.body,
            requirePermission(request, 'position.write'),
          ),
        ),
  );

  app.post(
    '/api/positions/:id/end',
    {
      schema: {
        tags: ['people'],
        summary: '卸任 End a position (kept in the history)',
        params: PersonIdParams,
        body: EndPosition,
        response: { 200: Position, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) =>
      people.endPosition(request.params.id, request.body.to, requirePermission(request, 'position.write')),
  );

  app.get(
    '/api/grids/:code/portrait',
    {
      schema: {
        tags: ['people'],
        summary: '网格画像 Portrait numbers of a grid, rolled up over its descendants',
        description: 'Counts only (no personal data), so every grid reader may see them.',
        params: CodeParams,
        querystring: Type.Object({ at: Type.Optional(DateString) }, { additionalProperties: false }),
        response: { 200: Portrait, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      people.portrait(request.params.code, requirePermission(request, 'grid.read').scope, request.query.at),
  );
}
