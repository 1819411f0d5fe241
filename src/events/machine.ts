/**
 * The life of an event (E3) as plain data and functions: states, actions, who may take each action and on which
 * events. No database, no HTTP: the service reads the event, asks `decide`, and writes the change with its
 * timeline entry in one transaction.
 *
 * Main path: reported →(accept 立案)→ accepted →(dispatch 派遣)→ dispatched →(start 接单)→ in_progress
 * →(handle 反馈)→ handled →(verify 核查)→ verified →(close 结案/销号)→ closed →(rate 评价)→ rated.
 * Side paths: decline 不予立案; field check 核实 before acceptance; return 回退 (wrong department) after which the
 * dispatcher may only re-dispatch or pass it back up; rework 返工; self-handling 自处置 by the reporting grid
 * worker; suspension 挂账 / extension 延期 / cancellation 作废 / forced close 强制结案, each a request that a leader
 * approves; classification 定难度 (general / difficult / complex) by the command centre or the grid leader while the
 * work is active, which restarts the stage clock on the difficulty's policy.
 */
import type { Role } from '../accounts/roles.js';

export const EVENT_STATES = [
  'reported',
  'field_check',
  'accepted',
  'declined',
  'dispatched',
  'returned',
  'in_progress',
  'handled',
  'verified',
  'closed',
  'rated',
  'suspended',
  'cancelled',
] as const;
export type EventState = (typeof EVENT_STATES)[number];

/** States in which an event is over: not counted as open, not a duplicate candidate. */
export const FINAL_STATES: readonly EventState[] = ['declined', 'closed', 'rated', 'cancelled'];

export const EVENT_ACTIONS = [
  'claim',
  'accept',
  'decline',
  'request_field_check',
  'report_field_check',
  'dispatch',
  'pass_up',
  'start',
  'return',
  'handle',
  'self_handle',
  'verify',
  'rework',
  'close',
  'rate',
  'request_suspension',
  'request_extension',
  'request_cancellation',
  'request_force_close',
  'approve',
  'reject_request',
  'resume',
  'classify',
] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/** What the machine needs to know of an event. */
export interface MachineEvent {
  state: EventState;
  gridPath: string;
  reporterUserId: number | null;
  claimedBy: number | null;
  fieldCheckUserId: number | null;
  assignedDepartmentId: number | null;
  handlingGridPath: string | null;
  selfHandled: boolean;
  suspendedFrom: EventState | null;
  pendingRequest: { kind: PendingKind; byUserId: number } | null;
  /** May the reporting grid worker handle events of this category himself (自处置)? */
  selfHandlingAllowed: boolean;
}

export type PendingKind = 'suspension' | 'extension' | 'cancellation' | 'force_close';

/** What the machine needs to know of the user acting. */
export interface MachineActor {
  userId: number;
  roles: readonly Role[];
  /** The department (organisations id) of a department user, from department_users. */
  departmentId: number | null;
  /** Is the grid with this path inside the user's data scope? */
  covers(path: string): boolean;
  /**
   * Set only by the resident page (src/residents) after it verified the matter's follow code: the caller is the
   * resident the code was given to, acting without an account. It opens `rate` and nothing else.
   */
  followCode?: 'verified';
}

export type Refusal =
  | { status: 409; code: 'illegal_transition'; from: EventState; to: EventState | null }
  | { status: 409; code: 'already_claimed' | 'request_pending' | 'no_request' }
  | { status: 403; code: 'forbidden'; reason: { zh: string; en: string } };

export type Decision = { ok: true; to: EventState } | ({ ok: false } & Refusal);

const GRID_ROLES: readonly Role[] = ['grid_worker', 'grid_leader', 'area_leader'];
/** Leaders who approve suspensions, extensions, cancellations and forced closes. */
export const APPROVER_ROLES: readonly Role[] = ['district', 'area_leader', 'grid_leader'];
const ACTIVE_WORK: readonly EventState[] = ['accepted', 'dispatched', 'in_progress'];

