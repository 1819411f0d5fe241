import path from 'node:path';

/** The one typed reading of the environment. Everything else receives a Config. */
export interface Config {
  port: number;
  host: string;
  /** Folder for the embedded database and uploaded files (PGlite data lives in DATA_DIR/pglite). */
  dataDir: string;
  /** When set, PostgreSQL is used instead of the embedded PGlite. */
  databaseUrl: string | undefined;
  /** Password of every demo account; README states the default. */
  demoPassword: string;
  /** Create the demo street on first start (GEZHI_DEMO=0 turns it off). */
  demo: boolean;
  logLevel: string;
  /** Token lifetime in seconds (GEZHI_TOKEN_TTL). */
  tokenTtlSeconds: number;
  /**
   * Key of the personal-data encryption (GEZHI_DATA_KEY: 32 bytes, base64 or hex). When absent, a key is
   * generated once into DATA_DIR/data.key (mode 0600). Several servers on one PostgreSQL must share the key,
   * so set it there; losing it makes the stored ID numbers and phones unreadable.
   */
  dataKey: string | undefined;
  /** Milliseconds between two sweeps of the job runner (GEZHI_JOB_INTERVAL_MS). */
  jobIntervalMs: number;
  /** Milliseconds between two heartbeats of the live stream (GEZHI_STREAM_HEARTBEAT_MS). */
  streamHeartbeatMs: number;
  /** Folder of event attachments (GEZHI_ATTACHMENTS_DIR); when absent, DATA_DIR/attachments. */
  attachmentsDir?: string;
  /** Shared secret of the 12345 hotline webhook (GEZHI_HOTLINE_SECRET); unset refuses every delivery. */
  hotlineSecret?: string;
}

export const DEFAULT_DEMO_PASSWORD = 'gezhi-demo-2026';

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const demoPassword = env.GEZHI_DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
  return {
    port: integer('PORT', env.PORT, 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    demoPassword,
    demo: !['0', 'false', 'no', 'off'].includes((env.GEZHI_DEMO ?? '').toLowerCase()),
    logLevel: env.LOG_LEVEL || 'info',
    tokenTtlSeconds: integer('GEZHI_TOKEN_TTL', env.GEZHI_TOKEN_TTL, 12 * 3600, 60, 30 * 24 * 3600),
    dataKey: env.GEZHI_DATA_KEY || undefined,
    jobIntervalMs: integer('GEZHI_JOB_INTERVAL_MS', env.GEZHI_JOB_INTERVAL_MS, 1000, 50, 3_600_000),
    streamHeartbeatMs: integer(
      'GEZHI_STREAM_HEARTBEAT_MS',
      env.GEZHI_STREAM_HEARTBEAT_MS,
      25_000,
      50,
      3_600_000,
    ),
    attachmentsDir: env.GEZHI_ATTACHMENTS_DIR ? path.resolve(env.GEZHI_ATTACHMENTS_DIR) : undefined,
    hotlineSecret: env.GEZHI_HOTLINE_SECRET || undefined,
  };
}
