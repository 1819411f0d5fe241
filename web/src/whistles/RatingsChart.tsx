import { useMemo } from 'react';
import { Empty, List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { EChart, type ChartOption } from '../dashboard/EChart';
import type { RatingRollup } from './api';

/** The departments whose average may be shown (at least k ratings), best first, and the rest. */
export function splitRollup(rollup: RatingRollup) {
  const shown = rollup.items
    .filter((item) => item.enough && item.average !== null)
    .sort((a, b) => (b.average ?? 0) - (a.average ?? 0));
  const hidden = rollup.items.filter((item) => !item.enough || item.average === null);
  return { shown, hidden };
}

/**
 * 部门评价: the average whistle rating per department as bars; a department with fewer than k (5) ratings gets no
 * number at all, only "不足5条, 不显示" — a small count could point at who rated.
 */
export function RatingsChart({ rollup }: { rollup: RatingRollup }) {
  const { t } = useTranslation();
  const { shown, hidden } = useMemo(() => splitRollup(rollup), [rollup]);
  const option: ChartOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 110, right: 24, top: 8, bottom: 24 },
      xAxis: { type: 'value', min: 0, max: 5 },
      yAxis: { type: 'category', data: shown.map((item) => item.name), inverse: true },
      series: [
        {
          type: 'bar',
          data: shown.map((item) => Math.round((item.average ?? 0) * 100) / 100),
          itemStyle: { color: '#1f5fbf' },
          label: { show: true, position: 'right' },
          barMaxWidth: 22,
        },
      ],
    }),
    [shown],
  );
  return (
    <div data-testid="whistle-ratings">
      {shown.length > 0 ? (
        <EChart
          option={option}
          height={Math.max(80, shown.length * 36 + 32)}
          label={shown.map((item) => `${item.name} ${item.average?.toFixed(2)}`).join('; ')}
          testId="whistle-ratings-chart"
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('whistles.noRatings')} />
      )}
      {hidden.length > 0 ? (
        <List
          size="small"
          data-testid="whistle-ratings-hidden"
          dataSource={hidden}
          renderItem={(item) => (
            <List.Item>
              <Typography.Text>{item.name}</Typography.Text>
              <Tag>{t('whistles.tooFew', { k: rollup.minimum })}</Tag>
            </List.Item>
          )}
        />
      ) : null}
    </div>
  );
}
