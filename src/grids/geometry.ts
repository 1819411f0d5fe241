/** GeoJSON geometry of a grid boundary, coordinates in WGS-84 / GCJ-02 [lng, lat] degrees. */
export type Position = [number, number];
export type Ring = Position[];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Ring[];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}
export type GridGeometry = PolygonGeometry | MultiPolygonGeometry;
