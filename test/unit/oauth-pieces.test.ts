import { describe, it, expect } from 'vitest';
import { encodeSid, decodeSid } from '../../src-main/idp/oauth/sid';
import { deliver, plainAuthzError, withQueryParams } from '../../src-main/idp/oauth/response-mode';
import { parseLoginHint } from '../../src-main/idp/oauth/authorize/login-hint';
import { suppressIdpSession } from '../../src-main/idp/oauth/authorize/request';
import { createClock } from '../../src-main/idp/clock';
import { EphemeralMap } from '../../src-main/idp/ephemeral';
import { createRandom } from '../../src-main/idp/random';
import { checkPasswordPolicy } from '../../src-main/idp/user/password-policy';

describe('sid', () => {
  it('is unpadded base64url of kind:id and round-trips', () => {
    const sid = encodeSid('offline_grant', 'abc');
    expect(sid).toBe(Buffer.from('offline_grant:abc').toString('base64url'));
    expect(sid).not.toContain('=');
    expect(decodeSid(sid)).toEqual({ kind: 'offline_grant', id: 'abc' });
  });
  it('reads unknown kinds and bad encodings as absent', () => {
    expect(decodeSid(Buffer.from('user:1').toString('base64url'))).toBeUndefined();
    expect(decodeSid('!!')).toBeUndefined();
    expect(decodeSid(42)).toBeUndefined();
  });
});

describe('authorization response delivery', () => {
  it('query mode appends parameters with keys sorted, 303 plus an HTML redirect', () => {
    const r = deliver('https://app.example/cb?z=1', undefined, { state: 's', code: 'c' });
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('https://app.example/cb?code=c&state=s&z=1');
    expect(String(r.body)).toContain('<meta http-equiv="refresh" content="0;url=https://app.example/cb?code=c&amp;state=s&amp;z=1" />');
  });
  it('keeps custom schemes', () => {
    expect(withQueryParams('com.example.app://host/path', { code: 'x' })).toBe('com.example.app://host/path?code=x');
  });
  it('custom-UI clients get HTTP 200 without Location', () => {
    const r = deliver('https://app.example/cb', 'query', { code: 'c' }, true);
    expect(r.status).toBe(200);
    expect(r.headers.location).toBeUndefined();
  });
  it('escapes values in form_post', () => {
    const r = deliver('https://app.example/cb', 'form_post', { state: '"><script>' });
    expect(String(r.body)).toContain('value="&quot;&gt;&lt;script&gt;"');
  });
  it('formats the plain-text authorization error with sorted keys', () => {
    expect(plainAuthzError({ error_description: 'd', error: 'e' }).body).toBe('Invalid OAuth authorization request:\nerror: e\nerror_description: d\n');
  });
});

describe('request helpers', () => {
  it('x_sso_enabled wins over the legacy x_suppress_idp_session_cookie', () => {
    expect(suppressIdpSession({})).toBe(false);
    expect(suppressIdpSession({ x_sso_enabled: 'false', x_suppress_idp_session_cookie: 'false' })).toBe(true);
    expect(suppressIdpSession({ x_sso_enabled: 'true', x_suppress_idp_session_cookie: 'true' })).toBe(false);
    expect(suppressIdpSession({ x_suppress_idp_session_cookie: 'true' })).toBe(true);
  });
  it('parses Authgear login hints and rejects anything else', () => {
    expect(parseLoginHint('https://authgear.com/login_hint?type=login_id&email=a%40b.c').email).toBe('a@b.c');
    expect(() => parseLoginHint('a@b.c')).toThrow(/invalid login_hint: a@b.c/);
    expect(() => parseLoginHint('https://authgear.com/login_hint?type=user_id')).toThrow(/invalid login_hint type: user_id/);
  });
  it('password policy reports each failed rule', () => {
    const policy = { min_length: 8, uppercase_required: true, lowercase_required: false, alphabet_required: false, digit_required: true, symbol_required: false, minimum_guessable_level: 0, excluded_keywords: ['acme'], history_size: 0, history_days: 0 };
    expect(checkPasswordPolicy(policy, 'acme').map((v) => v.Name)).toEqual(['PasswordTooShort', 'PasswordUppercaseRequired', 'PasswordDigitRequired', 'PasswordContainingExcludedKeywords']);
    expect(checkPasswordPolicy(policy, 'Longer1password')).toEqual([]);
  });
});

describe('clock and ephemeral state', () => {
  it('entries expire on the injected clock, not on real time', () => {
    let now = 1_000_000;
    const clock = createClock(() => now);
    const m = new EphemeralMap<string>(clock);
    m.set('k', 'v', 300);
    clock.advance(299_999);
    expect(m.get('k')).toBe('v');
    clock.advance(1);
    expect(m.get('k')).toBeUndefined();
    now += 0;
    clock.reset();
    expect(clock.offsetMs()).toBe(0);
  });
  it('holds at most maxEntries, dropping expired entries first, then the oldest', () => {
    const clock = createClock(() => 0);
    const m = new EphemeralMap<number>(clock, 3);
    m.set('old', 1, 10);
    m.set('a', 2, 100);
    m.set('b', 3, 100);
    clock.advance(20_000);
    m.set('c', 4, 100); // 'old' has expired: it goes, the rest stay
    expect([m.get('a'), m.get('b'), m.get('c')]).toEqual([2, 3, 4]);
    m.set('d', 5, 100); // full of live entries: the oldest goes
    expect(m.get('a')).toBeUndefined();
    expect(m.size).toBe(3);
  });

  it('opaque tokens are 32 characters of [a-zA-Z0-9]', () => {
    const r = createRandom();
    for (let i = 0; i < 50; i++) expect(r.token()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(r.base32()).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{32}$/);
  });
});
