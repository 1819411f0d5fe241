import { useMemo } from 'react';
import { Statistic, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { localized } from '../i18n';
import { POSITION_KINDS, type KindCount, type Portrait } from '../people/api';
import { useGridNames } from '../settings/gridNames';
import { EChart, type ChartOption } from './EChart';
import './portrait.css';

/** Sections of the portrait this view draws itself; any other object the server adds is shown generically. */
const KNOWN = new Set([
  'grid',
  'at',
  'population',
  'households',
  'gender',
  'ageGroups',
  'politicalStatus',
  'specialGroups',
  'organisations',
  'positions',
]);

const GENDER_COLOURS = { male: '#5b8ff9', female: '#f08bb4', unknown: '#bfbfbf' };
const STATUS_COLOURS: Record<string, string> = {
  cpc_member: '#c8102e',
  cpc_probationary: '#e8684a',
  cyl_member: '#f6bd16',
  democratic_party: '#9270ca',
  masses: '#8c9bb0',
  other: '#bfbfbf',
};
/** Vacant micro-grids listed by name; the rest are counted (the server gives at most 100 codes). */
const VACANT_SHOWN = 12;

export interface PortraitViewProps {
  portrait: Portrait;
  /** Select another grid (a micro-grid without a leader). */
  onSelect?(code: string): void;
  /** Without the counters, when the page shows them elsewhere. */
  counters?: boolean;
}

/** Positions in the roster's order (leader first), not the server's alphabetical one. */
function rosterOrder(items: KindCount[]): KindCount[] {
  const rank = (kind: string) => {
    const index = (POSITION_KINDS as readonly string[]).indexOf(kind);
    return index < 0 ? POSITION_KINDS.length : index;
  };
  return [...items].sort((a, b) => rank(a.kind) - rank(b.kind));
}

function KindTags({ items, prefix }: { items: KindCount[]; prefix: string }) {
  const { t } = useTranslation();
  if (items.length === 0) return <Typography.Text type="secondary">{t('portrait.none')}</Typography.Text>;
  return (
    <div className="portrait-tags">
      {items.map((item) => (
        <Tag key={item.kind} bordered={false} data-kind={item.kind}>
          {t(`${prefix}.${item.kind}`, { defaultValue: item.kind })}
          <span className="portrait-tag-count">{item.count}</span>
        </Tag>
      ))}
    </div>
  );
}

/** A section another module adds (party, forces, co-building …): its numbers as small statistic blocks. */
function ExtraSection({ name, value }: { name: string; value: Record<string, unknown> }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const numbers = Object.entries(value).filter(
    (entry): entry is [string, number] => typeof entry[1] === 'number',
  );
  // lists of { kind | key | group | status, name?, count }
  const lists = Object.entries(value).filter(
    (entry): entry is [string, Record<string, unknown>[]] =>
      Array.isArray(entry[1]) &&
      entry[1].length > 0 &&
      entry[1].every((item) => typeof item === 'object' && item !== null && 'count' in item),
  );
  if (numbers.length === 0 && lists.length === 0) return null;
  const label = (field: string) => t(`portrait.fields.${name}.${field}`, { defaultValue: field });
  return (
    <section className="portrait-section" data-section={name}>
      <div className="portrait-section-title">{t(`portrait.sections.${name}`, { defaultValue: name })}</div>
      {numbers.length > 0 ? (
        <div className="portrait-stats portrait-stats-small">
          {numbers.map(([field, count]) => (
            <Statistic key={field} title={label(field)} value={count} />
          ))}
        </div>
      ) : null}
      {lists.map(([field, items]) => (
        <div key={field} className="portrait-tags">
          <span className="portrait-tags-title">{label(field)}</span>
          {items.map((item, index) => {
            const named = item.name as { zh: string; en: string } | string | undefined;
            const key = String(item.kind ?? item.key ?? item.type ?? item.group ?? item.status ?? index);
            const text =
              typeof named === 'string'
                ? named
                : named
                  ? localized(named, language)
                  : t(`portrait.fields.${name}.${key}`, { defaultValue: key });
            return (
              <Tag key={key} bordered={false}>
                {text}
                <span className="portrait-tag-count">{String(item.count)}</span>
              </Tag>
            );
          })}
        </div>
      ))}
    </section>
  );
}

/**
 * 网格画像 of one grid as pictures: population and households as figures, age groups as bars, gender and
 * political status as a donut and bars, special groups, organisations and positions as counted tags, the
 * micro-grids without a leader as links. Counts only: no person is named here.
 */
export function PortraitView({ portrait, onSelect, counters = true }: PortraitViewProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const vacant = portrait.positions.vacantMicroGrids.slice(0, VACANT_SHOWN);
  const names = useGridNames(vacant);

  const ageOption = useMemo<ChartOption>(
    () => ({
      animation: false,
      grid: { left: 4, right: 8, top: 18, bottom: 0, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        type: 'category',
        data: portrait.ageGroups.map((group) =>
          t(`portrait.ageGroups.${group.group}`, { defaultValue: group.group }),
        ),
        axisTick: { show: false },
        axisLabel: { fontSize: 11, interval: 0 },
      },
      yAxis: { type: 'value', splitNumber: 3, axisLabel: { fontSize: 10 } },
      series: [
        {
          type: 'bar',
          name: t('portrait.people'),
          data: portrait.ageGroups.map((group) => group.count),
          itemStyle: { color: '#5b8ff9', borderRadius: [3, 3, 0, 0] },
          barMaxWidth: 28,
          label: { show: true, position: 'top', fontSize: 10, color: '#555' },
        },
      ],
    }),
    [portrait, t],
  );

  const genderOption = useMemo<ChartOption>(
    () => ({
      animation: false,
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      series: [
        {
          type: 'pie',
          radius: ['45%', '80%'],
          center: ['50%', '50%'],
          // the names and shares are written under the donut: labels beside a 100 px donut get cut
          label: { show: false },
          data: (['male', 'female', 'unknown'] as const)
            .filter((key) => key !== 'unknown' || portrait.gender.unknown > 0)
            .map((key) => ({
              name: t(`portrait.gender.${key}`),
              value: portrait.gender[key],
              itemStyle: { color: GENDER_COLOURS[key] },
            })),
        },
      ],
    }),
    [portrait, t],
  );

  const statusOption = useMemo<ChartOption>(() => {
    const rows = [...portrait.politicalStatus].sort((a, b) => a.count - b.count);
    return {
      animation: false,
      grid: { left: 4, right: 36, top: 4, bottom: 0, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', show: false },
      yAxis: {
        type: 'category',
        data: rows.map((row) => t(`portrait.politicalStatus.${row.status}`, { defaultValue: row.status })),
        axisTick: { show: false },
        axisLabel: { fontSize: 10 },
      },
      series: [
        {
          type: 'bar',
          name: t('portrait.people'),
          data: rows.map((row) => ({
            value: row.count,
            itemStyle: { color: STATUS_COLOURS[row.status] ?? '#bfbfbf' },
          })),
          barMaxWidth: 12,
          label: { show: true, position: 'right', fontSize: 10, color: '#555' },
        },
      ],
    };
  }, [portrait, t]);

  const genders = (['male', 'female', 'unknown'] as const)
    .filter((key) => key !== 'unknown' || portrait.gender.unknown > 0)
    .map((key) => ({
      key,
      share: portrait.population > 0 ? Math.round((portrait.gender[key] / portrait.population) * 100) : 0,
    }));
  const extras = Object.entries(portrait).filter(
    (entry): entry is [string, Record<string, unknown>] =>
      !KNOWN.has(entry[0]) && typeof entry[1] === 'object' && entry[1] !== null && !Array.isArray(entry[1]),
  );
  const empty = portrait.population === 0;

  return (
    <div className="portrait" data-testid="portrait">
      {counters ? (
        <div className="portrait-stats">
          <Statistic title={t('portrait.population')} value={portrait.population} />
          <Statistic title={t('portrait.households')} value={portrait.households} />
        </div>
      ) : null}
      {empty ? null : (
        <>
          <section className="portrait-section">
            <div className="portrait-section-title">{t('portrait.ageTitle')}</div>
            <EChart option={ageOption} height={118} label={t('portrait.ageTitle')} testId="portrait-age" />
          </section>
          <section className="portrait-section portrait-pair">
            <div>
              <div className="portrait-section-title">{t('portrait.genderTitle')}</div>
              <EChart
                option={genderOption}
                height={84}
                label={t('portrait.genderTitle')}
                testId="portrait-gender"
              />
              <div className="portrait-shares">
                {genders.map((gender) => (
                  <span key={gender.key} className="portrait-share">
                    <span className="portrait-swatch" style={{ background: GENDER_COLOURS[gender.key] }} />
                    {t(`portrait.gender.${gender.key}`)} {gender.share}%
                  </span>
                ))}
              </div>
            </div>
            <div>
              <div className="portrait-section-title">{t('portrait.statusTitle')}</div>
              <EChart
                option={statusOption}
                height={104}
                label={t('portrait.statusTitle')}
                testId="portrait-status"
              />
            </div>
          </section>
        </>
      )}
      <section className="portrait-section" data-section="specialGroups">
        <div className="portrait-section-title">
          {t('portrait.specialGroupsTitle')}
          <Tooltip title={t('portrait.countsOnly')}>
            <span className="portrait-hint">{t('portrait.countsOnlyShort')}</span>
          </Tooltip>
        </div>
        <div className="portrait-tags">
          {portrait.specialGroups.map((group) => (
            <Tag key={group.key} bordered={false} color={group.count > 0 ? 'orange' : undefined}>
              {localized(group.name, language)}
              <span className="portrait-tag-count">{group.count}</span>
            </Tag>
          ))}
        </div>
      </section>
      <section className="portrait-section" data-section="organisations">
        <div className="portrait-section-title">
          {t('portrait.organisationsTitle', { count: portrait.organisations.total })}
        </div>
        <KindTags items={portrait.organisations.byKind} prefix="organisationKind" />
      </section>
      <section className="portrait-section" data-section="positions">
        <div className="portrait-section-title">{t('portrait.positionsTitle')}</div>
        <KindTags items={rosterOrder(portrait.positions.byKind)} prefix="positionKind" />
        {portrait.positions.microGrids > 0 ? (
          <div className="portrait-vacancy" data-testid="portrait-vacancy">
            {portrait.positions.microGridsWithoutLeader === 0 ? (
              <Typography.Text type="success">
                {t('portrait.allLed', { count: portrait.positions.microGrids })}
              </Typography.Text>
            ) : (
              <>
                <Typography.Text type="danger">
                  {t('portrait.withoutLeader', {
                    count: portrait.positions.microGridsWithoutLeader,
                    total: portrait.positions.microGrids,
                  })}
                </Typography.Text>
                <div className="portrait-tags">
                  {vacant.map((code) => (
                    <Typography.Link
                      key={code}
                      className="portrait-vacant"
                      data-code={code}
                      title={code}
                      onClick={() => onSelect?.(code)}
                    >
                      {names.get(code) ?? code}
                    </Typography.Link>
                  ))}
                  {portrait.positions.microGridsWithoutLeader > vacant.length ? (
                    <Typography.Text type="secondary">
                      {t('portrait.more', {
                        count: portrait.positions.microGridsWithoutLeader - vacant.length,
                      })}
                    </Typography.Text>
                  ) : null}
                </div>
              </>
            )}
          </div>
        ) : null}
      </section>
      {extras.map(([name, value]) => (
        <ExtraSection key={name} name={name} value={value} />
      ))}
    </div>
  );
}

export default PortraitView;
