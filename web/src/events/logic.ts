/**
 * The events console's decisions as pure functions (no React, no fetch), so that they are tested in node:
 * the deadline colour (三色 green/yellow/red, grey when paused or without a deadline), the form each action needs,
 * and the dashboard's counters.
 */

export type DeadlineState = 'running' | 'met' | 'overdue' | 'paused' | 'superseded';

/** One stage deadline of an event as the detail gives it (`deadlines`; absent before the deadlines module). */
export interface EventDeadline {
  stage: string;
  dueAt: string;
  warnAt?: string | null;
  state: DeadlineState | string;
}

export type DeadlineColour = 'green' | 'yellow' | 'red' | 'grey';

export const DEADLINE_COLOURS: readonly DeadlineColour[] = ['green', 'yellow', 'red', 'grey'];

/** Hex of each colour on the board and the map (red is the brand's trouble red). */
export const DEADLINE_HEX: Record<DeadlineColour, string> = {
  green: '#52c41a',
  yellow: '#faad14',
  red: '#cf1322',
  grey: '#bfbfbf',
};

/**
 * The colour of an event's clock: red as soon as any deadline is overdue (or a running one is past due), yellow when a
 * running one is past its warning time, green when one is running on time, grey when the clock is paused or there is
 * no deadline at all (`undefined` or an empty list: the server has no deadlines yet, or the event is over).
 */
export function deadlineColour(
  deadlines: readonly EventDeadline[] | null | undefined,
  now: Date,
): DeadlineColour {
  if (!deadlines || deadlines.length === 0) return 'grey';
  const time = now.getTime();
  let colour: DeadlineColour = 'grey';
  const rank: Record<DeadlineColour, number> = { grey: 0, green: 1, yellow: 2, red: 3 };
  const raise = (next: DeadlineColour) => {
    if (rank[next] > rank[colour]) colour = next;
  };
  for (const deadline of deadlines) {
    if (deadline.state === 'overdue') raise('red');
    else if (deadline.state === 'running') {
      const due = Date.parse(deadline.dueAt);
      const warn = deadline.warnAt ? Date.parse(deadline.warnAt) : NaN;
      if (!Number.isNaN(due) && time >= due) raise('red');
      else if (!Number.isNaN(warn) && time >= warn) raise('yellow');
      else raise('green');
    }
    // met, superseded and paused stages add nothing: a paused clock alone leaves the event grey
  }
  return colour;
}

/** What the small form of an action asks for. */
export interface ActionFormSpec {
  /** reason: required text (decline, return, rework, requests …); note: optional or required text. */
  text: 'reason' | 'note' | 'none';
  textRequired: boolean;
  /** Which standards of the category must be ticked (accept: filing, close: closing). */
  standards: 'filing' | 'closing' | null;
  department: boolean;
  rating: boolean;
  days: boolean;
  confirmed: boolean;
  /** The action may carry photos (handle, verify …). */
  attachments: boolean;
  /** A grid worker must be named (field check). */
  assignee: boolean;
  /** 定难度 the difficulty must be chosen (classify). */
  difficulty?: boolean;
}

const REASON_ACTIONS = new Set([
  'decline',
  'return',
  'pass_up',
  'rework',
  'request_suspension',
  'request_extension',
  'request_cancellation',
  'request_force_close',
  'reject_request',
  'classify',
]);

/** The form each action's body needs (the bodies are the server's ACTION_BODIES in src/events/schema.ts). */
export function actionForm(action: string): ActionFormSpec {
  const spec: ActionFormSpec = {
    text: 'note',
    textRequired: false,
    standards: null,
    department: false,
    rating: false,
    days: false,
    confirmed: false,
    attachments: false,
    assignee: false,
  };
  if (REASON_ACTIONS.has(action))
    return {
      ...spec,
      text: 'reason',
      textRequired: true,
      days: action === 'request_extension',
      difficulty: action === 'classify',
    };
  switch (action) {
    case 'accept':
      return { ...spec, standards: 'filing' };
    case 'close':
      return { ...spec, standards: 'closing' };
    case 'dispatch':
      return { ...spec, department: true };
    case 'rate':
      return { ...spec, text: 'none', rating: true };
    case 'handle':
    case 'self_handle':
      return { ...spec, textRequired: true, attachments: true };
    case 'verify':
      return { ...spec, attachments: true };
    case 'report_field_check':
      return { ...spec, confirmed: true, attachments: true };
    case 'request_field_check':
      return { ...spec, assignee: true };
    default:
      return spec;
  }
}

/**
 * Where an action's form is shown: the console's event drawer (a dialog) or the phone app's task page (a bottom
 * sheet).
 */
