import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { eventDetail } from '../test/events';
import { fakeServer, renderInConsole, signedIn } from '../test/render';
import { EventDrawer } from './EventDrawer';

function serve(actions: string[], permissions: string[], state?: string) {
  return fakeServer({
    'GET /api/events/7': eventDetail({ actions, ...(state ? { state } : {}) }),
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
