import { lazy, Suspense, useEffect, useState } from 'react';
import { Breadcrumb, Button, Card, Descriptions, Skeleton, Space, Tag, Typography } from 'antd';
import { AimOutlined, CloseOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { localized } from '../i18n';
import { peopleApi, type Portrait } from '../people/api';
import type { GridDetail } from './api';
import { gridTypeColour } from './style';
import '../dashboard/portrait.css';

// the charts bring echarts; the card's facts show while it arrives
const PortraitView = lazy(() => import('../dashboard/PortraitView'));

/** The grid's portrait (counts of its subtree), fetched again when the grid changes. */
function usePortrait(code: string | null): { portrait: Portrait | null; failed: boolean } {
  const [state, setState] = useState<{ code: string; portrait: Portrait | null; failed: boolean } | null>(
    null,
  );
  useEffect(() => {
    if (!code) return;
    const controller = new AbortController();
    peopleApi
      .portrait(code, undefined, controller.signal)
      .then((portrait) => setState({ code, portrait, failed: false }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        // a 401 ends the session and the login page explains; anything else is said on the card
        setState({ code, portrait: null, failed: !(error instanceof ApiError && error.status === 401) });
      });
    return () => controller.abort();
  }, [code]);
  if (!code || state?.code !== code) return { portrait: null, failed: false };
  return { portrait: state.portrait, failed: state.failed };
}

export interface GridDetailsProps {
  grid: GridDetail | null;
  loading: boolean;
  /** True when the map already shows this grid's subtree. */
  focused: boolean;
  onFocus(code: string): void;
  onSelect(code: string): void;
  onClose(): void;
}

/** The card over the map: what a grid is, where it sits, what is below it. */
export function GridDetails({ grid, loading, focused, onFocus, onSelect, onClose }: GridDetailsProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const dateFormat = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  const { portrait, failed } = usePortrait(grid?.code ?? null);

  return (
    <Card
      className="grid-details"
      data-testid="grid-details"
      size="small"
      title={grid ? grid.name : t('grids.details')}
      extra={
        <Button
          type="text"
          size="small"
          icon={<CloseOutlined />}
          aria-label={t('grids.close')}
          onClick={onClose}
        />
      }
    >
      {loading && !grid ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : grid ? (
        <>
          {grid.ancestors.length > 0 ? (
            <Breadcrumb
              className="grid-details-ancestors"
              items={grid.ancestors.map((ancestor) => ({
                key: ancestor.code,
                title: (
                  <Typography.Link onClick={() => onSelect(ancestor.code)} title={ancestor.code}>
                    {ancestor.name}
                  </Typography.Link>
                ),
              }))}
            />
          ) : null}
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'code',
                label: t('grids.code'),
                children: (
                  <Typography.Text copyable className="grid-details-code" data-testid="grid-details-code">
                    {grid.code}
                  </Typography.Text>
                ),
              },
              {
                key: 'level',
                label: t('grids.levelAndType'),
                children: (
                  <Space size={4}>
                    <span>{localized(grid.levelName, language)}</span>
                    <Tag color={gridTypeColour(grid.gridType)} variant="solid">
                      {t(`gridType.${grid.gridType}`, { defaultValue: grid.gridType })}
                    </Tag>
                  </Space>
                ),
              },
              { key: 'children', label: t('grids.childCount'), children: grid.childCount },
              {
                key: 'boundary',
                label: t('grids.boundary'),
                children: grid.boundary ? (
                  t('grids.validFrom', { date: dateFormat.format(new Date(grid.boundary.validFrom)) })
                ) : (
                  <Typography.Text type="warning">{t('grids.noBoundary')}</Typography.Text>
                ),
              },
            ]}
          />
          {!focused && grid.childCount > 0 ? (
            <Button block icon={<AimOutlined />} onClick={() => onFocus(grid.code)} data-testid="grid-focus">
              {t('grids.focus')}
            </Button>
          ) : null}
          <div className="grid-details-portrait" data-testid="grid-portrait">
            <div className="portrait-section-title">{t('portrait.title')}</div>
            {portrait ? (
              <Suspense fallback={<Skeleton active paragraph={{ rows: 3 }} />}>
                <PortraitView portrait={portrait} onSelect={onSelect} />
              </Suspense>
            ) : failed ? (
              <Typography.Text type="secondary">{t('portrait.failed')}</Typography.Text>
            ) : (
              <Skeleton active paragraph={{ rows: 3 }} />
            )}
          </div>
        </>
      ) : null}
    </Card>
  );
}
