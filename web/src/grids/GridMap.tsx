import { useEffect, useMemo, useRef, useState } from 'react';
import maplibregl, {
  type GeoJSONSource,
  type LayerSpecification,
  type Map as MapLibreMap,
  type MapLayerMouseEvent,
  type SourceSpecification,
  type StyleSpecification,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { Alert, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { GridFeatureCollection } from './api';
import { boxOf, labelPoint, union, type Box } from './geometry';
import { DEFAULT_OUTLINE, LEVEL_OUTLINES, MAP_BACKGROUND, SELECTED_COLOUR, gridTypeColour } from './style';

/**
 * A raster tile URL (`https://…/{z}/{x}/{y}.png`) may be set at build time; without it the map needs no
 * outside server at all: a plain background with our own boundaries on top.
 */
const TILE_URL = import.meta.env.VITE_MAP_TILE_URL as string | undefined;
const TILE_ATTRIBUTION = import.meta.env.VITE_MAP_TILE_ATTRIBUTION as string | undefined;
/** Where the map looks before any grid is loaded (Shanghai). */
const DEFAULT_CENTRE: [number, number] = [121.47, 31.23];
/** More names than this would cost more than they help; the rest show on hover. */
const MAX_LABELS = 400;

// the map's worker starts loading with this module, not when the first map is made (after its data has come)
maplibregl.prewarm();

function baseStyle(): StyleSpecification {
  const sources: Record<string, SourceSpecification> = {};
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': MAP_BACKGROUND } },
  ];
  if (TILE_URL) {
    sources.base = { type: 'raster', tiles: [TILE_URL], tileSize: 256, attribution: TILE_ATTRIBUTION ?? '' };
    layers.push({ id: 'base', type: 'raster', source: 'base', paint: { 'raster-opacity': 0.85 } });
  }
  // no `glyphs`: names are HTML labels, so no glyph server is needed either
  return { version: 8, sources, layers };
}

interface DrawnGrid {
  code: string;
  name: string;
  level: string;
  depth: number;
  parentCode: string | null;
  gridType: string;
  box: Box;
  anchor: [number, number];
}

/** The collection with what the map needs precomputed: leaf flag and colours as feature properties. */
function prepare(collection: GridFeatureCollection) {
  const parents = new Set(
    collection.features.map((f) => f.properties.parentCode).filter((c): c is string => !!c),
  );
  const drawn: DrawnGrid[] = [];
  let bounds: Box | null = null;
  const features = [];
  for (const feature of collection.features) {
    if (!feature.geometry) continue;
    const { code, name, level, depth, parentCode, gridType } = feature.properties;
    const outline = LEVEL_OUTLINES[level] ?? DEFAULT_OUTLINE;
    const box = boxOf(feature.geometry);
    bounds = union(bounds, box);
    drawn.push({ code, name, level, depth, parentCode, gridType, box, anchor: labelPoint(feature.geometry) });
    features.push({
      type: 'Feature' as const,
      geometry: feature.geometry as Polygon | MultiPolygon,
      properties: {
        code,
        name,
        level,
        depth,
        gridType,
        leaf: !parents.has(code),
        fillColour: gridTypeColour(gridType),
        lineColour: outline.colour,
        lineWidth: outline.width,
      },
    });
  }
  const data: FeatureCollection = { type: 'FeatureCollection', features };
  return { data, drawn, bounds };
}

/** Room around the grids when the view is fitted to them; `right` leaves space for a card over the map. */
function fitPadding(rightInset: number) {
  return { top: 48, bottom: 48, left: 48, right: 48 + rightInset };
}

export interface GridMapProps {
  collection: GridFeatureCollection | null;
  /** The grid whose subtree is drawn; its children get names on the map. */
  rootCode: string | null;
  selectedCode: string | null;
  loading: boolean;
  onSelect(code: string): void;
  /** Pixels on the right kept free for a card over the map when fitting the view. */
  rightInset?: number;
  /** Text for the hover popup: level and type names in the page's language. */
  describe(grid: { level: string; gridType: string }): string;
  /** Points drawn over the grids (open events on the dashboard), each a coloured dot with a title. */
  markers?: MapMarker[];
  onMarkerClick?(id: number): void;
  /** A click anywhere on the map gives its point (a report's location); grid selection still happens. */
  onPick?(point: { lng: number; lat: number }): void;
  /** Called once, when the map has first drawn its grids (or has none to draw). */
  onDrawn?(): void;
}

export interface MapMarker {
  id: number;
  lng: number;
  lat: number;
  colour: string;
  title: string;
}

export function GridMap({
  collection,
  rootCode,
  selectedCode,
  loading,
  onSelect,
  rightInset = 0,
  describe,
  markers,
  onMarkerClick,
  onPick,
  onDrawn,
}: GridMapProps) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const labels = useRef<{ grid: DrawnGrid; marker: maplibregl.Marker; element: HTMLDivElement }[]>([]);
  const onSelectRef = useRef(onSelect);
  const describeRef = useRef(describe);
  onSelectRef.current = onSelect;
  describeRef.current = describe;
  const onMarkerClickRef = useRef(onMarkerClick);
  const onPickRef = useRef(onPick);
  onMarkerClickRef.current = onMarkerClick;
  onPickRef.current = onPick;
  const onDrawnRef = useRef(onDrawn);
  onDrawnRef.current = onDrawn;
  /** The data the source holds, so that the same data is neither sent to the map's worker nor fitted twice. */
  const applied = useRef<ReturnType<typeof prepare> | null>(null);
  const pointMarkers = useRef<maplibregl.Marker[]>([]);

  const prepared = useMemo(() => (collection ? prepare(collection) : null), [collection]);
  const preparedRef = useRef(prepared);
  preparedRef.current = prepared;

  // the map itself, once; with the grids already here it starts on them, so the first frames are the real ones
  useEffect(() => {
    if (!container.current) return;
    let map: MapLibreMap;
    const initial = preparedRef.current;
    const initialBounds = initial?.bounds ?? null;
    performance.mark('gezhi:map-create');
    try {
      map = new maplibregl.Map({
        container: container.current,
        style: baseStyle(),
        ...(initialBounds
          ? {
              bounds: [
                [initialBounds[0], initialBounds[1]],
                [initialBounds[2], initialBounds[3]],
              ] as [[number, number], [number, number]],
              fitBoundsOptions: { padding: fitPadding(rightInset), maxZoom: 17 },
            }
          : { center: DEFAULT_CENTRE, zoom: 11 }),
        // no symbol layers to fade in: without it every change would repaint the map for 300 ms
        fadeDuration: 0,
        attributionControl: TILE_URL ? { compact: true } : false,
        dragRotate: false,
        pitchWithRotate: false,
        maxPitch: 0,
      });
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      return;
    }
    mapRef.current = map;
    map.touchZoomRotate.disableRotation();
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');

    const popup = new maplibregl.Popup({
      closeButton: false,
      closeOnClick: false,
      offset: 8,
      className: 'grid-popup',
    });
    let hovered: string | null = null;
    let drawn = false;

    map.on('load', () => {
      performance.mark('gezhi:map-load');
      // a container that was still being laid out (an opening dialog) is measured again
      const box = container.current;
      const canvas = map.getCanvas();
      if (box && (box.clientWidth !== canvas.clientWidth || box.clientHeight !== canvas.clientHeight))
        map.resize();
      map.addSource('grids', {
        type: 'geojson',
        data: initial?.data ?? { type: 'FeatureCollection', features: [] },
        promoteId: 'code',
      });
      // the camera was fitted to these grids when the map was made
      if (initial) applied.current = initial;
      map.addLayer({
        id: 'grid-fill',
        type: 'fill',
        source: 'grids',
        filter: ['==', ['get', 'leaf'], true],
        paint: {
          'fill-color': ['get', 'fillColour'],
          'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.7, 0.45],
        },
      });
      map.addLayer({
        id: 'grid-selected-fill',
        type: 'fill',
        source: 'grids',
        filter: ['==', ['get', 'code'], ''],
        paint: { 'fill-color': SELECTED_COLOUR, 'fill-opacity': 0.5 },
      });
      map.addLayer({
        id: 'grid-outline',
        type: 'line',
        source: 'grids',
        layout: { 'line-join': 'round', 'line-sort-key': ['-', 0, ['get', 'depth']] },
        paint: { 'line-color': ['get', 'lineColour'], 'line-width': ['get', 'lineWidth'] },
      });
      map.addLayer({
        id: 'grid-selected-line',
        type: 'line',
        source: 'grids',
        filter: ['==', ['get', 'code'], ''],
        layout: { 'line-join': 'round' },
        paint: { 'line-color': SELECTED_COLOUR, 'line-width': 4 },
      });
      setReady(true);
    });

    map.on('mousemove', 'grid-fill', (event: MapLayerMouseEvent) => {
      const feature = event.features?.[0];
      if (!feature) return;
      const code = String(feature.properties.code);
      map.getCanvas().style.cursor = 'pointer';
      if (hovered !== code) {
        if (hovered) map.setFeatureState({ source: 'grids', id: hovered }, { hover: false });
        hovered = code;
        map.setFeatureState({ source: 'grids', id: code }, { hover: true });
        const box = document.createElement('div');
        const name = document.createElement('strong');
        name.textContent = String(feature.properties.name);
        const info = document.createElement('div');
        info.className = 'grid-popup-info';
        info.textContent = `${code} · ${describeRef.current({
          level: String(feature.properties.level),
          gridType: String(feature.properties.gridType),
        })}`;
        box.append(name, info);
        popup.setDOMContent(box);
      }
      popup.setLngLat(event.lngLat).addTo(map);
    });
    map.on('mouseleave', 'grid-fill', () => {
      map.getCanvas().style.cursor = '';
      if (hovered) map.setFeatureState({ source: 'grids', id: hovered }, { hover: false });
      hovered = null;
      popup.remove();
    });
    map.on('click', (event) => onPickRef.current?.({ lng: event.lngLat.lng, lat: event.lngLat.lat }));
    map.on('click', 'grid-fill', (event: MapLayerMouseEvent) => {
      const feature = event.features?.[0];
      if (feature) onSelectRef.current(String(feature.properties.code));
    });
    // the test and people with a slow machine can see when the map has drawn everything
    map.on('idle', () => {
      const element = container.current;
      if (!element || !map.getLayer('grid-fill')) return;
      element.dataset.state = 'idle';
      element.dataset.renderedGrids = String(
        map.queryRenderedFeatures({ layers: ['grid-fill', 'grid-outline'] }).length,
      );
      if (applied.current && !drawn) {
        drawn = true;
        performance.mark('gezhi:map-drawn');
        onDrawnRef.current?.();
      }
    });
    map.on('moveend', () => placeLabels(map));

    return () => {
      popup.remove();
      map.remove();
      mapRef.current = null;
      setReady(false);
    };
  }, []);

  /**
   * Show a name only where it fits inside its grid and does not cover a name already placed; the root's
   * children are placed first, so they win over their own children.
   */
  function placeLabels(map: MapLibreMap) {
    const placed: { left: number; top: number; right: number; bottom: number }[] = [];
    for (const { grid, element } of labels.current) {
      const sw = map.project([grid.box[0], grid.box[1]]);
      const ne = map.project([grid.box[2], grid.box[3]]);
      const width = element.offsetWidth;
      const height = element.offsetHeight;
      let visible = Math.abs(ne.x - sw.x) > width * 1.1 + 8 && Math.abs(sw.y - ne.y) > height + 4;
      if (visible) {
        const centre = map.project(grid.anchor);
        const box = {
          left: centre.x - width / 2 - 3,
          right: centre.x + width / 2 + 3,
          top: centre.y - height / 2 - 2,
          bottom: centre.y + height / 2 + 2,
        };
        visible = !placed.some(
          (p) => box.left < p.right && box.right > p.left && box.top < p.bottom && box.bottom > p.top,
        );
        if (visible) placed.push(box);
      }
      element.classList.toggle('grid-label-hidden', !visible);
    }
  }

  // data: draw the subtree, label the root's children and grandchildren, fit the view
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    // new data goes to the map's worker and is fitted; the data the map was made with already is
    const fresh = applied.current !== prepared;
    if (fresh) {
      map
        .getSource<GeoJSONSource>('grids')
        ?.setData(prepared?.data ?? { type: 'FeatureCollection', features: [] });
      applied.current = prepared;
    }
    for (const { marker } of labels.current) marker.remove();
    labels.current = [];
    if (!prepared || prepared.drawn.length === 0) return;
    const rootDepth =
      prepared.drawn.find((g) => g.code === rootCode)?.depth ??
      Math.min(...prepared.drawn.map((g) => g.depth));
    const labelled = prepared.drawn
      .filter((g) => g.depth === rootDepth + 1 || g.depth === rootDepth + 2)
      .sort((a, b) => a.depth - b.depth)
      .slice(0, MAX_LABELS);
    const candidates = labelled.length > 0 ? labelled : prepared.drawn.filter((g) => g.depth === rootDepth);
    for (const grid of candidates) {
      const element = document.createElement('div');
      element.className = `grid-label grid-label-depth-${grid.depth - rootDepth}`;
      element.textContent = grid.name;
      const marker = new maplibregl.Marker({ element, anchor: 'center' }).setLngLat(grid.anchor).addTo(map);
      labels.current.push({ grid, marker, element });
    }
    if (fresh && prepared.bounds) {
      const [minLng, minLat, maxLng, maxLat] = prepared.bounds;
      map.fitBounds(
        [
          [minLng, minLat],
          [maxLng, maxLat],
        ],
        { padding: fitPadding(rightInset), maxZoom: 17, duration: 0 },
      );
    }
    placeLabels(map);
    // the inset matters only when a new subtree is fitted, not when the card closes
  }, [prepared, rootCode, ready]);

  // selection
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    const filter: ['==', ['get', string], string] = ['==', ['get', 'code'], selectedCode ?? ''];
    // the root covers the whole drawing; tinting it would only dull every colour
    map.setFilter('grid-selected-fill', selectedCode === rootCode ? ['==', ['get', 'code'], ''] : filter);
    map.setFilter('grid-selected-line', filter);
    for (const { grid, element } of labels.current)
      element.classList.toggle('grid-label-selected', grid.code === selectedCode);
  }, [selectedCode, rootCode, ready, prepared]);

  // markers: HTML dots above the grids, redrawn when the list changes
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !ready) return;
    for (const marker of pointMarkers.current) marker.remove();
    pointMarkers.current = (markers ?? []).map((point) => {
      const element = document.createElement('div');
      element.className = 'event-marker';
      element.style.background = point.colour;
      element.title = point.title;
      element.dataset.eventId = String(point.id);
      element.addEventListener('click', (event) => {
        event.stopPropagation();
        onMarkerClickRef.current?.(point.id);
      });
      return new maplibregl.Marker({ element, anchor: 'center' })
        .setLngLat([point.lng, point.lat])
        .addTo(map);
    });
    container.current?.setAttribute('data-markers', String(pointMarkers.current.length));
  }, [markers, ready]);

  const empty = !loading && prepared !== null && prepared.drawn.length === 0;
  return (
    <div className="grid-map">
      <div ref={container} className="grid-map-canvas" data-testid="grid-map" />
      {failure ? (
        <Alert
          className="grid-map-message"
          type="error"
          showIcon
          title={t('errors.mapFailed', { message: failure })}
        />
      ) : null}
      {empty ? <Alert className="grid-map-message" type="info" showIcon title={t('grids.mapEmpty')} /> : null}
      {loading ? (
        <div className="grid-map-loading">
          <Spin size="small" /> {t('grids.mapLoading')}
        </div>
      ) : null}
    </div>
  );
}
