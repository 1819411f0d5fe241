/**
 * Entry point of `npm start`: open (and migrate) the configured database, build the server, create the demo
 * street on first start, listen, and print where to go.
 */
import { buildApp } from './app.js';
import { loadConfig } from './core/config.js';
import { openConfiguredDatabase } from './core/bootstrap.js';
import { seedDemo } from './demo/seed.js';

const started = Date.now();
const config = loadConfig();
const database = await openConfiguredDatabase(config);
const { app, services } = await buildApp({ config, database });

let demoAccounts: { username: string; displayName: string; roles: string[] }[] = [];
if (config.demo) {
  const result = await seedDemo(services, {
    password: config.demoPassword,
    onProgress: (stage) => app.log.info({ stage }, '演示数据 demo data'),
  });
  demoAccounts = result.accounts;
}

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  await app.close();
  await database.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

await app.listen({ port: config.port, host: config.host });
// jobs that fell due while no server was running run now, then every GEZHI_JOB_INTERVAL_MS
services.jobs.start(config.jobIntervalMs, (error) => app.log.error({ err: error }, 'job runner'));
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.port;
const url = `http://localhost:${port}`;
const lines = [
  '',
  `  格治 gezhi 已启动 is running — ${url}  (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  `  数据库 database: ${database.engine === 'pglite' ? `PGlite (${config.dataDir})` : 'PostgreSQL'}`,
  `  接口文档 API docs: ${url}/api/docs   OpenAPI: ${url}/api/openapi.json`,
];
if (demoAccounts.length > 0) {
  lines.push(
    `  演示账号 demo accounts (密码 password: ${config.demoPassword === process.env.GEZHI_DEMO_PASSWORD ? '$GEZHI_DEMO_PASSWORD' : config.demoPassword}):`,
  );
  for (const account of demoAccounts) {
    lines.push(`    ${account.username.padEnd(12)} ${account.displayName}  [${account.roles.join(', ')}]`);
  }
}
process.stdout.write(`${lines.join('\n')}\n\n`);
