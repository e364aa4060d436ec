import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as oidc from 'openid-client';
import { startTestIdp, addClient, makePasswordless, tempDir, type TestIdp } from '../helpers/idp';
import { FlowClient } from '../helpers/authflow';
import { Agent, submit } from '../helpers/agent';
import { pkcePair } from '../helpers/pkce';
import WebSocket from 'ws';
import { totpCode } from '../../src-main/idp/crypto/totp';

const PASSWORD = 'password-1234';

describe('Authentication Flow API: email + password project', () => {
  let idp: TestIdp;
  const client = () => new FlowClient(idp.issuer, idp.consoleToken);

  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) =>
        addClient(doc, { client_id: 'custom-ui', name: 'Custom UI', x_application_type: 'spa', redirect_uris: ['http://localhost:4000/cb'], x_custom_ui_uri: 'http://localhost:4000/auth', issue_jwt_access_token: true }),
    });
  });
  afterAll(() => idp.dispose());

  async function signUp(c: FlowClient, email: string) {
    let r = await c.create('signup');
    expect(r.body.result.action).toEqual({ type: 'identify', data: { type: 'identification_data', options: [{ identification: 'email' }] } });
    r = await c.input(r.body.result.state_token, { identification: 'email', login_id: email });
    expect(r.body.result.action.type).toBe('verify');
    const code = await c.latestCode(email.toLowerCase());
    r = await c.input(r.body.result.state_token, { code });
    expect(r.body.result.action.type).toBe('create_authenticator');
    r = await c.input(r.body.result.state_token, { authentication: 'primary_password', new_password: PASSWORD });
    return r;
  }

  it('signs up: identify → verify (code from the outbox) → create password → finished, with a session cookie', async () => {
    const c = client();
    let r = await c.create('signup');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body.result.state_token).toMatch(/^authflowstate_[0-9A-Z]{32}$/);
    expect(r.body.result.type).toBe('signup');
    expect(r.body.result.name).toBe('default');
    r = await c.input(r.body.result.state_token, { identification: 'email', login_id: 'Ann@Example.com' });
    expect(r.body.result.action).toMatchObject({
      type: 'verify',
      data: { type: 'verify_oob_otp_data', channel: 'email', otp_form: 'code', masked_claim_value: 'a**@example.com', code_length: 6, can_check: false, failed_attempt_rate_limit_exceeded: false, delivery_status: 'sent' },
    });
    const [message] = await c.outbox('ann@example.com');
    expect(message).toMatchObject({ channel: 'email', message_type: 'verification', otp_form: 'code' });
    expect(message.code).toMatch(/^\d{6}$/);
    const wrong = await c.input(r.body.result.state_token, { code: '000000' === message.code ? '111111' : '000000' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatchObject({ name: 'Forbidden', reason: 'InvalidVerificationCode', code: 403, info: { cause: { kind: 'InvalidVerificationCode' }, FlowType: 'signup' } });
    expect(wrong.body.result).toEqual(r.body.result); // the unchanged state, same token
    r = await c.input(r.body.result.state_token, { code: ` ${message.code} ` });
    expect(r.body.result.action).toEqual({
      type: 'create_authenticator',
      data: { type: 'create_authenticator_data', options: [{ authentication: 'primary_password', password_policy: { minimum_length: 8, history: { enabled: false } } }] },
    });
    const weak = await c.input(r.body.result.state_token, { authentication: 'primary_password', new_password: 'short' });
    expect(weak.body.error).toMatchObject({ reason: 'PasswordPolicyViolated', info: { causes: [{ Name: 'PasswordTooShort', Info: { min_length: 8, pw_length: 5 } }] } });
    r = await c.input(r.body.result.state_token, { authentication: 'primary_password', new_password: PASSWORD });
    expect(r.body.result.action).toEqual({ type: 'finished', data: {} });
    expect(c.cookies.get('session')).toMatch(/\./);
    // The verified address makes the user verified.
    const info = await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie: `session=${c.cookies.get('session')}` } });
    expect((await info.json())['https://authgear.com/claims/user/is_verified']).toBe(true);
  });

  it('refuses a duplicate sign-up with InvariantViolated / DuplicatedIdentity', async () => {
    await signUp(client(), 'dup@example.com');
    const c = client();
    const r = await c.create('signup', { batch_input: [{ identification: 'email', login_id: 'DUP@example.com' }] });
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({
      name: 'Invalid',
      reason: 'InvariantViolated',
      message: 'identity already exists',
      code: 400,
      info: { FlowType: 'signup', IdentityTypeExisting: 'login_id', IdentityTypeIncoming: 'login_id', LoginIDTypeExisting: 'email', LoginIDTypeIncoming: 'email', cause: { kind: 'DuplicatedIdentity' } },
    });
    expect(r.body.result.action.type).toBe('identify');
  });

  it('logs in with batch_input in one request; wrong password and unknown users answer as upstream', async () => {
    await signUp(client(), 'login@example.com');
    const c = client();
    const ok = await c.create('login', { batch_input: [{ identification: 'email', login_id: 'login@example.com' }, { authentication: 'primary_password', password: PASSWORD }] });
    expect(ok.body.result.action).toEqual({ type: 'finished', data: {} });

    const start = await c.create('login');
    const step = await c.input(start.body.result.state_token, { identification: 'email', login_id: 'login@example.com' });
    expect(step.body.result.action).toEqual({ type: 'authenticate', data: { type: 'authentication_data', options: [{ authentication: 'primary_password' }], device_token_enabled: false } });
    const wrong = await c.input(step.body.result.state_token, { authentication: 'primary_password', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({ name: 'Unauthorized', reason: 'InvalidCredentials', message: 'invalid credentials', code: 401, info: { AuthenticationType: 'password', FlowType: 'login' } });
    expect(wrong.body.result.state_token).toBe(step.body.result.state_token);

    const unknown = await c.input(start.body.result.state_token, { identification: 'email', login_id: 'nobody@example.com' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({ name: 'NotFound', reason: 'UserNotFound', message: 'user not found', code: 404, info: { FlowType: 'login', IdentityTypeIncoming: 'login_id', LoginIDTypeIncoming: 'email' } });
  });

  it('applies batch_input on the input endpoint, stopping silently at finished', async () => {
    await signUp(client(), 'batch@example.com');
    const c = client();
    const start = await c.create('login');
    const r = await c.post('/states/input', {
      state_token: start.body.result.state_token,
      batch_input: [{ identification: 'email', login_id: 'batch@example.com' }, { authentication: 'primary_password', password: PASSWORD }, { anything: 'after finished' }],
    });
    expect(r.body.result.action).toEqual({ type: 'finished', data: {} });
  });

  it('keeps every snapshot: an older token branches, and a finished flow kills all its tokens', async () => {
    await signUp(client(), 'branch@example.com');
    const c = client();
    const start = await c.create('login');
    const a = await c.input(start.body.result.state_token, { identification: 'email', login_id: 'branch@example.com' });
    const b = await c.input(start.body.result.state_token, { identification: 'email', login_id: 'branch@example.com' });
    expect(a.body.result.state_token).not.toBe(b.body.result.state_token);
    const again = await c.post('/states', { state_token: a.body.result.state_token });
    expect(again.body.result).toEqual(a.body.result);
    const done = await c.input(b.body.result.state_token, { authentication: 'primary_password', password: PASSWORD });
    expect(done.body.result.action.type).toBe('finished');
    for (const token of [start.body.result.state_token, a.body.result.state_token, done.body.result.state_token]) {
      const r = await c.post('/states', { state_token: token });
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ error: { name: 'NotFound', reason: 'AuthenticationFlowNotFound', message: 'flow not found', code: 404 } });
    }
  });

  it('expires a flow 20 minutes after its last input', async () => {
    const c = client();
    const r = await c.create('login');
    idp.ctx.clock.advance(1201_000);
    try {
      expect((await c.post('/states', { state_token: r.body.result.state_token })).body.error.reason).toBe('AuthenticationFlowNotFound');
    } finally {
      idp.ctx.clock.advance(-1201_000);
    }
  });

  it('validates request bodies and inputs', async () => {
    const c = client();
    const badType = await c.post('', { type: 'register', name: 'default' });
    expect(badType.body.error).toMatchObject({ name: 'Invalid', reason: 'ValidationFailed', message: 'invalid request body', code: 400 });
    const unknownFlow = await c.post('', { type: 'login', name: 'mine' });
    expect(unknownFlow.body.error).toEqual({ name: 'NotFound', reason: 'AuthenticationFlowFlowNotFound', message: 'flow not found', code: 404, info: { FlowType: 'login' } });
    const start = await c.create('login');
    const bad = await c.input(start.body.result.state_token, { identification: 'phone', login_id: '+85298765432' });
    expect(bad.body.error).toMatchObject({ reason: 'ValidationFailed', message: 'invalid value', code: 400 });
    expect(Array.isArray(bad.body.error.info.causes)).toBe(true);
    const both = await c.post('/states/input', { state_token: start.body.result.state_token, input: {}, batch_input: [{}] });
    expect(both.body.error.message).toBe('invalid request body');
    const noToken = await c.post('/states/input', { input: { identification: 'email', login_id: 'a@b.c' } });
    expect(noToken.body.error.reason).toBe('AuthenticationFlowNotFound');
    const text = await fetch(`${idp.issuer}/api/v1/authentication_flows`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(text.status).toBe(400);
    expect((await text.json()).error).toMatchObject({ name: 'BadRequest', reason: 'BadRequest', message: 'request content type is invalid' });
    const broken = await fetch(`${idp.issuer}/api/v1/authentication_flows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error).toMatchObject({ name: 'BadRequest', reason: 'InvalidJSON' });
  });

  it('two flows signing up the same address: the second to finish gets InvariantViolated, not a 500', async () => {
    const tabs = [client(), client()];
    const states: string[] = [];
    for (const c of tabs) {
      let r = await c.create('signup', { batch_input: [{ identification: 'email', login_id: 'race@example.com' }] });
      idp.ctx.clock.advance(61_000); // past the resend cooldown, so the second tab gets its own code
      r = await c.input(r.body.result.state_token, { code: await c.latestCode('race@example.com') });
      expect(r.body.result.action.type).toBe('create_authenticator');
      states.push(r.body.result.state_token);
    }
    idp.ctx.clock.reset();
    const results = await Promise.all(tabs.map((c, i) => c.input(states[i], { authentication: 'primary_password', new_password: PASSWORD })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400]);
    const loser = results.find((r) => r.status === 400)!;
    expect(loser.body.error).toMatchObject({ reason: 'InvariantViolated', info: { cause: { kind: 'DuplicatedIdentity' }, FlowType: 'signup' } });
    expect(idp.ctx.store.db.all("SELECT id FROM identity WHERE login_id = 'race@example.com'")).toHaveLength(1);
  });

  it('the resend cooldown also holds per flow: a second address in the same flow gets nothing for 60 s', async () => {
    const c = client();
    const start = await c.create('signup');
    const first = await c.input(start.body.result.state_token, { identification: 'email', login_id: 'perflow-a@example.com' });
    expect(await c.outbox('perflow-a@example.com')).toHaveLength(1);
    // Back to the first state, another address: same flow, so the flow's cooldown swallows the send.
    const second = await c.input(start.body.result.state_token, { identification: 'email', login_id: 'perflow-b@example.com' });
    expect(second.body.result.action.data).toMatchObject({ type: 'verify_oob_otp_data', masked_claim_value: 'perf*****@example.com' });
    expect(Date.parse(second.body.result.action.data.can_resend_at)).toBe(Date.parse(first.body.result.action.data.can_resend_at));
    expect(await c.outbox('perflow-b@example.com')).toHaveLength(0);
    const resend = await c.input(second.body.result.state_token, { resend: true });
    expect(resend.body.error).toMatchObject({ reason: 'RateLimited', info: { bucket_name: 'VerificationCooldownEmail' } });
    // Another flow is not held back by this one's cooldown.
    await client().create('signup', { batch_input: [{ identification: 'email', login_id: 'perflow-c@example.com' }] });
    expect(await c.outbox('perflow-c@example.com')).toHaveLength(1);
  });

  it('refuses huge bodies and wrong types without touching the state; unknown input keys are ignored', async () => {
    const c = client();
    const start = await c.create('login');
    const token = start.body.result.state_token;
    const huge = await fetch(`${idp.issuer}/api/v1/authentication_flows/states/input`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state_token: token, input: { identification: 'email', login_id: 'x'.repeat(11 * 1024 * 1024) } }),
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toMatchObject({ name: 'RequestEntityTooLarge', reason: 'JSONTooLarge', code: 413 });
    for (const input of [{ identification: 'email', login_id: 123 }, { identification: ['email'], login_id: 'a@b.c' }, 'email', null]) {
      const r = await c.post('/states/input', { state_token: token, input });
      expect(r.status).toBe(400);
      expect(r.body.error.reason).toBe('ValidationFailed');
    }
    // A __proto__ key is dropped (never merged into objects), not an error.
    const proto = await fetch(`${idp.issuer}/api/v1/authentication_flows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"login","name":"default","__proto__":{"polluted":1}}' });
    expect(proto.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const wrongToken = await c.post('/states/input', { state_token: 42, input: {} });
    expect(wrongToken.body.error.reason).toBe('ValidationFailed');
    // The token still stands where it was, and a correct input with extra keys goes on.
    const same = await c.post('/states', { state_token: token });
    expect(same.body.result).toEqual(start.body.result);
    const ok = await c.input(token, { identification: 'email', login_id: 'nobody@example.com', favourite_colour: 'blue' });
    expect(ok.body.error.reason).toBe('UserNotFound');
  });

  it('honours the resend cooldown (RateLimited) and can_resend_at, on the clock', async () => {
    const c = client();
    let r = await c.create('signup');
    r = await c.input(r.body.result.state_token, { identification: 'email', login_id: 'cool@example.com' });
    const canResendAt = Date.parse(r.body.result.action.data.can_resend_at);
    expect(canResendAt - idp.ctx.clock.nowMs()).toBeGreaterThan(55_000);
    const early = await c.input(r.body.result.state_token, { resend: true });
    expect(early.status).toBe(429);
    expect(early.body.error).toMatchObject({ name: 'TooManyRequest', reason: 'RateLimited', info: { bucket_name: 'VerificationCooldownEmail', FlowType: 'signup' } });
    idp.ctx.clock.advance(61_000);
    try {
      const later = await c.input(r.body.result.state_token, { resend: true });
      expect(later.status).toBe(200);
      expect((await c.outbox('cool@example.com')).length).toBe(2);
    } finally {
      idp.ctx.clock.advance(-61_000);
    }
  });

  it('recovers an account by the e-mailed link code, and says nothing for unknown addresses', async () => {
    await signUp(client(), 'forgot@example.com');
    const c = client();
    let r = await c.create('account_recovery');
    expect(r.body.result.action).toEqual({ type: 'identify', data: { type: 'account_recovery_identification_data', options: [{ identification: 'email' }] } });
    r = await c.input(r.body.result.state_token, { identification: 'email', login_id: 'forgot@example.com' });
    expect(r.body.result.action).toEqual({
      type: 'select_destination',
      data: { type: 'account_recovery_select_destination_data', options: [{ masked_display_name: 'for***@example.com', channel: 'email', otp_form: 'link' }] },
    });
    r = await c.input(r.body.result.state_token, { index: 0 });
    expect(r.body.result.action).toMatchObject({ type: 'verify_account_recovery_code', data: { type: 'account_recovery_verify_code_data', channel: 'email', otp_form: 'link', code_length: 32 } });
    const [message] = await c.outbox('forgot@example.com');
    expect(message.message_type).toBe('forgot-password');
    expect(message.link).toBe(`${idp.issuer}/authflow/v2/reset_password?code=${message.code}`);
    const wrong = await c.input(r.body.result.state_token, { account_recovery_code: 'WRONG' });
    expect(wrong.body.error).toMatchObject({ name: 'Invalid', reason: 'PasswordResetFailed', code: 400, info: { cause: { kind: 'InvalidCode' }, otp_form: 'link' } });
    r = await c.input(r.body.result.state_token, { account_recovery_code: message.code });
    expect(r.body.result.action).toEqual({ type: 'reset_password', data: { type: 'new_password_data', password_policy: { minimum_length: 8, history: { enabled: false } }, masked_target: 'for***@example.com' } });
    r = await c.input(r.body.result.state_token, { new_password: 'a brand new password' });
    expect(r.body.result.action).toEqual({ type: 'finished', data: {} });
    const login = await client().create('login', { batch_input: [{ identification: 'email', login_id: 'forgot@example.com' }, { authentication: 'primary_password', password: 'a brand new password' }] });
    expect(login.body.result.action.type).toBe('finished');

    // Unknown address: the same states, and nothing in the outbox.
    const u = client();
    let s = await u.create('account_recovery', { batch_input: [{ identification: 'email', login_id: 'ghost@example.com' }, { index: 0 }] });
    expect(s.body.result.action.type).toBe('verify_account_recovery_code');
    expect(await u.outbox('ghost@example.com')).toEqual([]);
    s = await u.input(s.body.result.state_token, { account_recovery_code: 'ANYTHING' });
    expect(s.body.error.reason).toBe('PasswordResetFailed');
  });

  it('a custom UI completes an OAuth authorization: x_ref in url_query → finish_redirect_uri → code for the app', async () => {
    await signUp(client(), 'custom@example.com');
    const config = await oidc.discovery(new URL(idp.issuer), 'custom-ui', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://localhost:4000/cb', scope: 'openid offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'xyz' });
    const authz = await fetch(url, { redirect: 'manual' });
    const ui = new URL(authz.headers.get('location')!);
    expect(ui.origin + ui.pathname).toBe('http://localhost:4000/auth');
    expect(ui.searchParams.get('x_ref')).toBeTruthy();
    const c = client();
    const r = await c.create('login', {
      url_query: ui.search.slice(1),
      batch_input: [{ identification: 'email', login_id: 'custom@example.com' }, { authentication: 'primary_password', password: PASSWORD }],
    });
    const finish = r.body.result.action.data.finish_redirect_uri as string;
    expect(finish).toMatch(new RegExp(`^${idp.issuer}/oauth2/consent\\?client_id=custom-ui&redirect_uri=http%3A%2F%2Flocalhost%3A4000%2Fcb&state=xyz&code=[A-Za-z0-9]{32}$`));
    const consent = await fetch(finish, { redirect: 'manual' });
    expect(consent.status).toBe(200); // custom-UI clients get an HTML redirect with HTTP 200
    const callback = JSON.parse(/window\.location\.href = ("[^"]+")/.exec(await consent.text())![1]);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: 'xyz' });
    expect(tokens.claims()!.amr).toEqual(['pwd', 'x_primary_password']);
  });

  it('reauthenticates with an ID token: reauth updates auth_time', async () => {
    const c = client();
    const signup = await signUp(c, 'reauth@example.com');
    expect(signup.body.result.action.type).toBe('finished');
    // An ID token for the user, from a normal login through the API + code flow.
    const config = await oidc.discovery(new URL(idp.issuer), 'custom-ui', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://localhost:4000/cb', scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const ui = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    const r = await c.create('login', { url_query: ui.search.slice(1), batch_input: [{ identification: 'email', login_id: 'reauth@example.com' }, { authentication: 'primary_password', password: PASSWORD }] });
    const consent = await fetch(r.body.result.action.data.finish_redirect_uri, { redirect: 'manual' });
    const callback = JSON.parse(/window\.location\.href = ("[^"]+")/.exec(await consent.text())![1]);
    const first = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier });
    const idToken = first.id_token!;

    idp.ctx.clock.advance(600_000);
    try {
      let s = await c.create('reauth');
      expect(s.body.result.action).toEqual({ type: 'identify', data: { type: 'identification_data', options: [{ identification: 'id_token' }] } });
      s = await c.input(s.body.result.state_token, { identification: 'id_token', id_token: idToken });
      expect(s.body.result.action).toEqual({ type: 'authenticate', data: { type: 'authentication_data', options: [{ authentication: 'primary_password' }], device_token_enabled: false } });
      s = await c.input(s.body.result.state_token, { authentication: 'primary_password', password: PASSWORD });
      expect(s.body.result.action).toEqual({ type: 'finished', data: {} });
      const forged = await c.create('reauth', { batch_input: [{ identification: 'id_token', id_token: `${idToken}x` }] });
      expect(forged.status).toBe(400);
    } finally {
      idp.ctx.clock.reset();
    }
  });

  it('answers CORS for registered app origins', async () => {
    const res = await fetch(`${idp.issuer}/api/v1/authentication_flows`, { method: 'OPTIONS', headers: { origin: 'http://localhost:4000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:4000');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
  });
});

describe('Authentication Flow API: passwordless e-mail OTP project', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) => {
        makePasswordless(doc);
      },
    });
  });
  afterAll(() => idp.dispose());

  it('signs up and then logs in with codes from the outbox', async () => {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('signup', { batch_input: [{ identification: 'email', login_id: 'otp@example.com' }] });
    r = await c.input(r.body.result.state_token, { code: await c.latestCode('otp@example.com') });
    expect(r.body.result.action).toEqual({
      type: 'create_authenticator',
      data: {
        type: 'create_authenticator_data',
        options: [{ authentication: 'primary_oob_otp_email', otp_form: 'code', channels: ['email'], target: { masked_display_name: 'o**@example.com', verification_required: false } }],
      },
    });
    r = await c.input(r.body.result.state_token, { authentication: 'primary_oob_otp_email' });
    expect(r.body.result.action.type).toBe('finished');

    const l = new FlowClient(idp.issuer, idp.consoleToken);
    let s = await l.create('login', { batch_input: [{ identification: 'email', login_id: 'otp@example.com' }] });
    expect(s.body.result.action).toEqual({
      type: 'authenticate',
      data: { type: 'authentication_data', options: [{ authentication: 'primary_oob_otp_email', otp_form: 'code', masked_display_name: 'o**@example.com', channels: ['email'] }], device_token_enabled: false },
    });
    s = await l.input(s.body.result.state_token, { authentication: 'primary_oob_otp_email', index: 0 });
    expect(s.body.result.action).toMatchObject({ type: 'authenticate', authentication: 'primary_oob_otp_email', data: { type: 'verify_oob_otp_data', otp_form: 'code' } });
    const messages = await l.outbox('otp@example.com');
    expect(messages[0].message_type).toBe('authenticate-primary-oob');
    const wrong = await l.input(s.body.result.state_token, { code: messages[0].code === '000000' ? '111111' : '000000' });
    expect(wrong.body.error).toMatchObject({ reason: 'InvalidCredentials', info: { AuthenticationType: 'oob_otp_email', FlowType: 'login' } });
    s = await l.input(s.body.result.state_token, { code: messages[0].code });
    expect(s.body.result.action.type).toBe('finished');
    const info = await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie: `session=${l.cookies.get('session')}` } });
    expect((await info.json()).email).toBe('otp@example.com');
  });
});

