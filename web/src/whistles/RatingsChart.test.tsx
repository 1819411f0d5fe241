import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import '../i18n';
import type { RatingRollup } from './api';
import { RatingsChart } from './RatingsChart';

// ECharts needs a canvas; the stub shows what the chart would draw as its label
vi.mock('../dashboard/EChart', () => ({
  EChart: ({ label, testId }: { label: string; testId?: string }) => <div data-testid={testId}>{label}</div>,
}));

const ROLLUP: RatingRollup = {
  from: null,
  to: null,
  minimum: 5,
  items: [
    { departmentId: 1, name: '城管执法中队', enough: true, count: 7, average: 3.5714 },
    { departmentId: 2, name: '消防救援站', enough: false, count: null, average: null },
    { departmentId: 3, name: '市场监管所', enough: true, count: 5, average: 4.6 },
  ],
};

describe('the department ratings chart', () => {
  afterEach(cleanup);

  it('draws the averages of departments with at least five ratings, best first', () => {
    render(<RatingsChart rollup={ROLLUP} />);
    expect(screen.getByTestId('whistle-ratings-chart').textContent).toBe(
      '市场监管所 4.60; 城管执法中队 3.57',
    );
  });

  it('shows a department with fewer than five ratings as "不足5条, 不显示", never as a number', () => {
    render(<RatingsChart rollup={ROLLUP} />);
    const hidden = screen.getByTestId('whistle-ratings-hidden');
    expect(within(hidden).getByText('消防救援站')).toBeTruthy();
    expect(hidden.textContent).toContain('不足5条, 不显示');
    expect(screen.getByTestId('whistle-ratings-chart').textContent).not.toContain('消防救援站');
  });

  it('draws no chart when no department has enough ratings', () => {
    render(<RatingsChart rollup={{ ...ROLLUP, items: [ROLLUP.items[1]!] }} />);
    expect(screen.queryByTestId('whistle-ratings-chart')).toBeNull();
    expect(screen.getByText('暂无可显示的评价')).toBeTruthy();
  });
});
