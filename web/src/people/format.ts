import type { Person } from './api';

/**
 * A building's code without the grid's code in front of it ("310113…001-03" in grid "310113…001" → "03"):
 * inside the grid, the rest is what tells the buildings apart.
 */
export function shortBuilding(buildingCode: string, gridCode: string): string {
  return buildingCode.startsWith(`${gridCode}-`) ? buildingCode.slice(gridCode.length + 1) : buildingCode;
}

/** Where a person lives, as far as the role may see it: building · unit · room. */
export function dwelling(person: Person): string {
  return [
    person.buildingCode ? shortBuilding(person.buildingCode, person.gridCode) : null,
    person.unit,
    person.room,
  ]
    .filter(Boolean)
    .join(' · ');
}