describe('Authentication Flow API: password + required TOTP project', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: (doc) => (doc.authentication.secondary_authentication_mode = 'required') });
  });
  afterAll(() => idp.dispose());

  async function signUpWithTotp(c: FlowClient, email: string) {
    let r = await c.create('signup', { batch_input: [{ identification: 'email', login_id: email }] });
    r = await c.input(r.body.result.state_token, { code: await c.latestCode(email) });
    r = await c.input(r.body.result.state_token, { authentication: 'primary_password', new_password: PASSWORD });
    expect(r.body.result.action).toEqual({ type: 'create_authenticator', data: { type: 'create_authenticator_data', options: [{ authentication: 'secondary_totp' }] } });
    r = await c.input(r.body.result.state_token, { authentication: 'secondary_totp' });
    const data = r.body.result.action.data;
    expect(r.body.result.action).toMatchObject({ type: 'create_authenticator', authentication: 'secondary_totp', data: { type: 'create_totp_data' } });
    expect(data.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(data.otpauth_uri).toBe(`otpauth://totp/${encodeURIComponent(email)}?algorithm=SHA1&digits=6&issuer=${encodeURIComponent(idp.issuer)}&period=30&secret=${data.secret}`);
    const wrong = await c.input(r.body.result.state_token, { code: totpCode(data.secret, idp.ctx.clock.nowMs() + 300_000) });
    expect(wrong.body.error).toMatchObject({ reason: 'InvalidCredentials', info: { AuthenticationType: 'totp' } });
    r = await c.input(r.body.result.state_token, { code: totpCode(data.secret, idp.ctx.clock.nowMs()) });
    expect(r.body.result.action.type).toBe('view_recovery_code');
    const codes: string[] = r.body.result.action.data.recovery_codes;
    expect(codes).toHaveLength(16);
    for (const code of codes) expect(code).toMatch(/^[0-9A-Z]{10}$/);
    r = await c.input(r.body.result.state_token, { confirm_recovery_code: true });
    expect(r.body.result.action.type).toBe('finished');
    return { secret: data.secret as string, codes };
  }

  it('enrols TOTP at sign-up, then requires it at sign-in; a recovery code works once', async () => {
    const { secret, codes } = await signUpWithTotp(new FlowClient(idp.issuer, idp.consoleToken), 'mfa@example.com');
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('login', { batch_input: [{ identification: 'email', login_id: 'mfa@example.com' }, { authentication: 'primary_password', password: PASSWORD }] });
    expect(r.body.result.action).toEqual({ type: 'authenticate', data: { type: 'authentication_data', options: [{ authentication: 'secondary_totp' }, { authentication: 'recovery_code' }], device_token_enabled: true } });
    const afterPassword = r.body.result.state_token;
    const wrong = await c.input(afterPassword, { authentication: 'secondary_totp', code: '000000' === totpCode(secret, idp.ctx.clock.nowMs()) ? '111111' : '000000' });
    expect(wrong.body.error).toMatchObject({ name: 'Unauthorized', reason: 'InvalidCredentials', info: { AuthenticationType: 'totp', FlowType: 'login' } });
    r = await c.input(afterPassword, { authentication: 'secondary_totp', code: totpCode(secret, idp.ctx.clock.nowMs()) });
    expect(r.body.result.action.type).toBe('finished');
    const info = await (await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie: `session=${c.cookies.get('session')}` } })).json();
    expect(info['https://authgear.com/claims/user/recovery_code_enabled']).toBe(true);
    // Created in the same instant: upstream orders ties by ID, so compare as a set.
    expect(info['https://authgear.com/claims/user/authenticators'].map((a: any) => `${a.kind}:${a.type}`).sort()).toEqual(['primary:password', 'secondary:totp']);

    const d = new FlowClient(idp.issuer, idp.consoleToken);
    const start = await d.create('login', { batch_input: [{ identification: 'email', login_id: 'mfa@example.com' }, { authentication: 'primary_password', password: PASSWORD }] });
    const formatted = `${codes[0].slice(0, 5)}-${codes[0].slice(5)}`.toLowerCase();
    r = await d.input(start.body.result.state_token, { authentication: 'recovery_code', recovery_code: formatted });
    expect(r.body.result.action.type).toBe('finished');
    const again = await new FlowClient(idp.issuer, idp.consoleToken).create('login', {
      batch_input: [{ identification: 'email', login_id: 'mfa@example.com' }, { authentication: 'primary_password', password: PASSWORD }, { authentication: 'recovery_code', recovery_code: codes[0] }],
    });
    expect(again.body.error).toMatchObject({ reason: 'InvalidCredentials', info: { AuthenticationType: 'recovery_code' } });
  });

  it('remembers the device with request_device_token: the next sign-in there skips 2FA, others still ask', async () => {
    const { secret } = await signUpWithTotp(new FlowClient(idp.issuer, idp.consoleToken), 'device@example.com');
    const login = [{ identification: 'email', login_id: 'device@example.com' }, { authentication: 'primary_password', password: PASSWORD }];
    const browser = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await browser.create('login', { batch_input: login });
    expect(r.body.result.action.data.device_token_enabled).toBe(true);
    const res = await browser.input(r.body.result.state_token, { authentication: 'secondary_totp', code: totpCode(secret, idp.ctx.clock.nowMs()), request_device_token: true });
    expect(res.body.result.action.type).toBe('finished');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('mfa_device_token='))!;
    expect(cookie).toMatch(/Max-Age=2592000/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);

    // Same browser: password only, and the AMR says a device token stood in for the second factor.
    browser.cookies.delete('session');
    r = await browser.create('login', { batch_input: login });
    expect(r.body.result.action.type).toBe('finished');
    const session = browser.cookies.get('session')!;
    const info = await (await fetch(`${idp.issuer}/_resolver/resolve`, { headers: { cookie: `session=${session}` } })).headers;
    expect(info.get('x-authgear-session-amr')).toContain('x_device_token');

    // Another browser, or a forged token: asked again (a stale cookie is cleared).
    const other = new FlowClient(idp.issuer, idp.consoleToken);
    other.cookies.set('mfa_device_token', 'forged');
    r = await other.create('login', { batch_input: login });
    expect(r.body.result.action.data.options[0]).toEqual({ authentication: 'secondary_totp' });
    expect(r.headers.getSetCookie().some((c) => /^mfa_device_token=;/.test(c))).toBe(true);

    // Past expire_in_days the token is worthless.
    idp.ctx.clock.advance(31 * 86_400_000);
    browser.cookies.delete('session');
    r = await browser.create('login', { batch_input: login });
    expect(r.body.result.action.type).toBe('authenticate');
    idp.ctx.clock.reset();
  });
});

