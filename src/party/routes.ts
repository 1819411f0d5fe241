import { Type } from 'typebox';
import type { Services } from '../app.js';
import { requirePermission } from '../accounts/auth.js';
import { problemResponses, type App } from '../core/http.js';
import {
  AddAllianceMember,
  Alliance,
  CoBuildingQuery,
  CoBuildingUnit,
  CreateAlliance,
  CreateCoBuildingUnit,
  CreatePartyMember,
  CreatePartyOrganisation,
  CreateRegistration,
  CreateServiceRecord,
  EndBody,
  EndRegistration,
  GridFilterQuery,
  IdParams,
  MemberQuery,
  PartyMember,
  PartyOrganisation,
  PartyTree,
  PartyTreeQuery,
  Registration,
  RetireBody,
  ServiceRecord,
  StrengthInput,
  StrengthParams,
  UpdateCoBuildingUnit,
  UpdatePartyOrganisation,
} from './schema.js';

const tags = ['party'];
const list = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item) });

/**
 * 党建 (F3, G4). Reading needs grid.read, writing party.write; both are limited to the reader's grids: an
 * organisation, registration, unit or alliance outside them answers 404 like a missing one.
 */
export async function partyRoutes(app: App, services: Services): Promise<void> {
  const { party } = services;

  app.get(
    '/api/party/organisations',
    {
      schema: {
        tags,
        summary: '党组织树 Party organisations linked to a grid and its descendants (or to all your grids)',
        querystring: PartyTreeQuery,
        response: { 200: PartyTree, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => party.tree(request.query, requirePermission(request, 'grid.read')),
  );

  app.post(
    '/api/party/organisations',
    {
      schema: {
        tags,
        summary: '新建党组织 Create a party organisation under a parent, linked to a grid',
        body: CreatePartyOrganisation,
        response: { 201: PartyOrganisation, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await party.createOrganisation(request.body, requirePermission(request, 'party.write'))),
  );

  app.get(
    '/api/party/organisations/:id',
    {
      schema: {
        tags,
        summary: '党组织 One party organisation',
        params: IdParams,
        response: { 200: PartyOrganisation, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => party.getOrganisation(request.params.id, requirePermission(request, 'grid.read')),
  );

  app.patch(
    '/api/party/organisations/:id',
    {
      schema: {
        tags,
        summary: '修改党组织 Rename, move under another organisation, or link to another grid',
        params: IdParams,
        body: UpdatePartyOrganisation,
        response: { 200: PartyOrganisation, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) =>
      party.updateOrganisation(request.params.id, request.body, requirePermission(request, 'party.write')),
  );

  app.post(
    '/api/party/organisations/:id/retire',
    {
      schema: {
        tags,
        summary: '撤销党组织 Retire an organisation without active children or members',
        params: IdParams,
        body: RetireBody,
        response: { 200: PartyOrganisation, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      party.retireOrganisation(request.params.id, request.body.on, requirePermission(request, 'party.write')),
  );

  app.get(
    '/api/party/organisations/:id/members',
    {
      schema: {
        tags,
        summary: '党员 Members of an organisation (current, or the history)',
        params: IdParams,
        querystring: MemberQuery,
        response: { 200: list(PartyMember), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      party.members(request.params.id, request.query, requirePermission(request, 'grid.read')),
  );

  app.post(
    '/api/party/organisations/:id/members',
    {
      schema: {
        tags,
        summary: '党员加入 Add a party member to an organisation with a role',
        params: IdParams,
        body: CreatePartyMember,
        response: { 201: PartyMember, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await party.addMember(request.params.id, request.body, requirePermission(request, 'party.write')),
        ),
  );

  app.post(
    '/api/party/members/:id/end',
    {
      schema: {
        tags,
        summary: '党员转出 End a membership (kept in the history)',
        params: IdParams,
        body: EndBody,
        response: { 200: PartyMember, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) =>
      party.endMember(request.params.id, request.body.until, requirePermission(request, 'party.write')),
  );

  app.get(
    '/api/party/registrations',
    {
      schema: {
        tags,
        summary: '在职党员报到 In-service party members registered in a grid and its descendants',
        querystring: GridFilterQuery,
        response: { 200: list(Registration), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => party.registrations(request.query, requirePermission(request, 'grid.read')),
  );

  app.post(
    '/api/party/registrations',
    {
      schema: {
        tags,
        summary: '报到 Register an in-service party member with a community grid',
        body: CreateRegistration,
        response: { 201: Registration, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await party.register(request.body, requirePermission(request, 'party.write'))),
  );

  app.post(
    '/api/party/registrations/:id/end',
    {
      schema: {
        tags,
        summary: '结束报到 End a registration',
        params: IdParams,
        body: EndRegistration,
        response: { 200: Registration, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      party.endRegistration(request.params.id, request.body.on, requirePermission(request, 'party.write')),
  );

  app.get(
    '/api/party/registrations/:id/service-records',
    {
      schema: {
        tags,
        summary: '服务记录 Service records of a registered member',
        params: IdParams,
        response: { 200: list(ServiceRecord), ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => party.serviceRecords(request.params.id, requirePermission(request, 'grid.read')),
  );

  app.post(
    '/api/party/registrations/:id/service-records',
    {
      schema: {
        tags,
        summary: '记录服务 Record a service (date, hours, what, where)',
        params: IdParams,
        body: CreateServiceRecord,
        response: { 201: ServiceRecord, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await party.addServiceRecord(
            request.params.id,
            request.body,
            requirePermission(request, 'party.write'),
          ),
        ),
  );

  app.get(
    '/api/party/alliances',
    {
      schema: {
        tags,
        summary: '红色党建联盟 Party-building alliances of a grid and its descendants, with members',
        querystring: GridFilterQuery,
        response: { 200: list(Alliance), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => party.alliances(request.query, requirePermission(request, 'grid.read')),
  );

  app.post(
    '/api/party/alliances',
    {
      schema: {
        tags,
        summary: '成立联盟 Create a party-building alliance',
        body: CreateAlliance,
        response: { 201: Alliance, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await party.createAlliance(request.body, requirePermission(request, 'party.write'))),
  );

  app.post(
    '/api/party/alliances/:id/members',
    {
      schema: {
        tags,
        summary: '加入联盟 Add a co-building unit or a party organisation to an alliance',
        params: IdParams,
        body: AddAllianceMember,
        response: { 200: Alliance, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      party.addAllianceMember(request.params.id, request.body, requirePermission(request, 'party.write')),
  );

  app.get(
    '/api/co-building-units',
    {
      schema: {
        tags,
        summary: '共驻共建单位 Co-building units of a grid and its descendants, with contacts and strengths',
        querystring: CoBuildingQuery,
        response: {
          200: Type.Object({ items: Type.Array(CoBuildingUnit), total: Type.Integer() }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => party.units(request.query, requirePermission(request, 'grid.read')),
  );

  app.post(
    '/api/co-building-units',
    {
      schema: {
        tags,
        summary: '登记共建单位 Record a co-building unit with contacts and strengths (所能所长)',
        body: CreateCoBuildingUnit,
        response: { 201: CoBuildingUnit, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await party.createUnit(request.body, requirePermission(request, 'party.write'))),
  );

  app.get(
    '/api/co-building-units/:id',
    {
      schema: {
        tags,
        summary: '共建单位 One co-building unit',
        params: IdParams,
        response: { 200: CoBuildingUnit, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => party.getUnit(request.params.id, requirePermission(request, 'grid.read')),
  );

  app.patch(
    '/api/co-building-units/:id',
    {
      schema: {
        tags,
        summary: '修改共建单位 Change a co-building unit (contacts are replaced when given)',
        params: IdParams,
        body: UpdateCoBuildingUnit,
        response: { 200: CoBuildingUnit, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      party.updateUnit(request.params.id, request.body, requirePermission(request, 'party.write')),
  );

  app.post(
    '/api/co-building-units/:id/strengths',
    {
      schema: {
        tags,
        summary: '新增所能所长 Add a strength to a co-building unit',
        params: IdParams,
        body: StrengthInput,
        response: { 200: CoBuildingUnit, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      party.addStrength(request.params.id, request.body, requirePermission(request, 'party.write')),
  );

  app.delete(
    '/api/co-building-units/:id/strengths/:strengthId',
    {
      schema: {
        tags,
        summary: '删除所能所长 Remove a strength',
        params: StrengthParams,
        response: { 200: CoBuildingUnit, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) =>
      party.removeStrength(
        request.params.id,
        request.params.strengthId,
        requirePermission(request, 'party.write'),
      ),
  );
}
