import type { Config } from '../core/config.js';
import type { Clock } from '../core/clock.js';
import type { Db } from '../core/db.js';
import type { Policy } from '../core/policy.js';
import type { AuthUser } from './auth.js';

export interface AccountServiceDeps {
  db: Db;
  clock: Clock;
  policy: Policy;
  config: Config;
}

/** Accounts, sessions and login lockout. (Being built: see issue 3.) */
export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  async authenticate(_token: string): Promise<AuthUser | null> {
    void this.deps;
    return null;
  }
}
