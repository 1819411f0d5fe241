import { api } from '../api/client';
import type { Bilingual } from '../grids/api';

/**
 * The people endpoints of the server (src/people/routes.ts, src/people/schema.ts), typed for the console. The
 * shapes are copied, not imported: server code stays out of the web bundle.
 */

export interface SpecialGroupMembership {
  group: string;
  name: Bilingual;
  since: string | null;
  note: string | null;
}

/** A person as the signed-in role may see it: ID number and phone masked unless unmasked (audited). */
export interface Person {
  id: number;
  name: string;
  gender: 'male' | 'female' | null;
  birthDate: string | null;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  politicalStatus: string;
  tags: string[];
  gridCode: string;
  householdNumber: string | null;
  buildingCode: string | null;
  unit: string | null;
  room: string | null;
  masked: boolean;
  /** Absent for roles that do not serve special groups (not "none"). */
  specialGroups?: SpecialGroupMembership[];
  createdAt: string;
  updatedAt: string;
}

export interface PersonPage {
  items: Person[];
  total: number;
}

export interface PersonFilter {
  grid?: string;
  name?: string;
  specialGroup?: string;
  idNumber?: string;
  phone?: string;
}

/** 岗位 a position held in a grid (names of office holders are public, never masked). */
export interface Position {
  id: number;
  gridCode: string;
  gridLevel: string;
  kind: string;
  duty: string | null;
  holder: { personId: number | null; userId: number | null; name: string };
  buildingCode: string | null;
  unit: string | null;
  from: string;
  to: string | null;
}

export interface KindCount {
  kind: string;
  count: number;
}

/** 网格画像 counts of a grid's subtree; no personal data. */
export interface Portrait {
  grid: { code: string; name: string; level: string };
  at: string;
  population: number;
  households: number;
  gender: { male: number; female: number; unknown: number };
  ageGroups: { group: string; count: number }[];
  politicalStatus: { status: string; count: number }[];
  specialGroups: { key: string; name: Bilingual; count: number }[];
  organisations: { total: number; byKind: KindCount[] };
  positions: {
    byKind: KindCount[];
    microGrids: number;
    microGridsWithoutLeader: number;
    vacantMicroGrids: string[];
  };
  /** Sections other modules may add later (party building, forces, co-building): shown when present. */
  [section: string]: unknown;
}

/** The position kinds in the order a roster lists them (src/people/schema.ts POSITION_KINDS). */
export const POSITION_KINDS = [
  'grid_leader',
  'deputy_grid_leader',
  'grid_worker_dedicated',
  'grid_worker_part_time',
  'building_leader',
  'unit_leader',
  'five_member',
  'city_operations',
  'department_staff',
  'law_enforcement',
] as const;

export const peopleApi = {
  list(filter: PersonFilter, page: number, pageSize: number, signal?: AbortSignal) {
    return api<PersonPage>('/api/people', { query: { ...filter, page, pageSize }, signal });
  },
  /** One person; `unmask` shows the full ID number and phone and is recorded in the audit log. */
  get(id: number, unmask: boolean, signal?: AbortSignal) {
    return api<Person>(`/api/people/${id}`, { query: unmask ? { unmask: true } : undefined, signal });
  },
  positions(code: string, options: { at?: string; subtree?: boolean }, signal?: AbortSignal) {
    return api<{ items: Position[] }>(`/api/grids/${encodeURIComponent(code)}/positions`, {
      query: { at: options.at, subtree: options.subtree || undefined },
      signal,
    });
  },
  portrait(code: string, at?: string, signal?: AbortSignal) {
    return api<Portrait>(`/api/grids/${encodeURIComponent(code)}/portrait`, { query: { at }, signal });
  },
};