describe('Authentication Flow API: device tokens disabled', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) => {
        doc.authentication.secondary_authentication_mode = 'required';
        doc.authentication.device_token = { disabled: true };
      },
    });
  });
  afterAll(() => idp.dispose());

  it('device_token_enabled is false and request_device_token: true is a ValidationFailed', async () => {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('signup', { batch_input: [{ identification: 'email', login_id: 'nodt@example.com' }] });
    r = await c.input(r.body.result.state_token, { code: await c.latestCode('nodt@example.com') });
    r = await c.input(r.body.result.state_token, { authentication: 'primary_password', new_password: PASSWORD });
    r = await c.input(r.body.result.state_token, { authentication: 'secondary_totp' });
    const secret = r.body.result.action.data.secret;
    r = await c.input(r.body.result.state_token, { code: totpCode(secret, idp.ctx.clock.nowMs()) });
    r = await c.input(r.body.result.state_token, { confirm_recovery_code: true });
    const l = new FlowClient(idp.issuer, idp.consoleToken);
    r = await l.create('login', { batch_input: [{ identification: 'email', login_id: 'nodt@example.com' }, { authentication: 'primary_password', password: PASSWORD }] });
    expect(r.body.result.action.data.device_token_enabled).toBe(false);
    const e = await l.input(r.body.result.state_token, { authentication: 'secondary_totp', code: totpCode(secret, idp.ctx.clock.nowMs()), request_device_token: true });
    expect(e.body.error).toMatchObject({ reason: 'ValidationFailed' });
    expect(l.cookies.has('mfa_device_token')).toBe(false);
  });
});

