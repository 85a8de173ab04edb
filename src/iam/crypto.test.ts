import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, generatePassword, hashPassword, randomAlnum, safeEqual, verifyPassword } from './crypto.js';

describe('SecretBox', () => {
  it('round-trips and refuses tampered or foreign ciphertext', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('s3cret-é');
    expect(sealed).not.toContain('s3cret');
    expect(box.open(sealed)).toBe('s3cret-é');
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3] as string, 'base64url');
    ct[0] = (ct[0] as number) ^ 1;
    parts[3] = ct.toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
    expect(() => box.open('garbage')).toThrow(/unknown format/);
  });
});

describe('passwords', () => {
  it('hashes with scrypt and verifies only the right password', async () => {
    const h = await hashPassword('Correct-horse-9');
    expect(h.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('Correct-horse-9', h)).toBe(true);
    expect(await verifyPassword('correct-horse-9', h)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('generates passwords with all four classes', () => {
    for (let i = 0; i < 50; i++) {
      const p = generatePassword();
      expect(p).toHaveLength(20);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).toMatch(/[^A-Za-z0-9]/);
    }
  });
});

describe('helpers', () => {
  it('randomAlnum and safeEqual', () => {
    expect(randomAlnum(30)).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
