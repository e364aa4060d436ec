import { describe, it, expect } from 'vitest';
import { normalizePhone, isValidPhone, normalizeLoginId, isValidLoginId } from '../../src-main/idp/user/login-id';
import { maskClaim, maskPhone } from '../../src-main/idp/authflow/masking';

describe('phone login IDs', () => {
  it('normalises what a person types to E.164, and keeps what does not parse', () => {
    expect(normalizePhone(' +852 9876-5432 ')).toBe('+85298765432');
    expect(normalizePhone('+14155552671')).toBe('+14155552671');
    expect(normalizePhone('98765432')).toBe('98765432');
    expect(normalizePhone('+852123')).toBe('+852123');
  });

  it('accepts only valid numbers written exactly in E.164 at sign-up', () => {
    expect(isValidPhone('+85298765432')).toBe(true);
    expect(isValidPhone('+447911123456')).toBe(true);
    for (const bad of ['+852 9876 5432', '85298765432', '+852123', '+85212345678a', '', '+']) expect(isValidPhone(bad)).toBe(false);
  });

  it('dispatches by login ID type', () => {
    expect(normalizeLoginId('email', ' Ann@Example.COM ')).toBe('ann@example.com');
    expect(normalizeLoginId('username', 'Ann_1')).toBe('ann_1');
    expect(isValidLoginId('email', 'not-an-email')).toBe(false);
    expect(isValidLoginId('phone', '+85298765432')).toBe(true);
    expect(isValidLoginId('email', 'x\ud83d@example.com')).toBe(false);
    expect(isValidLoginId('email', '😀@example.com')).toBe(true);
  });
});

describe('masking (spec authflow.md 6.3)', () => {
  it('keeps the calling code and half the national number of a phone', () => {
    expect(maskPhone('+85298765432')).toBe('+8529876****');
    expect(maskPhone('+14155552671')).toBe('+141555*****');
  });

  it('masks e-mail addresses and phones, and shows usernames as they are', () => {
    expect(maskClaim('johndoe@example.com')).toBe('joh****@example.com');
    expect(maskClaim('+85298765432')).toBe('+8529876****');
    expect(maskClaim('ann')).toBe('ann');
    // Code points, not UTF-16 units: never half an emoji.
    expect(maskClaim('😀@example.com')).toBe('*@example.com');
    expect(maskClaim('😀😀ab@example.com')).toBe('😀😀**@example.com');
  });
});