describe('Authentication Flow API: test mode fixed codes', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: (doc) => (doc.test_mode = { oob_otp: { enabled: true, rules: [{ regex: '@fixed\\.test$', fixed_code: '111222' }] } }) });
  });
  afterAll(() => idp.dispose());

  it('sends the fixed code to matching targets, and random codes to others', async () => {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    const r = await c.create('signup', { batch_input: [{ identification: 'email', login_id: 'ci-user@fixed.test' }, { code: '111222' }] });
    expect(r.body.result.action.type).toBe('create_authenticator');
    await c.create('signup', { batch_input: [{ identification: 'email', login_id: 'someone@example.com' }] });
    expect(await c.latestCode('someone@example.com')).not.toBe('111222');
  });
});

describe('Authentication Flow API: signup_login and flows declared in authgear.yaml', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) => {
        doc.authentication_flow = {
          login_flows: [
            {
              name: 'password_only',
              steps: [
                { name: 'identify_me', type: 'identify', one_of: [{ identification: 'email', steps: [{ type: 'authenticate', one_of: [{ authentication: 'primary_password' }] }] }] },
                { type: 'check_account_status' },
              ],
            },
          ],
          // A declared `default` replaces the generated one: no e-mail verification at sign-up.
          signup_flows: [{ name: 'default', steps: [{ name: 'id', type: 'identify', one_of: [{ identification: 'email', steps: [{ type: 'create_authenticator', one_of: [{ authentication: 'primary_password' }] }] }] }] }],
        };
      },
    });
  });
  afterAll(() => idp.dispose());

  it('signup_login switches to signup for a new address and to login for a known one, replaying the input', async () => {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('signup_login');
    expect(r.body.result).toMatchObject({ type: 'signup_login', action: { type: 'identify', data: { type: 'identification_data', options: [{ identification: 'email' }] } } });
    r = await c.input(r.body.result.state_token, { identification: 'email', login_id: 'both@example.com' });
    expect(r.body.result.type).toBe('signup');
    expect(r.body.result.action.type).toBe('create_authenticator'); // the declared default signup flow: no verify step
    r = await c.input(r.body.result.state_token, { authentication: 'primary_password', new_password: PASSWORD });
    expect(r.body.result.action.type).toBe('finished');

    const again = await new FlowClient(idp.issuer, idp.consoleToken).create('signup_login', { batch_input: [{ identification: 'email', login_id: 'both@example.com' }] });
    expect(again.body.result).toMatchObject({ type: 'login', name: 'default', action: { type: 'authenticate' } });
  });

  it('runs a flow declared under authentication_flow by its name', async () => {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    await c.create('signup', { batch_input: [{ identification: 'email', login_id: 'named@example.com' }, { authentication: 'primary_password', new_password: PASSWORD }] });
    const r = await c.post('', { type: 'login', name: 'password_only', batch_input: [{ identification: 'email', login_id: 'named@example.com' }, { authentication: 'primary_password', password: PASSWORD }] });
    expect(r.body.result).toMatchObject({ type: 'login', name: 'password_only', action: { type: 'finished' } });
    const missing = await c.post('', { type: 'reauth', name: 'password_only' });
    expect(missing.body.error).toMatchObject({ reason: 'AuthenticationFlowFlowNotFound', info: { FlowType: 'reauth' } });
  });
});

