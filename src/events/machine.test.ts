import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../accounts/roles.js';
import {
  availableActions,
  decide,
  EVENT_ACTIONS,
  EVENT_STATES,
  TRANSITIONS,
  type EventState,
  type MachineActor,
  type MachineEvent,
} from './machine.js';

const GRID = '/1/2/3/4/';
const OTHER = '/1/2/9/';

function event(overrides: Partial<MachineEvent> = {}): MachineEvent {
  return {
    state: 'reported',
    gridPath: GRID,
    reporterUserId: 7,
    claimedBy: null,
    fieldCheckUserId: 7,
    assignedDepartmentId: 50,
    handlingGridPath: GRID,
    selfHandled: false,
    suspendedFrom: null,
    pendingRequest: null,
    selfHandlingAllowed: true,
    ...overrides,
  };
}

function actor(roles: Role[], overrides: Partial<MachineActor> = {}): MachineActor {
  return { userId: 7, roles, departmentId: 50, covers: (path) => path.startsWith('/1/2/3/'), ...overrides };
}

/** An event in a state the action starts from, with whatever the action's guard needs. */
function eventFor(action: (typeof EVENT_ACTIONS)[number], state: EventState): MachineEvent {
  const needsPending = action === 'approve' || action === 'reject_request';
  return event({
    state,
    selfHandled: action === 'close' && state === 'handled',
    pendingRequest: needsPending ? { kind: 'extension', byUserId: 99 } : null,
  });
}

