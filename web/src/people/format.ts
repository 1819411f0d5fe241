import type { Person } from './api';

/** Where a person lives, as far as the role may see it: building · unit · room. */
export function dwelling(person: Person): string {
  return [person.buildingCode, person.unit, person.room].filter(Boolean).join(' · ');
}