describe('Authentication Flow API: account lockout', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) =>
        (doc.authentication.lockout = { max_attempts: 3, history_duration: '5m', minimum_duration: '1m', maximum_duration: '10m', backoff_factor: 2, lockout_type: 'per_user', password: { enabled: true } }),
    });
  });
  afterAll(() => idp.dispose());

  it('locks after max_attempts failures, refuses even the right password while locked, and unlocks on the clock', async () => {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('signup', { batch_input: [{ identification: 'email', login_id: 'locked@example.com' }] });
    r = await c.input(r.body.result.state_token, { code: await c.latestCode('locked@example.com') });
    await c.input(r.body.result.state_token, { authentication: 'primary_password', new_password: PASSWORD });
    const attempt = (password: string) =>
      new FlowClient(idp.issuer, idp.consoleToken).create('login', { batch_input: [{ identification: 'email', login_id: 'locked@example.com' }, { authentication: 'primary_password', password }] });
    try {
      expect((await attempt('wrong-1')).body.error.reason).toBe('InvalidCredentials');
      expect((await attempt('wrong-2')).body.error.reason).toBe('InvalidCredentials');
      const third = await attempt('wrong-3');
      expect(third.status).toBe(429);
      expect(third.body.error).toMatchObject({ name: 'TooManyRequest', reason: 'AccountLockout', info: { FlowType: 'login' } });
      expect(Date.parse(third.body.error.info.until) - idp.ctx.clock.nowMs()).toBeGreaterThan(55_000);
      expect((await attempt(PASSWORD)).body.error.reason).toBe('AccountLockout');
      idp.ctx.clock.advance(61_000);
      expect((await attempt(PASSWORD)).body.result.action.type).toBe('finished');
      expect((await attempt('wrong-again')).body.error.reason).toBe('InvalidCredentials'); // the count was reset
    } finally {
      idp.ctx.clock.reset();
    }
  });
});

