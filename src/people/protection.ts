/**
 * Personal data at rest (D1, PIPL): ID numbers and phones are stored encrypted with AES-256-GCM (a random
 * 96-bit IV per value, so equal values give different ciphertexts), and beside each a keyed hash
 * (HMAC-SHA256) for exact look-up. Without the key neither reveals the value: an unkeyed hash of an ID
 * number could be reversed by trying all ~10^11 valid numbers of a district.
 *
 * Encryption and look-up use separate keys derived from the one master key (HKDF-SHA256), so the look-up
 * hashes cannot be turned into anything that decrypts.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.js';
import { AppError } from '../core/errors.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The kinds of value we protect; the kind enters the look-up hash so equal strings of two kinds differ. */
export type ProtectedKind = 'id_number' | 'phone';

/** Decode GEZHI_DATA_KEY: 64 hex digits or base64 of 32 bytes. */
export function parseDataKey(raw: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new Error('GEZHI_DATA_KEY must be 32 bytes, given as 64 hex digits or in base64');
  }
  return key;
}

/**
 * The key file DATA_DIR/data.key, created once with mode 0600 when there is none. `wx` makes creation
 * exclusive, so two starters never write two different keys.
 */
export function keyFromFile(dataDir: string): Buffer {
  const file = path.join(dataDir, 'data.key');
  try {
    return parseDataKey(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return parseDataKey(fs.readFileSync(file, 'utf8'));
}

function keyMismatch(): AppError {
  return new AppError(
    500,
    'data_key_mismatch',
    '个人信息无法解密：数据密钥与加密时的密钥不一致（GEZHI_DATA_KEY 或 data.key）',
    'Personal data cannot be decrypted: the data key differs from the one it was encrypted with (GEZHI_DATA_KEY or data.key)',
  );
}

export class DataProtector {
  private readonly encryptionKey: Buffer;
  private readonly lookupKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the data key must be 32 bytes');
    this.encryptionKey = Buffer.from(
      hkdfSync('sha256', masterKey, '', 'gezhi personal data encryption v1', 32),
    );
    this.lookupKey = Buffer.from(hkdfSync('sha256', masterKey, '', 'gezhi personal data lookup v1', 32));
  }

  /** "v1.<base64 iv|tag|ciphertext>" */
  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  decrypt(stored: string): string {
    const [version, payload] = stored.split('.', 2);
    if (version !== VERSION || !payload) throw keyMismatch();
    const bytes = Buffer.from(payload, 'base64');
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      // GCM's tag check fails for a wrong key and for a tampered value alike
      throw keyMismatch();
    }
  }

  /** Keyed hash for exact look-up; the value is normalised first (upper-case X of ID numbers, no spaces). */
  lookupHash(kind: ProtectedKind, value: string): string {
    return createHmac('sha256', this.lookupKey)
      .update(`${kind}:${normalise(value)}`)
      .digest('hex');
  }
}

export function normalise(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/**
 * The protector of a configuration, created on first use: the key file is only read or written when personal
 * data is actually touched (a CLI command on grids never creates it).
 */
export function lazyProtector(config: Pick<Config, 'dataKey' | 'dataDir'>): () => DataProtector {
  let protector: DataProtector | undefined;
  return () => {
    protector ??= new DataProtector(
      config.dataKey ? parseDataKey(config.dataKey) : keyFromFile(config.dataDir),
    );
    return protector;
  };
}
