import { describe, expect, it } from 'vitest';
import { characterClasses, checkPassword } from './password-rules.js';

const dict = new Set(['p@ssw0rd', '5201314', 'qwerty123']);

describe('checkPassword (seed rule)', () => {
  it('accepts a long password with 3 classes, not a name, not in the dictionary', () => {
    expect(checkPassword('Tr1cky-Otter', { user: 'alice', dictionary: dict })).toEqual({ strong: true, failed: [] });
    expect(checkPassword('tricky-otter9', { user: 'alice', dictionary: dict }).strong).toBe(true);
  });

  it('names each broken rule', () => {
    expect(checkPassword('Ab1!', {}).failed).toEqual(['min_length']);
    expect(checkPassword('abcdefghij', {}).failed).toEqual(['char_classes']);
    expect(checkPassword('5201314', { dictionary: dict }).failed).toEqual(['min_length', 'char_classes', 'not_in_dictionary']);
    expect(checkPassword('P@ssw0rd', { dictionary: dict }).failed).toEqual(['not_in_dictionary']);
  });

  it('rejects the user name and its reverse, case-insensitively', () => {
    expect(checkPassword('Adm1n.Istrator', { user: 'adm1n.istrator' }).failed).toEqual(['not_username']);
    expect(checkPassword('Rotartsi.N1mda', { user: 'adm1n.istrator' }).failed).toEqual(['not_reversed_username']);
  });

  it('counts character classes', () => {
    expect(characterClasses('aB3!')).toBe(4);
    expect(characterClasses('ab')).toBe(1);
    expect(characterClasses('ab cd')).toBe(2);
  });
});