describe('the event state machine', () => {
  it('refuses every action from every state it does not start from with 409 illegal_transition', () => {
    let checked = 0;
    for (const action of EVENT_ACTIONS) {
      for (const state of EVENT_STATES) {
        if (TRANSITIONS[action].from.includes(state)) continue;
        // even an actor of every role gets the same answer: the state comes first
        const decision = decide(action, eventFor(action, state), actor([...ROLES]));
        expect(decision, `${action} from ${state}`).toMatchObject({
          ok: false,
          status: 409,
          code: 'illegal_transition',
          from: state,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('refuses every role an action does not name with 403', () => {
    let checked = 0;
    for (const action of EVENT_ACTIONS) {
      const transition = TRANSITIONS[action];
      for (const role of ROLES) {
        if (transition.roles.includes(role)) continue;
        const decision = decide(action, eventFor(action, transition.from[0]!), actor([role]));
        expect(decision, `${role} ${action}`).toMatchObject({ ok: false, status: 403, code: 'forbidden' });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('lets each action be taken by some role from each state it starts from', () => {
    for (const action of EVENT_ACTIONS) {
      for (const state of TRANSITIONS[action].from) {
        const allowed = TRANSITIONS[action].roles.some(
          (role) => decide(action, eventFor(action, state), actor([role], { userId: 7 })).ok,
        );
        // approve needs another user than the requester (99), which the default actor (7) is
        expect(allowed, `${action} from ${state}`).toBe(true);
      }
    }
  });

  it('refuses grid roles outside their grids and department users of another department', () => {
    const outside = event({ state: 'handled', gridPath: OTHER, handlingGridPath: OTHER });
    expect(decide('verify', outside, actor(['grid_worker']))).toMatchObject({ status: 403 });
    const dispatched = event({ state: 'dispatched', handlingGridPath: null });
    expect(decide('start', dispatched, actor(['department'], { departmentId: 51 }))).toMatchObject({
      status: 403,
    });
    expect(decide('start', dispatched, actor(['department']))).toEqual({ ok: true, to: 'in_progress' });
  });

  it('gives acceptance to the command-centre user who claimed the report', () => {
    const claimed = event({ claimedBy: 8 });
    expect(decide('accept', claimed, actor(['command_centre']))).toMatchObject({ status: 403 });
    expect(decide('accept', claimed, actor(['command_centre'], { userId: 8 }))).toEqual({
      ok: true,
      to: 'accepted',
    });
    expect(decide('claim', claimed, actor(['command_centre']))).toMatchObject({
      status: 409,
      code: 'already_claimed',
    });
  });

  it('lets the receiver of a returned event only re-dispatch or pass it up', () => {
    const returned = event({ state: 'returned' });
    expect(availableActions(returned, actor(['command_centre']))).toEqual(
      expect.arrayContaining(['dispatch', 'pass_up']),
    );
    for (const skip of ['start', 'handle', 'verify', 'close', 'accept'] as const) {
      expect(decide(skip, returned, actor([...ROLES])), skip).toMatchObject({ code: 'illegal_transition' });
    }
  });

  it('lets the reporting grid worker handle and close out what the category allows, and nothing else', () => {
    expect(decide('self_handle', event(), actor(['grid_worker']))).toEqual({ ok: true, to: 'handled' });
    expect(
      decide('self_handle', event({ selfHandlingAllowed: false }), actor(['grid_worker'])),
    ).toMatchObject({
      status: 403,
    });
    expect(decide('self_handle', event(), actor(['grid_worker'], { userId: 8 }))).toMatchObject({
      status: 403,
    });
    const selfHandled = event({ state: 'handled', selfHandled: true });
    expect(decide('close', selfHandled, actor(['grid_worker']))).toEqual({ ok: true, to: 'closed' });
    expect(decide('verify', selfHandled, actor(['grid_worker']))).toMatchObject({
      code: 'illegal_transition',
    });
    // a worker does not close what a department handled and the grid verified
    expect(decide('close', event({ state: 'verified' }), actor(['grid_worker']))).toMatchObject({
      status: 403,
    });
    expect(decide('close', event({ state: 'handled' }), actor(['grid_leader']))).toMatchObject({
      code: 'illegal_transition',
    });
  });

  it('needs a leader other than the requester to approve, and applies what was asked', () => {
    const asked = event({ state: 'in_progress', pendingRequest: { kind: 'suspension', byUserId: 7 } });
    expect(decide('approve', asked, actor(['command_centre'], { userId: 8 }))).toMatchObject({ status: 403 });
    expect(decide('approve', asked, actor(['area_leader']))).toMatchObject({ status: 403 });
    expect(decide('approve', asked, actor(['area_leader'], { userId: 8 }))).toEqual({
      ok: true,
      to: 'suspended',
    });
    const forced = event({ state: 'in_progress', pendingRequest: { kind: 'force_close', byUserId: 7 } });
    expect(decide('approve', forced, actor(['district'], { userId: 8 }))).toEqual({ ok: true, to: 'closed' });
    expect(decide('request_extension', asked, actor(['command_centre']))).toMatchObject({
      code: 'request_pending',
    });
    expect(
      decide('resume', event({ state: 'suspended', suspendedFrom: 'dispatched' }), actor(['command_centre'])),
    ).toEqual({ ok: true, to: 'dispatched' });
  });

  it('lets only the reporter rate', () => {
    const closed = event({ state: 'closed' });
    expect(decide('rate', closed, actor(['resident']))).toEqual({ ok: true, to: 'rated' });
    expect(decide('rate', closed, actor(['resident'], { userId: 8 }))).toMatchObject({ status: 403 });
  });

  it('lets the command centre and the grid leader classify the difficulty of active work, nowhere else', () => {
    const table: { state: EventState; roles: Role[]; overrides?: Partial<MachineActor>; expected: string }[] =
      [
        { state: 'accepted', roles: ['command_centre'], expected: 'ok' },
        { state: 'dispatched', roles: ['command_centre'], expected: 'ok' },
        { state: 'in_progress', roles: ['grid_leader'], expected: 'ok' },
        { state: 'dispatched', roles: ['grid_worker'], expected: '403' },
        { state: 'dispatched', roles: ['department'], expected: '403' },
        { state: 'dispatched', roles: ['area_leader'], expected: '403' },
        { state: 'dispatched', roles: ['district'], expected: '403' },
        {
          state: 'dispatched',
          roles: ['command_centre'],
          overrides: { covers: () => false },
          expected: '403',
        },
        { state: 'reported', roles: ['command_centre'], expected: '409' },
        { state: 'handled', roles: ['grid_leader'], expected: '409' },
        { state: 'suspended', roles: ['command_centre'], expected: '409' },
        { state: 'closed', roles: ['command_centre'], expected: '409' },
      ];
    for (const row of table) {
      const decision = decide('classify', event({ state: row.state }), actor(row.roles, row.overrides));
      const got = decision.ok ? 'ok' : String(decision.status);
      expect(got, `${row.roles.join('+')} classify from ${row.state}`).toBe(row.expected);
      if (decision.ok) expect(decision.to).toBe(row.state);
    }
    // a grid leader of the handling grid classifies an event filed elsewhere
    const handledHere = event({ state: 'in_progress', gridPath: OTHER, handlingGridPath: GRID });
    expect(decide('classify', handledHere, actor(['grid_leader']))).toEqual({ ok: true, to: 'in_progress' });
    expect(decide('classify', handledHere, actor(['command_centre']))).toMatchObject({ status: 403 });
    const asked = event({ state: 'dispatched', pendingRequest: { kind: 'extension', byUserId: 8 } });
    expect(decide('classify', asked, actor(['command_centre']))).toMatchObject({ code: 'request_pending' });
  });
});