describe('Authentication Flow API: the remaining error reasons', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) => {
        doc.authentication.secondary_authentication_mode = 'required';
        addClient(doc, { client_id: 'picky', name: 'Picky', x_application_type: 'spa', redirect_uris: ['http://localhost:4001/cb'], x_authentication_flow_allowlist: { flows: [{ type: 'login', name: 'default' }] } });
        addClient(doc, { client_id: 'grouped', name: 'Grouped', x_application_type: 'spa', redirect_uris: ['http://localhost:4002/cb'], x_authentication_flow_allowlist: { groups: [{ name: 'default' }] } });
        addClient(doc, { client_id: 'kiosk', name: 'Kiosk', x_application_type: 'spa', redirect_uris: ['http://localhost:4003/cb'], x_authentication_flow_allowlist: { groups: [{ name: 'kiosk' }] } });
        doc.ui = { authentication_flow: { groups: [{ name: 'kiosk', flows: [{ type: 'login', name: 'default' }] }] } };
      },
    });
  });
  afterAll(() => idp.dispose());

  async function newUser(email: string): Promise<void> {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('signup', { batch_input: [{ identification: 'email', login_id: email }] });
    r = await c.input(r.body.result.state_token, { code: await c.latestCode(email) });
    r = await c.input(r.body.result.state_token, { authentication: 'primary_password', new_password: PASSWORD });
    r = await c.input(r.body.result.state_token, { authentication: 'secondary_totp' });
    r = await c.input(r.body.result.state_token, { code: totpCode(r.body.result.action.data.secret, idp.ctx.clock.nowMs()) });
    await c.input(r.body.result.state_token, { confirm_recovery_code: true });
  }

  it('AuthenticationFlowNotAllowed when a client allowlist does not list the flow', async () => {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    const denied = await c.create('signup', { url_query: 'client_id=picky' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ name: 'Forbidden', reason: 'AuthenticationFlowNotAllowed', info: { FlowType: 'signup' } });
    expect((await c.create('login', { url_query: 'client_id=picky' })).status).toBe(200);
    expect((await c.create('signup', { url_query: 'client_id=grouped' })).status).toBe(200);
    // A group defined in ui.authentication_flow.groups allows exactly its flows.
    expect((await c.create('login', { url_query: 'client_id=kiosk' })).status).toBe(200);
    expect((await c.create('signup', { url_query: 'client_id=kiosk' })).body.error.reason).toBe('AuthenticationFlowNotAllowed');
  });

  it('the built-in pages run the flow of the requested group, and refuse one the client may not use', async () => {
    const authorize = (clientId: string, redirect: string, extra = '') =>
      `${idp.issuer}/oauth2/authorize?client_id=${clientId}&redirect_uri=${encodeURIComponent(redirect)}&response_type=code&scope=openid&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&x_page=login${extra}`;
    const ok = await new Agent(idp.issuer).follow(authorize('kiosk', 'http://localhost:4003/cb'));
    expect(ok.res.status).toBe(200);
    expect(ok.url).toContain('/login');
    const other = await new Agent(idp.issuer).follow(authorize('kiosk', 'http://localhost:4003/cb', '&x_authentication_flow_group=staff'));
    expect(other.res.status).toBe(403);
    expect(other.body).toContain('x_authentication_flow_allowlist');
    const signup = await new Agent(idp.issuer).follow(authorize('picky', 'http://localhost:4001/cb').replace('x_page=login', 'x_page=signup'));
    expect(signup.res.status).toBe(403);
  });

  it('DisabledUser from check_account_status, with the reason', async () => {
    await newUser('disabled@example.com');
    const user = idp.ctx.store.identities.findByLoginId('email', 'disabled@example.com')!;
    await idp.ctx.store.db.write(() => idp.ctx.store.users.setDisabled(user.userId, true, 'spam', idp.ctx.clock.nowMs()));
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    const secret = idp.ctx.store.authenticators.listByUser(user.userId).find((a) => a.type === 'totp')!.data.secret as string;
    const r = await c.create('login', {
      batch_input: [{ identification: 'email', login_id: 'disabled@example.com' }, { authentication: 'primary_password', password: PASSWORD }, { authentication: 'secondary_totp', code: totpCode(secret, idp.ctx.clock.nowMs()) }],
    });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ name: 'Forbidden', reason: 'DisabledUser', info: { reason: 'spam', FlowType: 'login' } });
  });

  it('InvariantViolated / NoAuthenticator when a required step has nothing to offer', async () => {
    await newUser('nototp@example.com');
    const user = idp.ctx.store.identities.findByLoginId('email', 'nototp@example.com')!;
    await idp.ctx.store.db.write(() => {
      idp.ctx.store.db.run("DELETE FROM authenticator WHERE user_id = ? AND type = 'totp'", [user.userId]);
      idp.ctx.store.db.run('DELETE FROM recovery_code WHERE user_id = ?', [user.userId]);
    });
    const r = await new FlowClient(idp.issuer, idp.consoleToken).create('login', { batch_input: [{ identification: 'email', login_id: 'nototp@example.com' }, { authentication: 'primary_password', password: PASSWORD }] });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ name: 'Invalid', reason: 'InvariantViolated', info: { cause: { kind: 'NoAuthenticator' }, FlowType: 'login' } });
  });
});

