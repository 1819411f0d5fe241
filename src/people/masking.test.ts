import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Role } from '../accounts/roles.js';
import { checkCharacter, inspectIdNumber, isMobile, makeIdNumber } from './identity.js';
import {
  maskAddress,
  maskIdNumber,
  maskName,
  maskPhone,
  visibility,
  type PersonField,
  type Visibility,
} from './masking.js';
import { DataProtector, keyFromFile, parseDataKey } from './protection.js';

describe('what each role sees of a person (masking rules)', () => {
  // role, field, unmask requested, expected
  const table: [Role[], PersonField, boolean, Visibility][] = [
    [['grid_worker'], 'name', false, 'full'],
    [['grid_worker'], 'idNumber', false, 'masked'],
    [['grid_worker'], 'idNumber', true, 'masked'],
    [['grid_worker'], 'phone', true, 'masked'],
    [['grid_worker'], 'specialGroups', false, 'full'],
    [['grid_leader'], 'idNumber', false, 'masked'],
    [['grid_leader'], 'idNumber', true, 'full'],
    [['grid_leader'], 'phone', true, 'full'],
    [['grid_leader'], 'specialGroups', false, 'full'],
    [['admin'], 'idNumber', true, 'full'],
    [['admin'], 'name', false, 'full'],
    [['command_centre'], 'specialGroups', false, 'full'],
    [['command_centre'], 'idNumber', true, 'masked'],
    [['area_leader'], 'name', false, 'full'],
    [['area_leader'], 'specialGroups', false, 'hidden'],
    [['district'], 'name', false, 'masked'],
    [['district'], 'address', false, 'masked'],
    [['district'], 'birthDate', false, 'masked'],
    [['district'], 'specialGroups', false, 'hidden'],
    [['department'], 'name', false, 'masked'],
    [['department'], 'specialGroups', false, 'hidden'],
    [['department'], 'phone', true, 'masked'],
    [['resident'], 'name', false, 'hidden'],
    [['resident'], 'idNumber', true, 'hidden'],
    [[], 'name', false, 'hidden'],
    // the most open role wins
    [['department', 'grid_worker'], 'name', false, 'full'],
    [['district', 'grid_leader'], 'phone', true, 'full'],
  ];
  it.each(table)('%j sees %s (unmask=%s) as %s', (roles, field, unmask, expected) => {
    expect(visibility(roles, field, unmask)).toBe(expected);
  });

  it.each([
    ['110101199003071234', '110101********1234'],
    ['31011319800101001X', '310113********001X'],
    ['123', '***'],
  ])('masks the ID number %s as %s', (value, masked) => {
    expect(maskIdNumber(value)).toBe(masked);
  });

  it.each([
    ['13812345678', '138****5678'],
    ['12', '**'],
  ])('masks the phone %s as %s', (value, masked) => {
    expect(maskPhone(value)).toBe(masked);
  });

  it.each([
    ['张三', '张*'],
    ['张三丰', '张**'],
    ['欧阳娜娜', '欧***'],
    ['王', '王'],
  ])('masks the name %s as %s', (value, masked) => {
    expect(maskName(value)).toBe(masked);
  });

  it('masks an address down to its road', () => {
    expect(maskAddress('上海市宝山区友谊路100弄5号')).toBe('上海市宝山区友谊路***');
    expect(maskAddress('5号楼')).toBe('***');
  });
});

describe('ID numbers (GB 11643) and mobile numbers', () => {
  it('computes the check character of the standard example', () => {
    // GB 11643-1999's own example
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(inspectIdNumber('11010519491231002X')).toEqual({
      ok: true,
      facts: { birthDate: '1949-12-31', gender: 'female' },
    });
    expect(inspectIdNumber('11010519491231002x').ok).toBe(true);
  });

  it.each([
    ['110105194912310021', 'check_digit'],
    ['11010519491231002', 'format'],
    ['1101051949123100AX', 'format'],
    ['110105194902300023', 'birth_date'],
  ])('refuses %s (%s)', (value, problem) => {
    expect(inspectIdNumber(value)).toEqual({ ok: false, problem });
  });

  it('makes valid numbers for the demo and the tests', () => {
    const value = makeIdNumber('310113', '1956-03-07', 37);
    expect(value.slice(0, 17)).toBe('31011319560307037');
    expect(inspectIdNumber(value)).toEqual({ ok: true, facts: { birthDate: '1956-03-07', gender: 'male' } });
  });

  it.each([
    ['13812345678', true],
    ['19912345678', true],
    ['12812345678', false],
    ['1381234567', false],
    ['138123456789', false],
  ])('mobile %s is valid: %s', (value, valid) => {
    expect(isMobile(value)).toBe(valid);
  });
});

describe('encryption at rest', () => {
  const key = Buffer.alloc(32, 7);

  it('encrypts with a fresh IV each time and decrypts back', () => {
    const protector = new DataProtector(key);
    const a = protector.encrypt('11010519491231002X');
    const b = protector.encrypt('11010519491231002X');
    expect(a).not.toBe(b);
    expect(a).not.toContain('11010519491231002X');
    expect(protector.decrypt(a)).toBe('11010519491231002X');
  });

  it('gives the same keyed hash for the same value and kind only', () => {
    const protector = new DataProtector(key);
    expect(protector.lookupHash('id_number', '11010519491231002x')).toBe(
      protector.lookupHash('id_number', '11010519491231002X'),
    );
    expect(protector.lookupHash('phone', '13812345678')).not.toBe(
      protector.lookupHash('id_number', '13812345678'),
    );
    expect(new DataProtector(Buffer.alloc(32, 8)).lookupHash('phone', '13812345678')).not.toBe(
      protector.lookupHash('phone', '13812345678'),
    );
  });

  it('refuses to decrypt with another key, with a problem that names the key', () => {
    const cipher = new DataProtector(key).encrypt('13812345678');
    expect(() => new DataProtector(Buffer.alloc(32, 9)).decrypt(cipher)).toThrow(/data key/);
  });

  it('reads GEZHI_DATA_KEY as hex or base64 of 32 bytes', () => {
    expect(parseDataKey('07'.repeat(32))).toEqual(key);
    expect(parseDataKey(key.toString('base64'))).toEqual(key);
    expect(() => parseDataKey('too short')).toThrow(/32 bytes/);
  });

  it('creates DATA_DIR/data.key once, readable by the owner only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gezhi-key-'));
    try {
      const first = keyFromFile(dir);
      expect(keyFromFile(dir)).toEqual(first);
      expect(fs.statSync(path.join(dir, 'data.key')).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
