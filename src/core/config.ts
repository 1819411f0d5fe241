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
  /**
   * Whether the server sits behind a reverse proxy whose X-Forwarded-For it may believe (GEZHI_TRUST_PROXY):
   * false (default), true, a number of hops, or a comma-separated list of proxy addresses. The per-IP limits of the
   * public resident page count by the address this yields.
   */
  trustProxy: boolean | number | string;
  /**
   * Secret of the follow codes of the resident page (GEZHI_FOLLOW_SECRET). When absent, one is generated once and
   * kept in the settings table, so that every server on one database derives the same codes.
   */
  followSecret: string | undefined;
  /** Anti-abuse limits of the public resident page (src/residents). */
  publicLimits: PublicLimits;
}

/** Limits of the public (sign-in free) resident page; each has an environment variable, README lists them. */
export interface PublicLimits {
  /** Matters one IP address may raise per hour (GEZHI_PUBLIC_RAISE_PER_HOUR, default 5). */
  raisePerHour: number;
  /** Look-ups of a matter by number and code per IP in 10 minutes (GEZHI_PUBLIC_FOLLOW_PER_10MIN, default 30). */
  followPer10Minutes: number;
  /** Ratings per IP per hour (GEZHI_PUBLIC_RATE_PER_HOUR, default 10). */
  ratePerHour: number;
  /** Photo uploads per IP per hour (GEZHI_PUBLIC_UPLOAD_PER_HOUR, default 15). */
  uploadPerHour: number;
  /** Matters one phone number may raise per day (GEZHI_PUBLIC_PHONE_PER_DAY, default 3). */
  phonePerDay: number;
  /** The same description from the same IP within this many minutes is refused (GEZHI_PUBLIC_REPEAT_MINUTES, 10). */
  repeatMinutes: number;
  /** Largest photo a resident may upload, bytes (GEZHI_PUBLIC_PHOTO_BYTES, default 5 MB). */
  photoBytes: number;
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

function trustProxy(raw: string | undefined): boolean | number | string {
  const text = (raw ?? '').trim();
  if (text === '' || ['0', 'false', 'no', 'off'].includes(text.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(text.toLowerCase())) return true;
  if (/^[0-9]+$/.test(text)) return Number(text);
  return text;
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
    trustProxy: trustProxy(env.GEZHI_TRUST_PROXY),
    followSecret: env.GEZHI_FOLLOW_SECRET || undefined,
    publicLimits: {
      raisePerHour: integer('GEZHI_PUBLIC_RAISE_PER_HOUR', env.GEZHI_PUBLIC_RAISE_PER_HOUR, 5, 1, 100_000),
      followPer10Minutes: integer(
        'GEZHI_PUBLIC_FOLLOW_PER_10MIN',
        env.GEZHI_PUBLIC_FOLLOW_PER_10MIN,
        30,
        1,
        100_000,
      ),
      ratePerHour: integer('GEZHI_PUBLIC_RATE_PER_HOUR', env.GEZHI_PUBLIC_RATE_PER_HOUR, 10, 1, 100_000),
      uploadPerHour: integer(
        'GEZHI_PUBLIC_UPLOAD_PER_HOUR',
        env.GEZHI_PUBLIC_UPLOAD_PER_HOUR,
        15,
        1,
        100_000,
      ),
      phonePerDay: integer('GEZHI_PUBLIC_PHONE_PER_DAY', env.GEZHI_PUBLIC_PHONE_PER_DAY, 3, 1, 10_000),
      repeatMinutes: integer('GEZHI_PUBLIC_REPEAT_MINUTES', env.GEZHI_PUBLIC_REPEAT_MINUTES, 10, 0, 10_000),
      photoBytes: integer(
        'GEZHI_PUBLIC_PHOTO_BYTES',
        env.GEZHI_PUBLIC_PHOTO_BYTES,
        5 * 1024 * 1024,
        1024,
        50 * 1024 * 1024,
      ),
    },
  };
}
