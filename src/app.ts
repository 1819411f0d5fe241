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
import { DutyService } from './duties/service.js';
import { dutyRoutes } from './duties/routes.js';
import { systemRoutes } from './core/routes.js';
import { ForceService } from './forces/service.js';
import { forceRoutes } from './forces/routes.js';
import { PartyService } from './party/service.js';
import { partyRoutes } from './party/routes.js';
import { webRoutes } from './web/static.js';
import { CatalogueService } from './catalogue/service.js';
import { catalogueRoutes } from './catalogue/routes.js';
import { JobRunner } from './jobs/runner.js';
import { ChangeStream } from './notifications/stream.js';
import { NotificationService } from './notifications/service.js';
import { WebhookService } from './notifications/webhooks.js';
import { notificationRoutes } from './notifications/routes.js';
import { TalentService } from './talent/service.js';
import { talentRoutes } from './talent/routes.js';
import { PointsService } from './points/service.js';
import { pointsRoutes } from './points/routes.js';
import { SheetRegistry } from './sheets/registry.js';
import { SheetService } from './sheets/service.js';
import { sheetRoutes } from './sheets/routes.js';
import { personsSheet } from './sheets/persons.js';
import { positionsSheet } from './sheets/positions.js';
import { coBuildingUnitSheet, partyMemberSheet } from './party/sheets.js';
import path from 'node:path';
import { EventService } from './events/service.js';
import { eventRoutes } from './events/routes.js';
import { DeadlineKeeper } from './events/deadlines.js';
import { LongPendingSweeper } from './events/long-pending.js';
import { defaultEventsPolicy, type EventRouter } from './events/router.js';
import { dutiesRouter } from './events/duties-router.js';
import { eventChangeFanOut, type ChangeFanOut } from './events/changes.js';
import { WhistleService } from './whistles/service.js';
import { whistleRoutes } from './whistles/routes.js';
import { PatrolService } from './patrols/service.js';
import { patrolRoutes } from './patrols/routes.js';
import { CaseService } from './cases/service.js';
import { caseRoutes } from './cases/routes.js';
import { ProactiveService } from './cases/proactive.js';
import { HotlineService } from './hotline/service.js';
import { hotlineRoutes } from './hotline/routes.js';
import { ResidentService } from './residents/service.js';
import { residentRoutes } from './residents/routes.js';
import { HotlineExchange } from './hotline/exchange.js';

/** Everything a route or a command can call; built once per server (and once per test). */
export interface Services {
  config: Config;
  database: Database;
  clock: Clock;
  policy: Policy;
  grids: GridService;
  accounts: AccountService;
  people: PeopleService;
  duties: DutyService;
  catalogue: CatalogueService;
  /** Durable jobs and timers; the server starts its loop (start()), tests call runDue(). */
  jobs: JobRunner;
  /** The live stream's bus: publish() change messages after commit. */
  stream: ChangeStream;
  notifications: NotificationService;
  webhooks: WebhookService;
  forces: ForceService;
  party: PartyService;
  talent: TalentService;
  points: PointsService;
  sheets: SheetService;
  events: EventService;
  /** Where committed event changes are published from (await settled() before reading the stream in a test). */
  eventChanges: ChangeFanOut;
  /** 吹哨 whistles (E6). */
  whistles: WhistleService;
  patrols: PatrolService;
  cases: CaseService;
  proactive: ProactiveService;
  hotline: HotlineService;
  /** 群众提事 the public resident page: raise, follow, rate (no sign-in). */
  residents: ResidentService;
  /** 12345 hotline files: ticket import and status export. */
  hotlineExchange: HotlineExchange;
}