interface Transition {
  from: readonly EventState[];
  /** Target state; null when it depends on the event (approve, resume). */
  to: EventState | ((event: MachineEvent) => EventState);
  roles: readonly Role[];
  /** Who, among the roles, on which events; a refusal text, or null when allowed. */
  rule: (event: MachineEvent, actor: MachineActor) => { zh: string; en: string } | null;
  /** Extra condition on the event's state (pending requests, claims) answered with 409. */
  guard?: (event: MachineEvent, actor: MachineActor) => Refusal | null;
  /** A description for the OpenAPI document and the UI. */
  summary: string;
}

const outOfScope = { zh: '事件不在您的管辖网格内', en: 'The event is outside your grids' };

function inScope(event: MachineEvent, actor: MachineActor) {
  return actor.covers(event.gridPath) ? null : outOfScope;
}

/** The shared pool: a report claimed by another command-centre user is his to accept. */
function claimOwner(event: MachineEvent, actor: MachineActor) {
  if (!actor.covers(event.gridPath)) return outOfScope;
  if (event.claimedBy !== null && event.claimedBy !== actor.userId) {
    return { zh: '该事件已由其他人认领', en: 'Another user has claimed this event' };
  }
  return null;
}

/** The assignee: a user of the assigned department, or a grid user of the handling grid. */
export function isAssignee(event: MachineEvent, actor: MachineActor): boolean {
  if (
    event.assignedDepartmentId !== null &&
    actor.roles.includes('department') &&
    actor.departmentId === event.assignedDepartmentId
  ) {
    return true;
  }
  return (
    event.handlingGridPath !== null &&
    actor.roles.some((role) => GRID_ROLES.includes(role)) &&
    actor.covers(event.handlingGridPath)
  );
}

function assignee(event: MachineEvent, actor: MachineActor) {
  return isAssignee(event, actor)
    ? null
    : {
        zh: '只有承办部门或承办网格可以办理',
        en: 'Only the assigned department or handling grid may do this',
      };
}

function noPending(event: MachineEvent): Refusal | null {
  return event.pendingRequest ? { status: 409, code: 'request_pending' } : null;
}

function requestRule(event: MachineEvent, actor: MachineActor) {
  if (actor.roles.includes('command_centre') && actor.covers(event.gridPath)) return null;
  if (isAssignee(event, actor)) return null;
  if (actor.roles.some((role) => GRID_ROLES.includes(role)) && actor.covers(event.gridPath)) return null;
  return outOfScope;
}

