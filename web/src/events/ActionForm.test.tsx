import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { eventDetail as baseEvent } from '../test/events';
import { fakeServer, renderInConsole, signedIn } from '../test/render';
import { ActionForm } from './ActionForm';
import type { Department, EventDetail } from './api';
import { actionDefaults, actionFields, type ActionLayout } from './logic';

/** The event with a routing suggestion and two closing standards, in this state with these actions. */
function eventDetail(state: string, actions: string[]): EventDetail {
  const event = baseEvent({ state, actions, assignedDepartmentId: null, difficulty: 'general' });
  return {
    ...event,
    suggestion: { departmentId: 3, reasons: [] },
    category: {
      ...event.category!,
      closingStandards: [
        { zh: '已清理', en: 'Cleared' },
        { zh: '群众满意', en: 'Resident satisfied' },
      ],
    },
  };
}

const DEPARTMENTS: Department[] = [
  { id: 2, name: '城管中队', nameEn: 'City management', gridCode: '310113001' },
  { id: 3, name: '消防救援站', nameEn: 'Fire station', gridCode: '310113001' },
];

/** The form of one action, opened as the event drawer and the task page open it: by setting the action. */
function Harness({ action, layout, detail }: { action: string; layout: ActionLayout; detail: EventDetail }) {
  const [open, setOpen] = useState<string | null>(action);
  const [done, setDone] = useState<string | null>(null);
  return (
    <>
      <ActionForm
        detail={detail}
        action={open}
        departments={DEPARTMENTS}
        layout={layout}
        onClose={() => setOpen(null)}
        onDone={(next) => {
          setDone(next.state);
          setOpen(null);
        }}
      />
      {done ? <span data-testid="done">{done}</span> : null}
    </>
  );
}

function openForm(action: string, layout: ActionLayout, answer = 'closed') {
  signedIn({ id: 3, username: 'leader1', roles: ['grid_leader'] });
  const before = eventDetail('verified', [action]);
  const seen = fakeServer({
    [`POST /api/events/7/actions/${action}`]: { ...before, state: answer, version: 5, actions: [] },
  });
  renderInConsole(<Harness action={action} layout={layout} detail={before} />);
  return seen;
}

const posted = (seen: ReturnType<typeof fakeServer>) => seen.filter((request) => request.method === 'POST');

describe.each(['console', 'phone'] as const)('the action form in the %s layout', (layout) => {
  afterEach(() => {
    cleanup();
    localStorage.clear();
  });

  it('派遣: the console picks a department (the suggested one chosen), the phone points to the console', async () => {
    openForm('dispatch', layout, 'dispatched');
    const form = await screen.findByTestId('action-form');
    if (layout === 'console') {
      const select = within(form).getByTestId('action-department');
      await waitFor(() => expect(select.textContent).toContain('消防救援站 (建议)'));
      expect(within(form).queryByText('此操作请在电脑端控制台完成')).toBeNull();
    } else {
      expect(within(form).getByText('此操作请在电脑端控制台完成')).toBeTruthy();
      expect(within(form).queryByTestId('action-department')).toBeNull();
    }
    // a note may go with it
    expect(within(form).getByText('说明')).toBeTruthy();
  });

  it('结案: every closing standard must be ticked before anything is sent', async () => {
    const seen = openForm('close', layout);
    const form = await screen.findByTestId('action-form');
    const standards = within(form).getByTestId('action-standards');
    expect(within(form).getByText('结案标准（须全部勾选）')).toBeTruthy();
    expect(within(standards).getByText('已清理')).toBeTruthy();
    expect(within(standards).getByText('群众满意')).toBeTruthy();

    const boxes = within(standards).getAllByRole('checkbox');
    fireEvent.click(boxes[0]!);
    fireEvent.click(screen.getByTestId('action-submit'));
    expect(await within(form).findByText('请勾选全部标准')).toBeTruthy();
    expect(posted(seen)).toEqual([]);

    fireEvent.click(boxes[1]!);
    fireEvent.click(screen.getByTestId('action-submit'));
    await screen.findByTestId('done');
    expect(posted(seen)).toEqual([
      { method: 'POST', path: '/api/events/7/actions/close', body: { version: 4, closingStandards: [0, 1] } },
    ]);
  });

  it('评价: five stars to start with and a comment, no note', async () => {
    const seen = openForm('rate', layout, 'rated');
    const form = await screen.findByTestId('action-form');
    const stars = within(form).getByTestId('action-score');
    expect(stars.querySelectorAll('.ant-rate-star-full')).toHaveLength(5);
    expect(within(form).getByText('评价内容')).toBeTruthy();
    expect(within(form).queryByTestId('action-text')).toBeNull();

    fireEvent.click(screen.getByTestId('action-submit'));
    await screen.findByTestId('done');
    expect(posted(seen).map((request) => request.body)).toEqual([{ version: 4, score: 5 }]);
  });

  it('处置: a required note, and photos from the camera on the phone only', async () => {
    const seen = openForm('handle', layout, 'handled');
    const form = await screen.findByTestId('action-form');
    if (layout === 'phone') expect(within(form).getByText('添加照片（已传 0 张）')).toBeTruthy();
    else expect(within(form).queryByTestId('action-photo-add')).toBeNull();

    fireEvent.click(screen.getByTestId('action-submit'));
    expect(await within(form).findByText('必填')).toBeTruthy();
    fireEvent.change(within(form).getByTestId('action-text'), { target: { value: ' 已清理 ' } });
    fireEvent.click(screen.getByTestId('action-submit'));
    await screen.findByTestId('done');
    expect(posted(seen).map((request) => request.body)).toEqual([{ version: 4, note: '已清理' }]);
  });
});

describe('the fields of an action in each layout', () => {
  it('are the same spec, less the department and people pickers on the phone and photos on the console', () => {
    expect(actionFields('dispatch', 'console')).toMatchObject({ department: true, useConsole: false });
    expect(actionFields('dispatch', 'phone')).toMatchObject({ department: false, useConsole: true });
    expect(actionFields('request_field_check', 'phone')).toMatchObject({ assignee: false, useConsole: true });
    expect(actionFields('verify', 'phone').photos).toBe(true);
    expect(actionFields('verify', 'console').photos).toBe(false);
    for (const layout of ['console', 'phone'] as const) {
      expect(actionFields('close', layout)).toMatchObject({ standards: 'closing', text: 'note' });
      expect(actionFields('classify', layout)).toMatchObject({ difficulty: true, text: 'reason' });
      expect(actionFields('rate', layout)).toMatchObject({ rating: true, text: 'none' });
    }
  });

  it('open with five stars and, in the console, the suggested department', () => {
    expect(actionDefaults(actionFields('rate', 'phone'), 3)).toEqual({ score: 5 });
    expect(actionDefaults(actionFields('dispatch', 'console'), 3)).toEqual({ departmentId: 3 });
    expect(actionDefaults(actionFields('dispatch', 'phone'), 3)).toEqual({});
  });
});