describe('Authentication Flow API: public sign-up disabled', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: (doc) => (doc.authentication.public_signup_disabled = true) });
  });
  afterAll(() => idp.dispose());

  it('answers AuthenticationFlowNoPublicSignup', async () => {
    const r = await new FlowClient(idp.issuer, idp.consoleToken).create('signup');
    expect(r.status).toBe(403);
    expect(r.body.error).toEqual({ name: 'Forbidden', reason: 'AuthenticationFlowNoPublicSignup', message: 'public signup is disabled', code: 403, info: { FlowType: 'signup' } });
  });
});

describe('Authentication Flow API: e-mail login links', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) => {
        makePasswordless(doc);
        doc.authenticator.oob_otp = { email: { email_otp_mode: 'login_link' } };
      },
    });
  });
  afterAll(() => idp.dispose());

  it('waits with can_check false, then the opened and approved link lets check finish the sign-in', async () => {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('signup', { batch_input: [{ identification: 'email', login_id: 'link@example.com' }] });
    r = await c.input(r.body.result.state_token, { code: await c.latestCode('link@example.com') }); // verification always uses a code
    expect(r.body.result.action.type).toBe('create_authenticator');
    await c.input(r.body.result.state_token, { authentication: 'primary_oob_otp_email' });

    const l = new FlowClient(idp.issuer, idp.consoleToken);
    let s = await l.create('login', { batch_input: [{ identification: 'email', login_id: 'link@example.com' }] });
    expect(s.body.result.action.data.options[0]).toMatchObject({ authentication: 'primary_oob_otp_email', otp_form: 'link' });
    s = await l.input(s.body.result.state_token, { authentication: 'primary_oob_otp_email', index: 0 });
    expect(s.body.result.action.data).toMatchObject({ type: 'verify_oob_otp_data', otp_form: 'link', code_length: 32, can_check: false });
    // The waiting page listens on its WebSocket channel instead of polling.
    const wsUrl: string = s.body.result.action.data.websocket_url;
    expect(wsUrl).toBe(`${idp.issuer.replace('http:', 'ws:')}/api/v1/authentication_flows/ws?channel=${wsUrl.split('channel=')[1]}`);
    expect(wsUrl).toMatch(/channel=ws_[0-9A-Z]{32}$/);
    const socket = new WebSocket(wsUrl);
    const events: string[] = [];
    socket.on('message', (data) => events.push(String(data)));
    await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
    const [message] = await l.outbox('link@example.com');
    expect(message.link).toBe(`${idp.issuer}/authflow/v2/verify_login_link?code=${message.code}`);
    const early = await l.input(s.body.result.state_token, { check: true });
    expect(early.body.result.action.data.can_check).toBe(false);

    // Open the link in "another browser" and approve.
    const browser = new Agent(idp.issuer);
    const page = await browser.follow(message.link);
    expect(page.body).toContain('Approve sign-in');
    const approved = await submit(browser, page.body, {});
    expect(approved.body).toContain('Sign-in approved.');
    await expect.poll(() => events).toEqual(['{"kind":"refresh"}']);
    socket.close();

    const polled = await l.post('/states', { state_token: s.body.result.state_token });
    expect(polled.body.result.action.data.can_check).toBe(true);
    const done = await l.input(s.body.result.state_token, { check: true });
    expect(done.body.result.action.type).toBe('finished');
    expect((await browser.follow(message.link)).res.status).toBe(400); // used once
  });

  it('the WebSocket endpoint refuses plain GETs, foreign Hosts and malformed channels', async () => {
    const plain = await fetch(`${idp.issuer}/api/v1/authentication_flows/ws?channel=ws_${'A'.repeat(32)}`);
    expect(plain.status).toBe(400);
    expect((await plain.json()).error).toMatchObject({ name: 'BadRequest', reason: 'BadRequest' });
    const base = idp.issuer.replace('http:', 'ws:');
    const closed = await new Promise<number>((resolve) => new WebSocket(`${base}/api/v1/authentication_flows/ws?channel=nope`).on('close', (code) => resolve(code)));
    expect(closed).toBe(1008);
    const foreign = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${base}/api/v1/authentication_flows/ws?channel=ws_${'A'.repeat(32)}`, { headers: { host: 'evil.example' } });
      ws.on('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      ws.on('error', () => {});
    });
    expect(foreign).toBe(400);
    expect(idp.ctx.ephemeral.flowEvents.subscriberCount).toBe(0);
  });
});

describe('Authentication Flow API: usernames beside e-mail', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: (doc) => (doc.identity.login_id.keys = [{ type: 'email', key: 'email' }, { type: 'username', key: 'username' }]) });
  });
  afterAll(() => idp.dispose());

  it('block_reserved_usernames: false lets a sign-up take a reserved name', async () => {
    const open = await startTestIdp({
      editConfig: (doc) => (doc.identity.login_id = { keys: [{ type: 'username' }], types: { username: { block_reserved_usernames: false } } }),
    });
    try {
      const r = await new FlowClient(open.issuer, open.consoleToken).create('signup', { batch_input: [{ identification: 'username', login_id: 'admin' }] });
      expect(r.body.result.action.type).toBe('create_authenticator');
    } finally {
      await open.dispose();
    }
  });

  it('signs up and in with a username (no verification), validates it, and refuses duplicates case-insensitively', async () => {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('signup');
    expect(r.body.result.action.data.options).toEqual([{ identification: 'email' }, { identification: 'username' }]);
    const bad = await c.input(r.body.result.state_token, { identification: 'username', login_id: 'no spaces please' });
    expect(bad.body.error).toMatchObject({ reason: 'ValidationFailed', message: 'invalid login ID', info: { causes: [{ location: '/login_id', kind: 'format', details: { format: 'username' } }] } });
    for (const reserved of ['admin', 'Root', 'postmaster']) {
      const blocked = await c.input(r.body.result.state_token, { identification: 'username', login_id: reserved });
      expect(blocked.body.error).toMatchObject({ reason: 'ValidationFailed', info: { causes: [{ location: '/login_id', kind: 'blocked', details: { reason: 'UsernameReserved' } }] } });
    }
    r = await c.input(r.body.result.state_token, { identification: 'username', login_id: 'Ada_Lovelace' });
    expect(r.body.result.action.type).toBe('create_authenticator'); // nothing to verify for a username
    r = await c.input(r.body.result.state_token, { authentication: 'primary_password', new_password: PASSWORD });
    expect(r.body.result.action.type).toBe('finished');
    const info = await (await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie: `session=${c.cookies.get('session')}` } })).json();
    expect(info.preferred_username).toBe('ada_lovelace');
    expect(info.email).toBeUndefined();

    const dup = await new FlowClient(idp.issuer, idp.consoleToken).create('signup', { batch_input: [{ identification: 'username', login_id: 'ADA_LOVELACE' }] });
    expect(dup.body.error).toMatchObject({ reason: 'InvariantViolated', info: { LoginIDTypeIncoming: 'username', cause: { kind: 'DuplicatedIdentity' } } });
    const login = await new FlowClient(idp.issuer, idp.consoleToken).create('login', { batch_input: [{ identification: 'username', login_id: 'ada_lovelace' }, { authentication: 'primary_password', password: PASSWORD }] });
    expect(login.body.result.action.type).toBe('finished');
    const unknown = await new FlowClient(idp.issuer, idp.consoleToken).create('login', { batch_input: [{ identification: 'username', login_id: 'nobody' }] });
    expect(unknown.body.error).toMatchObject({ reason: 'UserNotFound', info: { LoginIDTypeIncoming: 'username' } });
  });

  it('the built-in sign-in page takes an e-mail or a username in one field', async () => {
    await new FlowClient(idp.issuer, idp.consoleToken).create('signup', { batch_input: [{ identification: 'username', login_id: 'grace' }, { authentication: 'primary_password', new_password: PASSWORD }] });
    const agent = new Agent(idp.issuer);
    const url = `${idp.issuer}/oauth2/authorize?${new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: 'http://localhost:3000/auth-redirect', response_type: 'code', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', x_page: 'login' })}`;
    const page = await agent.follow(url);
    expect(page.body).toContain('Email address or username');
    const done = await submit(agent, page.body, { login_id: 'Grace', password: PASSWORD });
    expect(done.url).toMatch(/^http:\/\/localhost:3000\/auth-redirect\?code=/);
  });
});