export const TRANSITIONS: Record<EventAction, Transition> = {
  claim: {
    from: ['reported'],
    to: 'reported',
    roles: ['command_centre'],
    rule: inScope,
    guard: (event) => (event.claimedBy !== null ? { status: 409, code: 'already_claimed' } : null),
    summary: '认领 Claim a new report from the shared pool; the claimer owns its acceptance',
  },
  accept: {
    from: ['reported'],
    to: 'accepted',
    roles: ['command_centre'],
    rule: claimOwner,
    summary: '立案 Accept: tick the filing standards of the category',
  },
  decline: {
    from: ['reported'],
    to: 'declined',
    roles: ['command_centre'],
    rule: claimOwner,
    summary: '不予立案 Decline, with a reason',
  },
  request_field_check: {
    from: ['reported'],
    to: 'field_check',
    roles: ['command_centre'],
    rule: claimOwner,
    summary: '核实 Send a grid worker of the event’s micro-grid to check the report on site',
  },
  report_field_check: {
    from: ['field_check'],
    to: 'reported',
    roles: ['grid_worker'],
    rule: (event, actor) =>
      event.fieldCheckUserId === actor.userId
        ? null
        : {
            zh: '只有被指派的网格员可以反馈核实结果',
            en: 'Only the assigned grid worker may report the check',
          },
    summary: '核实反馈 Report the field check (back to the command centre)',
  },
  dispatch: {
    from: ['accepted', 'returned'],
    to: 'dispatched',
    roles: ['command_centre'],
    rule: inScope,
    guard: noPending,
    summary: '派遣 Dispatch to a department and/or a handling grid (the suggestion may be overridden)',
  },
  pass_up: {
    from: ['returned'],
    to: 'reported',
    roles: ['command_centre'],
    rule: inScope,
    guard: noPending,
    summary: '上交 Pass a returned event back up to the shared pool',
  },
  start: {
    from: ['dispatched'],
    to: 'in_progress',
    roles: ['department', 'grid_worker', 'grid_leader', 'area_leader'],
    rule: assignee,
    summary: '接单 The assigned department or grid takes the work',
  },
  return: {
    from: ['dispatched'],
    to: 'returned',
    roles: ['department', 'grid_worker', 'grid_leader', 'area_leader'],
    rule: assignee,
    guard: noPending,
    summary: '回退 Return: not ours (reason required)',
  },
  handle: {
    from: ['in_progress'],
    to: 'handled',
    roles: ['department', 'grid_worker', 'grid_leader', 'area_leader'],
    rule: assignee,
    summary: '处置反馈 Report back the handling, with a note and photos',
  },
  self_handle: {
    from: ['reported'],
    to: 'handled',
    roles: ['grid_worker'],
    rule: (event, actor) => {
      if (event.reporterUserId !== actor.userId || !actor.covers(event.gridPath)) {
        return {
          zh: '只有上报的网格员可以自处置',
          en: 'Only the reporting grid worker may handle it himself',
        };
      }
      return event.selfHandlingAllowed
        ? null
        : { zh: '该类事件不允许自处置', en: 'Events of this category may not be self-handled' };
    },
    guard: (event) => (event.claimedBy !== null ? { status: 409, code: 'already_claimed' } : null),
    summary: '自处置 The reporting grid worker handles it on the spot',
  },
  verify: {
    from: ['handled'],
    to: 'verified',
    roles: GRID_ROLES,
    rule: inScope,
    guard: (event) =>
      event.selfHandled
        ? { status: 409, code: 'illegal_transition', from: event.state, to: 'verified' }
        : null,
    summary: '核查 The grid checks the result on site',
  },
  rework: {
    from: ['handled'],
    to: 'in_progress',
    roles: GRID_ROLES,
    rule: inScope,
    guard: (event) =>
      event.selfHandled
        ? { status: 409, code: 'illegal_transition', from: event.state, to: 'in_progress' }
        : null,
    summary: '返工 The check failed: back to the assignee',
  },
  close: {
    from: ['verified', 'handled'],
    to: 'closed',
    roles: ['command_centre', 'grid_leader', 'area_leader', 'grid_worker'],
    rule: (event, actor) => {
      if (!actor.covers(event.gridPath)) return outOfScope;
      // a grid worker closes out (销号) only what he handled himself; the rest is closed by leaders or the centre
      if (
        event.state === 'handled' ||
        actor.roles.some((role) => role !== 'grid_worker' && TRANSITIONS.close.roles.includes(role))
      ) {
        return null;
      }
      return { zh: '网格员只能销号自处置的事件', en: 'A grid worker closes out only self-handled events' };
    },
    guard: (event) =>
      event.state === 'handled' && !event.selfHandled
        ? { status: 409, code: 'illegal_transition', from: event.state, to: 'closed' }
        : null,
    summary: '结案/销号 Close: tick the closing standards of the category',
  },
  rate: {
    from: ['closed'],
    to: 'rated',
    roles: [
      'resident',
      'grid_worker',
      'grid_leader',
      'area_leader',
      'command_centre',
      'department',
      'district',
    ],
    rule: (event, actor) =>
      // a resident proves with the follow code that the matter is his (raised on the page or reported for him)
      actor.followCode === 'verified' || event.reporterUserId === actor.userId
        ? null
        : { zh: '只有上报人可以评价', en: 'Only the reporter may rate the result' },
    summary:
      '评价 The reporter (or the resident holding the follow code) rates the result (1–5) with a comment',
  },
  request_suspension: {
    from: ACTIVE_WORK,
    to: (event) => event.state,
    roles: ['command_centre', 'department', ...GRID_ROLES],
    rule: requestRule,
    guard: noPending,
    summary: '申请挂账 Ask a leader to suspend the event (reason)',
  },
  request_extension: {
    from: ['dispatched', 'in_progress'],
    to: (event) => event.state,
    roles: ['command_centre', 'department', ...GRID_ROLES],
    rule: requestRule,
    guard: noPending,
    summary: '申请延期 Ask a leader for more days (reason, days)',
  },
  request_cancellation: {
    from: ['reported', 'field_check', 'accepted', 'dispatched', 'returned', 'in_progress', 'suspended'],
    to: (event) => event.state,
    roles: ['command_centre', ...GRID_ROLES],
    rule: requestRule,
    guard: noPending,
    summary: '申请作废 Ask a leader to cancel the event (reason)',
  },
  request_force_close: {
    from: ['dispatched', 'returned', 'in_progress', 'handled', 'verified', 'suspended'],
    to: (event) => event.state,
    roles: ['command_centre', ...GRID_ROLES],
    rule: requestRule,
    guard: noPending,
    summary: '申请强制结案 Ask a leader to force-close the event (reason)',
  },
  approve: {
    from: EVENT_STATES.filter((state) => !FINAL_STATES.includes(state)),
    to: (event) => {
      switch (event.pendingRequest?.kind) {
        case 'suspension':
          return 'suspended';
        case 'cancellation':
          return 'cancelled';
        case 'force_close':
          return 'closed';
        default:
          return event.state;
      }
    },
    roles: APPROVER_ROLES,
    rule: (event, actor) => {
      if (!actor.covers(event.gridPath)) return outOfScope;
      return event.pendingRequest?.byUserId === actor.userId
        ? { zh: '不能批准自己的申请', en: 'You may not approve your own request' }
        : null;
    },
    guard: (event) => (event.pendingRequest ? null : { status: 409, code: 'no_request' }),
    summary: '批准 A leader approves the pending request',
  },
  reject_request: {
    from: EVENT_STATES.filter((state) => !FINAL_STATES.includes(state)),
    to: (event) => event.state,
    roles: APPROVER_ROLES,
    rule: inScope,
    guard: (event) => (event.pendingRequest ? null : { status: 409, code: 'no_request' }),
    summary: '驳回申请 A leader rejects the pending request (reason)',
  },
  resume: {
    from: ['suspended'],
    to: (event) => event.suspendedFrom ?? 'accepted',
    roles: ['command_centre', ...APPROVER_ROLES],
    rule: inScope,
    guard: noPending,
    summary: '恢复 Resume a suspended event where it stood',
  },
  classify: {
    from: ACTIVE_WORK,
    to: (event) => event.state,
    roles: ['command_centre', 'grid_leader'],
    rule: (event, actor) => {
      if (actor.roles.includes('command_centre') && actor.covers(event.gridPath)) return null;
      // a grid leader classifies the events of his grids, or those his grid handles
      if (
        actor.roles.includes('grid_leader') &&
        (actor.covers(event.gridPath) ||
          (event.handlingGridPath !== null && actor.covers(event.handlingGridPath)))
      ) {
        return null;
      }
      return outOfScope;
    },
    guard: noPending,
    summary:
      '定难度 Classify the difficulty (general 24 h response / difficult 48 h consultation 会商 / complex 7-day plan), with a reason',
  },
};

