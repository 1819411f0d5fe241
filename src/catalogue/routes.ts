import { Type } from 'typebox';
import type { Services } from '../app.js';
import { actorOf, requirePermission, requireUser } from '../accounts/auth.js';
import { problemResponses, type App } from '../core/http.js';
import { presentLadder } from './presenter.js';
import {
  CalendarYear,
  Category,
  CategoryCode,
  CategoryDetail,
  CategoryTree,
  CategoryTreeQuery,
  CreateCategory,
  DeadlinePolicy,
  EffectiveLadder,
  Ladder,
  LadderKey,
  LadderList,
  PolicyKey,
  PutCalendarYear,
  PutDeadlinePolicy,
  PutLadder,
  UpdateCategory,
  WorkingTime,
  YearParams,
} from './schema.js';
import type { EscalationLadder } from './service.js';

const CodeParams = Type.Object({ code: CategoryCode });
const KeyParams = Type.Object({ key: PolicyKey });
const LadderParams = Type.Object({ gridCode: LadderKey });

function ladderBody(ladder: EscalationLadder) {
  return presentLadder({ ...ladder });
}

/**
 * Reading the catalogue, policies, calendar and ladders is open to every signed-in user (a worker picks a class, a
 * resident sees a deadline); changing them needs `category.manage` (categories) or `deadline.manage` (the rest).
 */
export async function catalogueRoutes(app: App, services: Services): Promise<void> {
  const { catalogue } = services;

  app.get(
    '/api/categories',
    {
      schema: {
        tags: ['catalogue'],
        summary: '事件分类树 The two-level event catalogue (大类 with their 小类)',
        querystring: CategoryTreeQuery,
        response: { 200: CategoryTree, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      requireUser(request);
      return catalogue.tree({ active: request.query.active });
    },
  );

  app.get(
    '/api/categories/:code',
    {
      schema: {
        tags: ['catalogue'],
        summary: '事件分类 One class with its effective deadline policy and standards',
        params: CodeParams,
        response: { 200: CategoryDetail, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      requireUser(request);
      return catalogue.get(request.params.code);
    },
  );

  app.post(
    '/api/categories',
    {
      schema: {
        tags: ['catalogue'],
        summary: '新增分类 Add a major class (2-digit code) or a minor class (its major code + 2 digits)',
        body: CreateCategory,
        response: { 201: Category, ...problemResponses(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'category.manage');
      return reply.status(201).send(await catalogue.create(request.body, actorOf(user)));
    },
  );

  app.patch(
    '/api/categories/:code',
    {
      schema: {
        tags: ['catalogue'],
        summary: '修改分类 Edit a class; `active: false` deactivates it (classes are never deleted)',
        params: CodeParams,
        body: UpdateCategory,
        response: { 200: Category, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'category.manage');
      return catalogue.update(request.params.code, request.body, actorOf(user));
    },
  );

  app.get(
    '/api/deadline-policies',
    {
      schema: {
        tags: ['catalogue'],
        summary: '时限策略 Deadline policies: clock type and seconds per stage',
        response: { 200: Type.Array(DeadlinePolicy), ...problemResponses(401) },
      },
    },
    async (request) => {
      requireUser(request);
      return catalogue.policies();
    },
  );

  app.get(
    '/api/deadline-policies/:key',
    {
      schema: {
        tags: ['catalogue'],
        summary: '时限策略 One deadline policy',
        params: KeyParams,
        response: { 200: DeadlinePolicy, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      requireUser(request);
      return catalogue.policyView(request.params.key);
    },
  );

  app.put(
    '/api/deadline-policies/:key',
    {
      schema: {
        tags: ['catalogue'],
        summary: '设置时限策略 Create or replace a deadline policy (durations in seconds of its clock)',
        params: KeyParams,
        body: PutDeadlinePolicy,
        response: { 200: DeadlinePolicy, 201: DeadlinePolicy, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'deadline.manage');
      const { created, policy } = await catalogue.putPolicy(request.params.key, request.body, actorOf(user));
      return reply.status(created ? 201 : 200).send(policy);
    },
  );

  app.get(
    '/api/calendar/working-time',
    {
      schema: {
        tags: ['catalogue'],
        summary: '工作时间 The default working week and hours (China time)',
        response: { 200: WorkingTime, ...problemResponses(401) },
      },
    },
    async (request) => {
      requireUser(request);
      return catalogue.workingTime();
    },
  );

  app.put(
    '/api/calendar/working-time',
    {
      schema: {
        tags: ['catalogue'],
        summary: '设置工作时间 Set the working weekdays and hours (default Mon–Fri 09:00–12:00, 13:30–17:30)',
        body: WorkingTime,
        response: { 200: WorkingTime, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'deadline.manage');
      return catalogue.putWorkingTime(request.body, actorOf(user));
    },
  );

  app.get(
    '/api/calendar/:year',
    {
      schema: {
        tags: ['catalogue'],
        summary: '工作日历 Holidays, make-up workdays and half days of a year',
        description: 'Days marked `seeded` are the platform defaults: an administrator checks them.',
        params: YearParams,
        response: { 200: CalendarYear, ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      requireUser(request);
      return catalogue.calendarYear(request.params.year);
    },
  );

  app.put(
    '/api/calendar/:year',
    {
      schema: {
        tags: ['catalogue'],
        summary: '设置工作日历 Replace the special days of a year (法定节假日 holiday, 调休上班 workday)',
        params: YearParams,
        body: PutCalendarYear,
        response: { 200: CalendarYear, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'deadline.manage');
      return catalogue.putCalendarYear(request.params.year, request.body.days, actorOf(user));
    },
  );

  app.get(
    '/api/escalation-ladders',
    {
      schema: {
        tags: ['catalogue'],
        summary: '升级阶梯 The presets and every ladder that is set (the default and per grid)',
        response: { 200: LadderList, ...problemResponses(401) },
      },
    },
    async (request) => {
      requireUser(request);
      return catalogue.ladders();
    },
  );

  app.get(
    '/api/escalation-ladders/:gridCode',
    {
      schema: {
        tags: ['catalogue'],
        summary:
          '适用的升级阶梯 The ladder that applies to a grid: its own, the nearest above, or the default',
        params: LadderParams,
        response: { 200: EffectiveLadder, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      requireUser(request);
      const ladder = await catalogue.ladderForGrid(request.params.gridCode);
      return {
        ...ladderBody(ladder),
        requestedFor: request.params.gridCode,
        inherited: ladder.gridCode !== request.params.gridCode,
      };
    },
  );

  app.put(
    '/api/escalation-ladders/:gridCode',
    {
      schema: {
        tags: ['catalogue'],
        summary:
          '设置升级阶梯 Set the ladder of a grid (normally a street) or the default: a preset or its own levels',
        params: LadderParams,
        body: PutLadder,
        response: { 200: Ladder, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const user = requirePermission(request, 'deadline.manage');
      return ladderBody(await catalogue.putLadder(request.params.gridCode, request.body, actorOf(user)));
    },
  );

  app.delete(
    '/api/escalation-ladders/:gridCode',
    {
      schema: {
        tags: ['catalogue'],
        summary: '删除升级阶梯 Remove a grid’s own ladder (it falls back to the one above)',
        params: LadderParams,
        response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const user = requirePermission(request, 'deadline.manage');
      await catalogue.deleteLadder(request.params.gridCode, actorOf(user));
      return reply.status(204).send(null);
    },
  );
}
