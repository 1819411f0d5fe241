import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import '../i18n';
import { DeadlineTag } from './DeadlineTag';
import { deadlineColour, DEADLINE_HEX, type DeadlineColour, type EventDeadline } from './logic';

const WARN = '2026-11-20T08:00:00.000Z';
const DUE = '2026-11-20T10:00:00.000Z';
const at = (iso: string, offsetMs = 0) => new Date(Date.parse(iso) + offsetMs);
const running: EventDeadline = { stage: 'handle', dueAt: DUE, warnAt: WARN, state: 'running' };

/** Each boundary of the 三色 clock: the moment before and the moment of the warning and of the due time. */
const CASES: { name: string; deadlines: EventDeadline[] | undefined; now: Date; colour: DeadlineColour }[] = [
  { name: 'long before the warning', deadlines: [running], now: at(WARN, -3_600_000), colour: 'green' },
  { name: 'a millisecond before the warning', deadlines: [running], now: at(WARN, -1), colour: 'green' },
  { name: 'at the warning', deadlines: [running], now: at(WARN), colour: 'yellow' },
  { name: 'a millisecond before due', deadlines: [running], now: at(DUE, -1), colour: 'yellow' },
  { name: 'at the due time', deadlines: [running], now: at(DUE), colour: 'red' },
  { name: 'after the due time', deadlines: [running], now: at(DUE, 86_400_000), colour: 'red' },
  {
    name: 'without a warning time, before due',
    deadlines: [{ ...running, warnAt: null }],
    now: at(DUE, -1),
    colour: 'green',
  },
  {
    name: 'marked overdue by the server',
    deadlines: [{ ...running, state: 'overdue' }],
    now: at(WARN, -1),
    colour: 'red',
  },
  {
    name: 'paused, even past due',
    deadlines: [{ ...running, state: 'paused' }],
    now: at(DUE, 1),
    colour: 'grey',
  },
  { name: 'met', deadlines: [{ ...running, state: 'met' }], now: at(DUE, 1), colour: 'grey' },
  { name: 'no deadline at all', deadlines: undefined, now: at(DUE), colour: 'grey' },
  { name: 'an empty list', deadlines: [], now: at(DUE), colour: 'grey' },
  {
    name: 'a met stage beside a running one in its warning',
    deadlines: [{ ...running, state: 'met', stage: 'accept' }, running],
    now: at(WARN, 1),
    colour: 'yellow',
  },
];

/** "#52c41a" → "rgb(82, 196, 26)", the way a browser may report an inline colour. */
function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

describe('the deadline colour', () => {
  afterEach(cleanup);

  it.each(CASES)('is $colour $name', ({ deadlines, now, colour }) => {
    expect(deadlineColour(deadlines, now)).toBe(colour);
  });

  it.each(CASES)('renders a $colour tag $name', ({ deadlines, now, colour }) => {
    render(<DeadlineTag deadlines={deadlines} now={now} />);
    const tag = screen.getByTestId('event-deadline');
    expect(tag.getAttribute('data-colour')).toBe(colour);
    expect(tag.textContent).toBe({ green: '正常', yellow: '预警', red: '超时', grey: '无时限/暂停' }[colour]);
    // antd draws a custom-coloured tag in that colour on a light tint of it; grey is the plain default tag
    const text = tag.style.color;
    if (colour === 'grey') {
      expect(text).toBe('');
      expect(tag.style.backgroundColor).toBe('');
    } else {
      expect([DEADLINE_HEX[colour], rgb(DEADLINE_HEX[colour])]).toContain(text);
    }
  });
});