describe('Authentication Flow API: store failure', () => {
  it('answers 500 UnexpectedError (no details) when a write cannot be made durable', async () => {
    const idp = await startTestIdp();
    try {
      const c = new FlowClient(idp.issuer, idp.consoleToken);
      let r = await c.create('signup', { batch_input: [{ identification: 'email', login_id: 'disk@example.com' }] });
      r = await c.input(r.body.result.state_token, { code: await c.latestCode('disk@example.com') });
      const before = r.body.result;
      // The disk "goes away": the database refuses every further write.
      await idp.ctx.store.db.close();
      const failed = await c.input(before.state_token, { authentication: 'primary_password', new_password: PASSWORD });
      expect(failed.status).toBe(500);
      expect(failed.body.error).toEqual({ name: 'InternalError', reason: 'UnexpectedError', message: 'unexpected error', code: 500 });
      expect(JSON.stringify(failed.body)).not.toContain('database');
    } finally {
      await idp.dispose();
    }
  });
});

describe('Authentication Flow API: change_password after the policy tightened', () => {
  it('asks for a new password at sign-in when the old one no longer meets the policy', async () => {
    const dataDir = await tempDir();
    let idp = await startTestIdp({ dataDir, editConfig: () => {} });
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('signup', { batch_input: [{ identification: 'email', login_id: 'old@example.com' }] });
    r = await c.input(r.body.result.state_token, { code: await c.latestCode('old@example.com') });
    r = await c.input(r.body.result.state_token, { authentication: 'primary_password', new_password: 'eight-ch' });
    expect(r.body.result.action.type).toBe('finished');
    await idp.close();

    idp = await startTestIdp({ dataDir, editConfig: (doc) => (doc.authenticator.password.policy = { min_length: 12, digit_required: true }) });
    try {
      const l = new FlowClient(idp.issuer, idp.consoleToken);
      r = await l.create('login', { batch_input: [{ identification: 'email', login_id: 'old@example.com' }, { authentication: 'primary_password', password: 'eight-ch' }] });
      expect(r.body.result.action).toMatchObject({
        type: 'change_password',
        data: { type: 'new_password_data', force_change_reason: 'policy', password_policy: { minimum_length: 12, digit_required: true } },
      });
      const weak = await l.input(r.body.result.state_token, { new_password: 'still-weak' });
      expect(weak.body.error).toMatchObject({ reason: 'PasswordPolicyViolated', info: { FlowType: 'login' } });
      expect(weak.body.error.info.causes.map((x: any) => x.Name).sort()).toEqual(['PasswordDigitRequired', 'PasswordTooShort']);
      r = await l.input(r.body.result.state_token, { new_password: 'a stronger one 2026' });
      expect(r.body.result.action.type).toBe('finished');
      const again = await new FlowClient(idp.issuer, idp.consoleToken).create('login', {
        batch_input: [{ identification: 'email', login_id: 'old@example.com' }, { authentication: 'primary_password', password: 'a stronger one 2026' }],
      });
      expect(again.body.result.action.type).toBe('finished');
    } finally {
      await idp.dispose();
    }
  });
});
