/**
 * 查询码 follow codes of the resident page. A resident follows a matter by its number and a short code; the code is
 * not stored anywhere: it is an HMAC of the event id under a server secret, so only the server can make one, and
 * the number alone (which is printed on notices and guessable) reveals nothing.
 *
 * Eight symbols of Crockford's base32 (no I, L, O, U) carry 40 bits; with the per-IP limit on look-ups a guesser
 * needs on the order of 10^10 tries per matter. Typing is forgiving: case, spaces and hyphens are ignored and the
 * look-alikes O, I and L read as 0, 1 and 1.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf, type Executor } from '../core/db.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const FOLLOW_CODE_LENGTH = 8;
const SETTINGS_KEY = 'residents.follow_secret';

/** The follow code of an event: 8 symbols of base32 from the HMAC-SHA256 of its id. */
export function followCode(secret: Buffer, eventId: number): string {
  const mac = createHmac('sha256', secret).update(`gezhi follow code v1:${eventId}`).digest();
  // the first 40 bits, 5 at a time
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(mac[i]!);
  let out = '';
  for (let i = FOLLOW_CODE_LENGTH - 1; i >= 0; i--) out += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return out;
}

/** What a resident typed, in the code's own spelling (or '' when it cannot be one). */
export function normaliseFollowCode(typed: string): string {
  const text = typed
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return text.length === FOLLOW_CODE_LENGTH && [...text].every((c) => ALPHABET.includes(c)) ? text : '';
}

/** Does the typed code belong to this event? Compared in constant time. */
export function followCodeMatches(secret: Buffer, eventId: number, typed: string): boolean {
  const expected = Buffer.from(followCode(secret, eventId));
  const given = Buffer.from(normaliseFollowCode(typed).padEnd(FOLLOW_CODE_LENGTH, '#'));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The secret: GEZHI_FOLLOW_SECRET when set, else one generated on first use and kept in the settings table, so
 * that every server on the database derives the same codes and a restart keeps them valid.
 */
export async function loadFollowSecret(db: Executor, configured: string | undefined): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  const fresh = randomBytes(32).toString('base64');
  await db.execute(sql`
    insert into settings (key, value, updated_at) values (${SETTINGS_KEY}, ${JSON.stringify(fresh)}::jsonb, now())
    on conflict (key) do nothing`);
  const [row] = rowsOf<{ value: unknown }>(
    await db.execute(sql`select value from settings where key = ${SETTINGS_KEY}`),
  );
  return Buffer.from(String(row!.value), 'base64');
}
