import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblems, verifyAgainstDummy, verifyPassword } from './password.js';

describe('the password rule', () => {
  it.each([
    ['', false],
    ['1234567', false],
    ['12345678', true],
    ['网格治理密码八个字', true], // 9 Chinese characters: counted as characters, not bytes
    ['网格治理密码七', false],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
  ])('%j is accepted: %s', (password, accepted) => {
    expect(passwordProblems(password).length === 0).toBe(accepted);
  });

  it('names the field in both languages', () => {
    expect(passwordProblems('short')).toEqual([
      expect.objectContaining({
        field: '/body/password',
        zh: expect.stringContaining('至少 8'),
        en: expect.stringContaining('8'),
      }),
    ]);
  });
});

describe('password hashing', () => {
  it('verifies the right password only, and never stores it in clear', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(stored).not.toContain('correct horse battery');
    expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse batterY')).toBe(false);
  });

  it('treats a damaged hash as a wrong password instead of failing', async () => {
    expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
  });

  it('answers false for the dummy check whatever the password', async () => {
    expect(await verifyAgainstDummy('anything at all')).toBe(false);
  });
});
