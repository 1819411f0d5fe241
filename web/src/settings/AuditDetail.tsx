import { Descriptions, Empty, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useGridNames } from './gridNames';
import { roleColor } from './roleColors';
import { formatTime } from './time';

/** Detail keys whose values are grid codes, shown with the grid's name. */
const GRID_KEYS = new Set(['grids', 'gridCode', 'parentCode']);

function GridCode({ code }: { code: string }) {
  const names = useGridNames([code]);
  const name = names.get(code);
  return (
    <Tag bordered={false} data-code={code}>
      {name ? `${name} · ${code}` : code}
    </Tag>
  );
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The name of a detail key, translated where known (`userId` → 用户编号), else the key itself. */
function label(t: TFunction, key: string): string {
  return t(`audit.keys.${key}`, { defaultValue: key });
}

/**
 * One value of an audit row's detail in words: roles as role tags, reasons and changes translated, instants in the
 * reader's time, {from, to} as "from → to", nested objects as nested key/value lists.
 */
function Value({ name, value, depth }: { name: string; value: unknown; depth: number }) {
  const { t, i18n } = useTranslation();
  if (value === null || value === undefined || value === '')
    return <Typography.Text type="secondary">—</Typography.Text>;
  if (typeof value === 'boolean') {
    // `changed.password: true` says that the password was changed, not what it is
    return <>{value ? t('audit.yes') : t('audit.no')}</>;
  }
  if (typeof value === 'string') {
    if (name === 'reason') return <>{t(`audit.reasons.${value}`, { defaultValue: value })}</>;
    if (GRID_KEYS.has(name)) return <GridCode code={value} />;
    if (name === 'level') return <>{t(`audit.levels.${value}`, { defaultValue: value })}</>;
    if (ISO_INSTANT.test(value)) return <>{formatTime(value, i18n.language)}</>;
    return <Typography.Text copyable={value.length > 12 ? { text: value } : false}>{value}</Typography.Text>;
  }
  if (typeof value === 'number') return <>{value}</>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <Typography.Text type="secondary">{t('audit.none')}</Typography.Text>;
    return (
      <Space size={[0, 4]} wrap>
        {value.map((item, index) =>
          name === 'roles' && typeof item === 'string' ? (
            <Tag key={index} color={roleColor(item)}>
              {t(`roles.${item}`, { defaultValue: item })}
            </Tag>
          ) : GRID_KEYS.has(name) && typeof item === 'string' ? (
            <GridCode key={index} code={item} />
          ) : name === 'fields' && typeof item === 'string' ? (
            <Tag key={index}>{label(t, item)}</Tag>
          ) : isRecord(item) || Array.isArray(item) ? (
            <Value key={index} name={name} value={item} depth={depth + 1} />
          ) : (
            <Tag key={index} bordered={false}>
              {String(item)}
            </Tag>
          ),
        )}
      </Space>
    );
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 2 && 'from' in value && 'to' in value) {
      return (
        <Space size={6} wrap className="audit-change">
          <Value name={name} value={value.from} depth={depth + 1} />
          <span className="audit-arrow">→</span>
          <Value name={name} value={value.to} depth={depth + 1} />
        </Space>
      );
    }
    return <DetailList detail={value} depth={depth + 1} />;
  }
  return <>{String(value)}</>;
}

/** An audit row's `detail` as a key/value list; nested objects nest. */
export function DetailList({ detail, depth = 0 }: { detail: Record<string, unknown>; depth?: number }) {
  const { t } = useTranslation();
  const keys = Object.keys(detail);
  if (keys.length === 0) {
    return depth === 0 ? (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audit.noDetail')} />
    ) : (
      <Typography.Text type="secondary">{t('audit.none')}</Typography.Text>
    );
  }
  return (
    <Descriptions
      size="small"
      bordered
      column={1}
      className={depth === 0 ? 'audit-detail' : 'audit-detail-nested'}
      styles={{ label: { width: depth === 0 ? 160 : 120, whiteSpace: 'nowrap' } }}
      items={keys.map((key) => ({
        key,
        label: label(t, key),
        children: <Value name={key} value={detail[key]} depth={depth} />,
      }))}
    />
  );
}
