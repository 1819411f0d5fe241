import type { Config } from './core/config.js';
import type { Database } from './core/db.js';
import { systemClock, type Clock } from './core/clock.js';
import { createHttpServer, type App } from './core/http.js';
import { defaultPolicy, type Policy } from './core/policy.js';
import { installAuth } from './accounts/auth.js';
import { AccountService } from './accounts/service.js';
import { accountRoutes } from './accounts/routes.js';
import { GridService } from './grids/service.js';
import { gridRoutes } from './grids/routes.js';
import { PeopleService } from './people/service.js';
import { peopleRoutes } from './people/routes.js';
import { lazyProtector } from './people/protection.js';
import { systemRoutes } from './core/routes.js';
import { webRoutes } from './web/static.js';
import path from 'node:path';
import { EventService } from './events/service.js';
import { eventRoutes } from './events/routes.js';
import { defaultEventsPolicy, noSuggestionRouter, type EventRouter } from './events/router.js';

/** Everything a route or a command can call; built once per server (and once per test). */
export interface Services {
  config: Config;
  database: Database;
  clock: Clock;
  policy: Policy;
  grids: GridService;
  accounts: AccountService;
  people: PeopleService;
  events: EventService;
}

export interface BuildOptions {
  config: Config;
  database: Database;
  clock?: Clock;
  policy?: Policy;
  /** Routing of new events (E2); none until src/duties provides the real router. */
  eventRouter?: EventRouter;
}

export async function buildServices(options: BuildOptions): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const policy = options.policy ?? defaultPolicy;
  const grids = new GridService({ database: options.database, clock, policy });
  await grids.startIndex();
  const accounts = new AccountService({
    db: options.database.db,
    clock,
    policy,
    config: options.config,
    grids,
  });
  const people = new PeopleService({
    database: options.database,
    clock,
    grids,
    protector: lazyProtector(options.config),
  });
  const events = new EventService({
    database: options.database,
    clock,
    grids,
    protector: lazyProtector(options.config),
    router: options.eventRouter ?? noSuggestionRouter,
    policy: defaultEventsPolicy,
    attachmentsDir: options.config.attachmentsDir ?? path.join(options.config.dataDir, 'attachments'),
  });
  return {
    config: options.config,
    database: options.database,
    clock,
    policy,
    grids,
    accounts,
    people,
    events,
  };
}

/** The HTTP application on top of the services. Closing the app stops the services (not the database). */
export async function buildApp(options: BuildOptions): Promise<{ app: App; services: Services }> {
  const services = await buildServices(options);
  const app = await createHttpServer({ logLevel: options.config.logLevel });
  installAuth(app, (token) => services.accounts.authenticate(token));
  await systemRoutes(app, services);
  await accountRoutes(app, services);
  await gridRoutes(app, services);
  await peopleRoutes(app, services);
  await eventRoutes(app, services);
  await webRoutes(app, {});
  app.addHook('onClose', async () => {
    await services.grids.stop();
  });
  return { app, services };
}
