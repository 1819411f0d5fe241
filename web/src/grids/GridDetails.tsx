import { Breadcrumb, Button, Card, Descriptions, Skeleton, Tag, Typography } from 'antd';
import { AimOutlined, CloseOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { localized } from '../i18n';
import type { GridDetail } from './api';
import { gridTypeColour } from './style';

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
              { key: 'level', label: t('grids.level'), children: localized(grid.levelName, language) },
              {
                key: 'type',
                label: t('grids.type'),
                children: (
                  <Tag color={gridTypeColour(grid.gridType)} variant="solid">
                    {t(`gridType.${grid.gridType}`, { defaultValue: grid.gridType })}
                  </Tag>
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
        </>
      ) : null}
    </Card>
  );
}
