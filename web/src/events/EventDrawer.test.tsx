import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { fakeServer, renderInConsole, signedIn } from '../test/render';
import type { EventDetail } from './api';
import { EventDrawer } from './EventDrawer';

/** An event as GET /api/events/:id answers it, with the actions the server allows the caller. */
function eventDetail(actions: string[], state = 'dispatched'): EventDetail {
  return {
    id: 7,
    number: 'E-2026-0007',
    source: 'patrol',
    categoryCode: '0101',
    title: '占道堆物',
    state,
    urgency: 'normal',
    difficulty: 'normal',
    location: { lng: 121.47, lat: 31.23 },
    address: '友谊路 1 号',
    grids: [{ code: '310113001', level: 'street', name: '友谊路街道' }],
    assignedDepartmentId: 3,
    handlingGridCode: null,
    possibleDuplicateOf: null,
    duplicateFlag: false,
    createdAt: '2026-11-20T01:00:00Z',
    updatedAt: '2026-11-20T01:00:00Z',
    closedAt: null,
    description: '楼道堆放杂物',
    version: 4,
    category: {
      code: '0101',
      name: { zh: '占道堆物', en: 'Obstruction' },
      filingStandards: [{ zh: '有照片', en: 'A photo' }],
      closingStandards: [{ zh: '已清理', en: 'Cleared' }],
    },
    reporter: { userId: 1, name: '刘洋', phone: null },
    hotlineTicket: null,
    claimedBy: null,
    selfHandled: false,
    suggestion: null,
    pendingRequest: null,
    rating: null,
    attachments: [],
    timeline: [],
    actions,
  };
}

function serve(actions: string[], permissions: string[], state?: string) {
  return fakeServer({
    'GET /api/events/7': eventDetail(actions, state),
    'GET /api/auth/me': { id: 5, username: 'u', roles: [], grids: [], permissions },
  });
}

const actionButtons = () =>
  within(screen.getByTestId('event-actions'))
    .queryAllByRole('button')
    .map((button) => button.getAttribute('data-testid'));

describe('the event drawer’s action bar', () => {
  afterEach(() => {
    cleanup();
    localStorage.clear();
  });

  it('shows a department exactly the actions the server lists (办理, 退回), not 立案', async () => {
    signedIn({ id: 5, username: 'dept-fire', roles: ['department'] });
    serve(['start', 'return'], ['event.report', 'whistle.read', 'whistle.respond']);
    renderInConsole(<EventDrawer id={7} departments={[]} onClose={() => {}} onChanged={() => {}} />);
    await screen.findByTestId('event-drawer');
    await waitFor(() => expect(actionButtons()).toEqual(['action-start', 'action-return']));
    expect(screen.queryByTestId('action-accept')).toBeNull();
    // no whistle.blow: no 吹哨 button even once the permissions have arrived
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByTestId('action-whistle')).toBeNull();
  });

  it('shows a resident no action at all', async () => {
    signedIn({ id: 9, username: 'resident1', roles: ['resident'] });
    serve([], ['event.report']);
    renderInConsole(<EventDrawer id={7} departments={[]} onClose={() => {}} onChanged={() => {}} />);
    await screen.findByTestId('event-drawer');
    expect(actionButtons()).toEqual([]);
    expect(within(screen.getByTestId('event-actions')).getByText('您当前无可执行的操作')).toBeTruthy();
  });

  it('opens the form an action needs when its button is clicked (退回 asks for a reason)', async () => {
    signedIn({ id: 5, username: 'dept-fire', roles: ['department'] });
    serve(['start', 'return'], []);
    renderInConsole(<EventDrawer id={7} departments={[]} onClose={() => {}} onChanged={() => {}} />);
    fireEvent.click(await screen.findByTestId('action-return'));
    const form = await screen.findByTestId('action-form');
    expect(within(form).getByText('理由')).toBeTruthy();
    expect(within(form).getByTestId('action-text')).toBeTruthy();
  });

  it('adds 吹哨 for who may blow a whistle, and opens its form with departments and a deadline', async () => {
    signedIn({ id: 3, username: 'leader1', roles: ['grid_leader'] });
    serve(['accept'], ['whistle.blow', 'whistle.read']);
    renderInConsole(
      <EventDrawer
        id={7}
        departments={[{ id: 3, name: '消防救援站', nameEn: 'Fire station', gridCode: '310113001' }]}
        onClose={() => {}}
        onChanged={() => {}}
      />,
    );
    fireEvent.click(await screen.findByTestId('action-whistle'));
    const form = await screen.findByTestId('whistle-blow-form');
    expect(within(form).getByText('召集部门')).toBeTruthy();
    expect(within(form).getByText('响应时限')).toBeTruthy();
    expect(actionButtons()).toEqual(['action-accept', 'action-whistle']);
  });

  it('offers no 吹哨 on a finished event even to who may blow one', async () => {
    signedIn({ id: 3, username: 'leader1', roles: ['grid_leader'] });
    serve([], ['whistle.blow'], 'closed');
    renderInConsole(<EventDrawer id={7} departments={[]} onClose={() => {}} onChanged={() => {}} />);
    await screen.findByTestId('event-drawer');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(actionButtons()).toEqual([]);
  });
});
