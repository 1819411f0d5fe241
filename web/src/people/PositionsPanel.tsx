import { useEffect, useMemo, useState } from 'react';
import { Alert, DatePicker, Empty, Spin, Switch, Tag, Tooltip, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { ApiError, errorText } from '../api/client';
import { gridApi, type Bilingual } from '../grids/api';
import { localized } from '../i18n';
import { useGridNames } from '../settings/gridNames';
import { POSITION_KINDS, peopleApi, type Portrait, type Position } from './api';
import { shortBuilding } from './format';

/** Positions every grid of a level should have filled; a missing one is a vacancy (空缺). */
const EXPECTED: Record<string, readonly string[]> = {
  microGrid: ['grid_leader', 'grid_worker_dedicated'],
};
const EXPECTED_DEFAULT = ['grid_leader'];
/** Holders shown per kind before "+N": a street has hundreds of building leaders. */
const HOLDERS_SHOWN = 40;

interface Loaded {
  key: string;
  positions: Position[];
  portrait: Portrait | null;
  /** Names and levels of the subtree's grids (subtree view only). */
  grids: Map<string, { name: string; level: string }>;
}

function kindRank(kind: string): number {
  const rank = (POSITION_KINDS as readonly string[]).indexOf(kind);
  return rank < 0 ? POSITION_KINDS.length : rank;
}

/**
 * 岗位力量: who holds which position in the grid on a date (today unless a past date is picked), grouped by the
 * grid level and the kind of position, with vacancies in red: a grid without its leader, a micro-grid without
 * its dedicated worker, the micro-grids of the subtree without a leader (as links to them).
 */
export function PositionsPanel({
  gridCode,
  gridLevel,
  onSelect,
}: {
  gridCode: string;
  gridLevel: string | null;
  onSelect(code: string): void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [at, setAt] = useState<Dayjs | null>(null);
  const [subtree, setSubtree] = useState(false);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [levels, setLevels] = useState<Map<string, { rank: number; name: Bilingual }>>(new Map());
  const date = at ? at.format('YYYY-MM-DD') : undefined;
  const key = `${gridCode}|${date ?? ''}|${subtree}`;

  useEffect(() => {
    const controller = new AbortController();
    gridApi
      .levels(controller.signal)
      .then((answer) => setLevels(new Map(answer.map((level) => [level.key, level]))))
      .catch(() => undefined);
    return () => controller.abort();
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setError(null);
    Promise.all([
      peopleApi.positions(gridCode, { at: date, subtree }, signal),
      peopleApi.portrait(gridCode, date, signal).catch(() => null),
      subtree
        ? gridApi
            .subtree(gridCode, signal)
            .then(
              (collection) =>
                new Map(
                  collection.features.map((feature) => [
                    feature.properties.code,
                    { name: feature.properties.name, level: feature.properties.level },
                  ]),
                ),
            )
            .catch(() => new Map<string, { name: string; level: string }>())
        : Promise.resolve(new Map<string, { name: string; level: string }>()),
    ])
      .then(([answer, portrait, grids]) => setLoaded({ key, positions: answer.items, portrait, grids }))
      .catch((failure: unknown) => {
        if (signal.aborted || (failure instanceof ApiError && failure.status === 401)) return;
        setError(errorText(failure));
      });
    return () => controller.abort();
  }, [gridCode, date, subtree, key]);

  const current = loaded?.key === key ? loaded : null;
  const vacant = current?.portrait?.positions.vacantMicroGrids ?? [];
  const vacantNames = useGridNames(vacant.slice(0, 20));

  // level → kind → positions, levels from the top down, kinds in the roster's order
  const groups = useMemo(() => {
    if (!current) return [];
    const byLevel = new Map<string, Map<string, Position[]>>();
    for (const position of current.positions) {
      const kinds = byLevel.get(position.gridLevel) ?? new Map<string, Position[]>();
      kinds.set(position.kind, [...(kinds.get(position.kind) ?? []), position]);
      byLevel.set(position.gridLevel, kinds);
    }
    // the selected grid's own level is listed even when nobody holds a position there: its vacancies show
    if (gridLevel && !byLevel.has(gridLevel)) byLevel.set(gridLevel, new Map());
    return [...byLevel]
      .sort(([a], [b]) => (levels.get(a)?.rank ?? 99) - (levels.get(b)?.rank ?? 99))
      .map(([level, kinds]) => {
        const own = level === gridLevel;
        const expected = own ? (EXPECTED[level] ?? EXPECTED_DEFAULT) : [];
        const kindKeys = new Set([...kinds.keys(), ...expected]);
        return {
          level,
          own,
          kinds: [...kindKeys]
            .sort((a, b) => kindRank(a) - kindRank(b))
            .map((kind) => ({ kind, holders: kinds.get(kind) ?? [], expected: expected.includes(kind) })),
        };
      });
  }, [current, gridLevel, levels]);

  const gridName = (code: string) => current?.grids.get(code)?.name ?? code;

  return (
    <div className="people-positions" data-testid="people-positions">
      <div className="people-filters">
        <DatePicker
          value={at}
          onChange={(value) => setAt(value)}
          placeholder={t('positions.today')}
          data-testid="positions-at"
          allowClear
        />
        <span className="positions-switch">
          <Switch size="small" checked={subtree} onChange={setSubtree} data-testid="positions-subtree" />{' '}
          {t('positions.subtree')}
        </span>
        <Typography.Text type="secondary">
          {date ? t('positions.historyAt', { date }) : t('positions.asOfToday')}
        </Typography.Text>
      </div>
      {error ? <Alert type="error" showIcon title={error} /> : null}
      {!current && !error ? (
        <div className="people-loading">
          <Spin />
        </div>
      ) : null}
      {current && vacant.length > 0 ? (
        <Alert
          type="error"
          showIcon
          className="positions-vacant"
          data-testid="positions-vacant"
          title={t('portrait.withoutLeader', {
            count: current.portrait?.positions.microGridsWithoutLeader ?? vacant.length,
            total: current.portrait?.positions.microGrids ?? 0,
          })}
          description={
            <span className="portrait-tags">
              {vacant.slice(0, 20).map((code) => (
                <Typography.Link key={code} onClick={() => onSelect(code)} data-code={code}>
                  {vacantNames.get(code) ?? code}
                </Typography.Link>
              ))}
            </span>
          }
        />
      ) : null}
      {current && groups.length === 0 ? <Empty description={t('positions.none')} /> : null}
      {groups.map((group) => (
        <section key={group.level} className="positions-level" data-level={group.level}>
          <div className="positions-level-title">
            {localized(levels.get(group.level)?.name, language) || group.level}
            {group.own ? <Tag bordered={false}>{t('positions.thisGrid')}</Tag> : null}
          </div>
          <div className="positions-kinds">
            {group.kinds.map(({ kind, holders, expected }) => (
              <div
                key={kind}
                className={`positions-kind${holders.length === 0 && expected ? ' positions-kind-vacant' : ''}`}
                data-kind={kind}
              >
                <div className="positions-kind-name">
                  {t(`positionKind.${kind}`, { defaultValue: kind })}
                  <span className="positions-kind-count">{holders.length}</span>
                </div>
                <div className="positions-holders">
                  {holders.length === 0 && expected ? (
                    <Tag color="red" data-testid="position-vacant">
                      {t('positions.vacant')}
                    </Tag>
                  ) : null}
                  {holders.slice(0, HOLDERS_SHOWN).map((position) => (
                    <Tooltip
                      key={position.id}
                      title={[
                        subtree ? `${gridName(position.gridCode)} (${position.gridCode})` : null,
                        t('positions.term', {
                          from: position.from,
                          to: position.to ?? t('positions.ongoing'),
                        }),
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    >
                      <Tag
                        className="positions-holder"
                        bordered={false}
                        color={kind === 'grid_leader' ? 'blue' : undefined}
                      >
                        {position.holder.name}
                        {position.duty ? <span className="positions-duty">{position.duty}</span> : null}
                        {position.buildingCode ? (
                          <span className="positions-duty" title={position.buildingCode}>
                            {t('positions.building', {
                              code: shortBuilding(position.buildingCode, position.gridCode),
                            })}
                            {position.unit ? ` ${position.unit}` : ''}
                          </span>
                        ) : null}
                        {subtree && position.gridCode !== gridCode ? (
                          <span className="positions-duty">{gridName(position.gridCode)}</span>
                        ) : null}
                      </Tag>
                    </Tooltip>
                  ))}
                  {holders.length > HOLDERS_SHOWN ? (
                    <Tag bordered={false}>
                      {t('portrait.more', { count: holders.length - HOLDERS_SHOWN })}
                    </Tag>
                  ) : null}
                </div>
              </div>
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}
