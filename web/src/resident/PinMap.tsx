import { useEffect, useRef, useState } from 'react';
import maplibregl, { type Map as MapLibreMap, type StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection } from 'geojson';
import type { PublicMap } from './api';

/** Same as the console's map: an optional raster layer set at build time, else no outside server at all. */
const TILE_URL = import.meta.env.VITE_MAP_TILE_URL as string | undefined;
const TILE_ATTRIBUTION = import.meta.env.VITE_MAP_TILE_ATTRIBUTION as string | undefined;

function style(): StyleSpecification {
  const layers: StyleSpecification['layers'] = [
    { id: 'background', type: 'background', paint: { 'background-color': '#eef1f5' } },
  ];
  const sources: StyleSpecification['sources'] = {};
  if (TILE_URL) {
    sources.base = { type: 'raster', tiles: [TILE_URL], tileSize: 256, attribution: TILE_ATTRIBUTION ?? '' };
    layers.push({ id: 'base', type: 'raster', source: 'base', paint: { 'raster-opacity': 0.85 } });
  }
  return { version: 8, sources, layers };
}

export interface PinMapProps {
  outline: PublicMap;
  value: { lng: number; lat: number } | null;
  onChange(point: { lng: number; lat: number }): void;
}

/**
 * 地图选点 a small map of our street: the outline filled, the communities outlined with their names, and a pin
 * where the resident taps. Loaded only when the raise form shows it (maplibre is the page's largest part).
 */
export default function PinMap({ outline, value, onChange }: PinMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibreMap | null>(null);
  const pin = useRef<maplibregl.Marker | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const [ready, setReady] = useState(false);

  useEffect(() => {
    if (!container.current) return;
    const instance = new maplibregl.Map({
      container: container.current,
      style: style(),
      bounds: outline.bbox ?? undefined,
      fitBoundsOptions: { padding: 16 },
      center: outline.bbox ? undefined : [121.47, 31.23],
      zoom: outline.bbox ? undefined : 11,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
    });
    instance.touchZoomRotate.disableRotation();
    instance.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    instance.on('load', () => {
      instance.addSource('street', { type: 'geojson', data: outline as unknown as FeatureCollection });
      instance.addLayer({
        id: 'street-fill',
        type: 'fill',
        source: 'street',
        filter: ['==', ['get', 'level'], 'street'],
        paint: { 'fill-color': '#1f5fbf', 'fill-opacity': 0.08 },
      });
      instance.addLayer({
        id: 'community-line',
        type: 'line',
        source: 'street',
        filter: ['!=', ['get', 'level'], 'street'],
        paint: { 'line-color': '#7a8ba6', 'line-width': 1, 'line-dasharray': [2, 2] },
      });
      instance.addLayer({
        id: 'street-line',
        type: 'line',
        source: 'street',
        filter: ['==', ['get', 'level'], 'street'],
        paint: { 'line-color': '#1f5fbf', 'line-width': 2.5 },
      });
      setReady(true);
    });
    instance.on('click', (event) => onChangeRef.current({ lng: event.lngLat.lng, lat: event.lngLat.lat }));
    map.current = instance;
    return () => {
      pin.current = null;
      instance.remove();
      map.current = null;
    };
  }, [outline]);

  // the pin follows the value (a tap, or "use my location")
  useEffect(() => {
    const instance = map.current;
    if (!instance) return;
    if (!value) {
      pin.current?.remove();
      pin.current = null;
      return;
    }
    if (!pin.current) {
      pin.current = new maplibregl.Marker({ color: '#c8102e', draggable: true })
        .setLngLat([value.lng, value.lat])
        .addTo(instance);
      pin.current.on('dragend', () => {
        const at = pin.current?.getLngLat();
        if (at) onChangeRef.current({ lng: at.lng, lat: at.lat });
      });
    } else {
      pin.current.setLngLat([value.lng, value.lat]);
    }
    if (!instance.getBounds().contains([value.lng, value.lat])) {
      instance.easeTo({ center: [value.lng, value.lat], duration: 300 });
    }
  }, [value, ready]);

  return (
    <div
      ref={container}
      className="resident-map"
      data-testid="resident-map"
      data-ready={ready ? 'yes' : 'no'}
      data-pin={value ? `${value.lng.toFixed(6)},${value.lat.toFixed(6)}` : ''}
    />
  );
}
