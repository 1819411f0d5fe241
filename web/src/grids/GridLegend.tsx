import { useTranslation } from 'react-i18next';
import type { GridFeatureCollection } from './api';
import { gridTypeColour } from './style';

/** The grid types drawn on the map, with their colours. */
export function GridLegend({ collection }: { collection: GridFeatureCollection | null }) {
  const { t } = useTranslation();
  if (!collection || collection.features.length === 0) return null;
  const parents = new Set(collection.features.map((f) => f.properties.parentCode));
  const counts = new Map<string, number>();
  for (const feature of collection.features) {
    if (!feature.geometry || parents.has(feature.properties.code)) continue;
    counts.set(feature.properties.gridType, (counts.get(feature.properties.gridType) ?? 0) + 1);
  }
  const types = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return (
    <div className="grid-legend" data-testid="grid-legend">
      <div className="grid-legend-title">
        {t('grids.legend')} · {t('grids.mapCount', { count: collection.features.length })}
      </div>
      {types.map(([type, count]) => (
        <div key={type} className="grid-legend-row">
          <span className="grid-legend-swatch" style={{ background: gridTypeColour(type) }} />
          <span className="grid-legend-name">{t(`gridType.${type}`, { defaultValue: type })}</span>
          <span className="grid-legend-count">{count}</span>
        </div>
      ))}
    </div>
  );
}