export type ActionLayout = 'console' | 'phone';

/** The fields an action's form shows in a layout (the spec of {@link actionForm} as one layout can offer it). */
export interface ActionFields {
  text: ActionFormSpec['text'];
  textRequired: boolean;
  standards: ActionFormSpec['standards'];
  department: boolean;
  assignee: boolean;
  /** The phone has no department list and no people picker: an action that needs one points to the console. */
  useConsole: boolean;
  rating: boolean;
  days: boolean;
  confirmed: boolean;
  difficulty: boolean;
  /** Photos from the camera; the console has no photo picker in its action dialog. */
  photos: boolean;
}

/** The fields of an action's form in a layout: the same spec everywhere, less what the layout cannot offer. */
export function actionFields(action: string, layout: ActionLayout): ActionFields {
  const spec = actionForm(action);
  const phone = layout === 'phone';
  return {
    text: spec.text,
    textRequired: spec.textRequired,
    standards: spec.standards,
    department: spec.department && !phone,
    assignee: spec.assignee && !phone,
    useConsole: phone && (spec.department || spec.assignee),
    rating: spec.rating,
    days: spec.days,
    confirmed: spec.confirmed,
    difficulty: spec.difficulty ?? false,
    photos: spec.attachments && phone,
  };
}

/** Values of an action's form as the form holds them. */
export interface ActionFormValues {
  text?: string;
  standards?: number[];
  departmentId?: number;
  score?: number;
  comment?: string;
  days?: number;
  confirmed?: boolean;
  attachments?: string[];
  assigneeUserId?: number;
  difficulty?: 'general' | 'difficult' | 'complex';
}

/** The request body of an action from its form (only the fields its body schema takes). */
export function actionBody(
  action: string,
  values: ActionFormValues,
  version: number,
): Record<string, unknown> {
  const spec = actionForm(action);
  const body: Record<string, unknown> = { version };
  const text = values.text?.trim();
  if (spec.text === 'reason') body.reason = text ?? '';
  else if (spec.text === 'note' && (text || spec.textRequired)) body.note = text ?? '';
  if (spec.standards === 'filing') body.filingStandards = values.standards ?? [];
  if (spec.standards === 'closing') body.closingStandards = values.standards ?? [];
  if (spec.department && values.departmentId !== undefined) body.departmentId = values.departmentId;
  if (spec.rating) {
    body.score = values.score;
    if (values.comment?.trim()) body.comment = values.comment.trim();
  }
  if (spec.days) body.days = values.days;
  if (spec.confirmed) body.confirmed = values.confirmed ?? false;
  if (spec.attachments && values.attachments && values.attachments.length > 0)
    body.attachments = values.attachments;
  if (spec.assignee) body.assigneeUserId = values.assigneeUserId;
  if (spec.difficulty) body.difficulty = values.difficulty;
  return body;
}

/** The values an action's form opens with: five stars for a rating, the suggested department for a dispatch. */
export function actionDefaults(
  fields: ActionFields,
  suggestedDepartmentId: number | undefined,
): ActionFormValues {
  const values: ActionFormValues = {};
  if (fields.department) values.departmentId = suggestedDepartmentId;
  if (fields.rating) values.score = 5;
  return values;
}

/** States in which an event is over (src/events/machine.ts FINAL_STATES). */
export const FINAL_STATES = ['declined', 'closed', 'rated', 'cancelled'] as const;
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
export const EVENT_SOURCES = [
  'patrol',
  'resident',
  'hotline',
  'whistle',
  'iot',
  'meeting',
  'proactive',
] as const;

/** Tag colour of each state on the board. */
export function stateColour(state: string): string {
  switch (state) {
    case 'reported':
    case 'field_check':
      return 'blue';
    case 'accepted':
    case 'dispatched':
      return 'geekblue';
    case 'in_progress':
      return 'processing';
    case 'returned':
    case 'suspended':
      return 'orange';
    case 'handled':
    case 'verified':
      return 'cyan';
    case 'closed':
    case 'rated':
      return 'green';
    default:
      return 'default';
  }
}

/** Completion rate (办结率) in percent, one decimal: closed ÷ all in the period; null when there is none. */
export function completionRate(closed: number, total: number): number | null {
  if (total <= 0) return null;
  return Math.round((closed / total) * 1000) / 10;
}

/** Midnight of the day of `now` in the browser's time zone, as an ISO string: "today's reports" start there. */
export function startOfDay(now: Date): string {
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return day.toISOString();
}

/** Does a change message of the live stream concern events (a new report, a transition)? */
export function isEventMessage(message: unknown): message is { type: string; id?: number | string } {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string' &&
    (message as { type: string }).type.startsWith('event')
  );
}
