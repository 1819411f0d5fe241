import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { FieldProblem } from '../core/errors.js';

/**
 * Password hashing with Argon2id at the library's defaults (19 MiB, 2 passes, 1 thread: the OWASP baseline).
 * The parameters travel inside each PHC string, so raising them later does not invalidate stored hashes.
 */

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** False for a wrong password and for a hash that cannot be parsed: a damaged row must not let anyone in. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verify against a hash of a random secret, so that an unknown username costs the same Argon2 work as a wrong
 * password and the answer time does not tell which usernames exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hash(randomBytes(24).toString('base64url'));
  await verifyPassword(await dummyHash, password);
  return false;
}

/** The password rule (8–128 characters); the problem names the field so the form can show it. */
export function passwordProblems(password: string, field = '/body/password'): FieldProblem[] {
  // count code points, not UTF-16 units, so a Chinese or emoji password is measured as a person sees it
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return [
      {
        field,
        zh: `${field}：密码至少 ${PASSWORD_MIN_LENGTH} 个字符`,
        en: `${field}: the password must have at least ${PASSWORD_MIN_LENGTH} characters`,
      },
    ];
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return [
      {
        field,
        zh: `${field}：密码最多 ${PASSWORD_MAX_LENGTH} 个字符`,
        en: `${field}: the password must have at most ${PASSWORD_MAX_LENGTH} characters`,
      },
    ];
  }
  return [];
}