export interface BuildOptions {
  config: Config;
  database: Database;
  clock?: Clock;
  policy?: Policy;
  /** Routing of new events (E2); by default the responsibility lists of src/duties. */
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
  const duties = new DutyService({ database: options.database, clock, grids });
  const catalogue = new CatalogueService({ database: options.database, clock, grids });
  // the catalogue, deadline policies, calendar and default ladder exist on every install, not only in the demo
  await catalogue.seedDefaults();
  const jobs = new JobRunner({ database: options.database, clock });
  const stream = new ChangeStream({ database: options.database, clock });
  await stream.start();
  const notifications = new NotificationService({ database: options.database, clock, stream });
  const webhooks = new WebhookService({ database: options.database, clock, jobs });
  const forces = new ForceService({
    database: options.database,
    clock,
    grids,
    protector: lazyProtector(options.config),
  });
  const party = new PartyService({
    database: options.database,
    clock,
    grids,
    protector: lazyProtector(options.config),
  });
  const talent = new TalentService({ database: options.database, clock, grids });
  const points = new PointsService({ database: options.database, clock, grids });
  // each module registers its sheets here (party members and co-building units come from src/party/sheets.ts)
  const sheetRegistry = new SheetRegistry();
  sheetRegistry.register(personsSheet(people), positionsSheet(people), partyMemberSheet, coBuildingUnitSheet);
  const sheets = new SheetService({ database: options.database, clock, registry: sheetRegistry });
  // committed event changes go to the live stream and to webhooks, a burst at a time
  const eventChanges = eventChangeFanOut({ database: options.database, stream, webhooks });
  const events = new EventService({
    database: options.database,
    clock,
    grids,
    protector: lazyProtector(options.config),
    router: options.eventRouter ?? dutiesRouter(duties, clock),
    policy: defaultEventsPolicy,
    attachmentsDir: options.config.attachmentsDir ?? path.join(options.config.dataDir, 'attachments'),
    deadlines: new DeadlineKeeper({ clock, catalogue, jobs, notifications, stream }),
    stream,
    webhooks,
    onChange: (change) => eventChanges(change),
  });
  const whistles = new WhistleService({
    database: options.database,
    clock,
    events,
    duties,
    jobs,
    notifications,
    policy: policy.whistles,
  });
  // 长期未结 the long-pending sweep reschedules itself; the first is scheduled once per database
  await new LongPendingSweeper({ clock, policy, jobs, notifications, stream }).ensureScheduled(
    options.database.db,
  );
  const patrols = new PatrolService({ database: options.database, clock, events });
  const cases = new CaseService({ database: options.database, clock, events, jobs, policy });
  // 案例库 the case sweep reschedules itself too; the first is scheduled once per database
  await cases.ensureScheduled(options.database.db);
  const proactive = new ProactiveService({ database: options.database, clock, events });
  const hotline = new HotlineService({
    database: options.database,
    clock,
    events,
    secret: () => options.config.hotlineSecret,
  });
  const hotlineExchange = new HotlineExchange({
    database: options.database,
    clock,
    events,
    grids,
    hotline,
    protector: lazyProtector(options.config),
  });
  const residents = new ResidentService({
    database: options.database,
    clock,
    events,
    grids,
    protector: lazyProtector(options.config),
    limits: options.config.publicLimits,
    followSecret: options.config.followSecret,
  });
  return {
    config: options.config,
    database: options.database,
    clock,
    policy,
    grids,
    accounts,
    people,
    duties,
    catalogue,
    jobs,
    stream,
    notifications,
    webhooks,
    forces,
    party,
    talent,
    points,
    sheets,
    events,
    eventChanges,
    whistles,
    patrols,
    cases,
    proactive,
    hotline,
    residents,
    hotlineExchange,
  };
}

/** The HTTP application on top of the services. Closing the app stops the services (not the database). */
export async function buildApp(options: BuildOptions): Promise<{ app: App; services: Services }> {
  const services = await buildServices(options);
  const app = await createHttpServer({
    logLevel: options.config.logLevel,
    trustProxy: options.config.trustProxy,
  });
  installAuth(app, (token) => services.accounts.authenticate(token));
  await systemRoutes(app, services);
  await accountRoutes(app, services);
  await gridRoutes(app, services);
  await peopleRoutes(app, services);
  await dutyRoutes(app, services);
  await catalogueRoutes(app, services);
  await notificationRoutes(app, services);
  await forceRoutes(app, services);
  await partyRoutes(app, services);
  await talentRoutes(app, services);
  await pointsRoutes(app, services);
  await sheetRoutes(app, services);
  await eventRoutes(app, services);
  await whistleRoutes(app, services);
  await patrolRoutes(app, services);
  await caseRoutes(app, services);
  await hotlineRoutes(app, services);
  await residentRoutes(app, services);
  await webRoutes(app, {});
  // open live streams would keep the server from closing
  app.addHook('preClose', async () => {
    await services.stream.stop();
  });
  app.addHook('onClose', async () => {
    await services.eventChanges.settled();
    await services.grids.stop();
    await services.jobs.stop();
  });
  return { app, services };
}
