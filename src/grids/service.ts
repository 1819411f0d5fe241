import type { Clock } from '../core/clock.js';
import type { Database } from '../core/db.js';
import type { Policy } from '../core/policy.js';

export interface GridServiceDeps {
  database: Database;
  clock: Clock;
  policy: Policy;
}

export class GridService {
  constructor(private readonly deps: GridServiceDeps) {}
  async startIndex(): Promise<void> {
    void this.deps;
  }
  async stop(): Promise<void> {}
  indexedCount(): number {
    return 0;
  }
}
