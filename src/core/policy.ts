import { defaultWhistlePolicies, type WhistlePolicies } from '../whistles/policy.js';

/**
 * Per-street differences are data behind this one typed policy, never an `if (street === …)` in a service.
 * Each setting has a documented default; an installation overrides what it needs (settings table, later per street).
 */
export interface Policy {
  grids: {
    /**
     * Largest overlap between two sibling grids, and largest part of a child outside its parent, that is still
     * accepted, in square metres. Boundaries digitised from different sources disagree by slivers; a real
     * overlap is far larger. Default 10 m².
     */
    overlapToleranceSquareMetres: number;
    /**
     * Codes follow GB/T 30428.1 and the statistical division codes: a child's code extends its parent's code
     * (6-digit county + 3-digit street + 3-digit community + 3-digit sequence = 15-digit unit grid; deeper
     * levels add digits). Default true; an installation with its own code scheme turns it off.
     */
    hierarchicalCodes: boolean;
    /** Most features one import request may carry. Default 100,000. */
    maxImportFeatures: number;
  };
  login: {
    /** Failed logins in a row that lock an account. Default 5. */
    maxFailures: number;
    /** How long a locked account stays locked, in minutes. Default 15. */
    lockMinutes: number;
  };
  /** 长期未结 long-pending events (E5): what makes an open event long-pending and how often the sweep runs. */
  longPending: {
    /** Seconds between two sweeps. Default one hour. */
    sweepSeconds: number;
    /** An open event older than this many seconds is long-pending. Default 30 days. */
    openSeconds: number;
    /** … or one sent back for rework (返工) this many times. Default 2. */
    reworkCount: number;
    /** … or one returned (退单) this many times. Default 2. */
    returnCount: number;
  };
  /**
   * 吹哨 whistles (E6): response deadlines and the k of anonymous ratings, with per-street overrides keyed by grid code
   * (`byGrid`); defaults 30 min urgent, 2 h otherwise, k = 5 (src/whistles/policy.ts).
   */
  whistles: WhistlePolicies;
  /** 案例库 the case library (E7): seconds between two sweeps that make cases of closed events. Default 5 minutes. */
  caseLibrary: { sweepSeconds: number };
}

export const defaultPolicy: Policy = {
  grids: { overlapToleranceSquareMetres: 10, hierarchicalCodes: true, maxImportFeatures: 100_000 },
  login: { maxFailures: 5, lockMinutes: 15 },
  longPending: { sweepSeconds: 3600, openSeconds: 30 * 24 * 3600, reworkCount: 2, returnCount: 2 },
  whistles: defaultWhistlePolicies,
  caseLibrary: { sweepSeconds: 300 },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export function policyWith(overrides: DeepPartial<Policy> = {}): Policy {
  return {
    grids: { ...defaultPolicy.grids, ...overrides.grids },
    login: { ...defaultPolicy.login, ...overrides.login },
    longPending: { ...defaultPolicy.longPending, ...overrides.longPending },
    whistles: {
      defaults: { ...defaultPolicy.whistles.defaults, ...overrides.whistles?.defaults },
      byGrid: {
        ...defaultPolicy.whistles.byGrid,
        ...(overrides.whistles?.byGrid as WhistlePolicies['byGrid']),
      },
    },
    caseLibrary: { ...defaultPolicy.caseLibrary, ...overrides.caseLibrary },
  };
}