export function targetOf(action: EventAction, event: MachineEvent): EventState {
  const to = TRANSITIONS[action].to;
  return typeof to === 'function' ? to(event) : to;
}

/**
 * May this actor take this action on this event now? The order of the checks is the order of the answers:
 * a state the action does not start from is 409 illegal_transition whoever asks; then the role (403), then the
 * scope or assignment rule (403), then the event's own conditions (409).
 */
export function decide(action: EventAction, event: MachineEvent, actor: MachineActor): Decision {
  const transition = TRANSITIONS[action];
  if (!transition.from.includes(event.state)) {
    const to = typeof transition.to === 'function' ? null : transition.to;
    return { ok: false, status: 409, code: 'illegal_transition', from: event.state, to };
  }
  if (!actor.roles.some((role) => transition.roles.includes(role))) {
    return {
      ok: false,
      status: 403,
      code: 'forbidden',
      reason: { zh: '您的角色不能执行此操作', en: 'Your role may not take this action' },
    };
  }
  const refusal = transition.rule(event, actor);
  if (refusal) return { ok: false, status: 403, code: 'forbidden', reason: refusal };
  const blocked = transition.guard?.(event, actor);
  if (blocked) return { ok: false, ...blocked };
  return { ok: true, to: targetOf(action, event) };
}

/** The actions this actor may take on this event now: what the UI shows. */
export function availableActions(event: MachineEvent, actor: MachineActor): EventAction[] {
  return EVENT_ACTIONS.filter((action) => decide(action, event, actor).ok);
}
