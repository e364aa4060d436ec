import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { FlowClient } from '../helpers/authflow';
import { Agent, submit, latestCode } from '../helpers/agent';

const PHONE = '+85298765432';
const MASKED = '+8529876****';

/** A wrong code for sure: any six digits but the right ones. */
const notThe = (code: string) => (code === '000000' ? '111111' : '000000');

/** Phone login IDs with SMS/WhatsApp OTP and a password, as upstream's "phone + SMS OTP" project. */
function phoneProject(doc: any): void {
  doc.identity = { login_id: { keys: [{ type: 'phone' }] } };
  doc.authentication.primary_authenticators = ['oob_otp_sms', 'password'];
}

describe('Authentication Flow API: phone numbers, SMS and WhatsApp', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: phoneProject });
  });
  afterAll(() => idp.dispose());

  async function signUp(c: FlowClient, phone: string) {
    let r = await c.create('signup', { batch_input: [{ identification: 'phone', login_id: phone }, { channel: 'sms' }] });
    r = await c.input(r.body.result.state_token, { code: await c.latestCode(phone) });
    r = await c.input(r.body.result.state_token, { authentication: 'primary_oob_otp_sms' });
    expect(r.body.result.action.type).toBe('finished');
  }

  it('signs up with a phone number: E.164 checked, channel chosen, code verified over SMS', async () => {
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('signup');
    expect(r.body.result.action.data).toEqual({ type: 'identification_data', options: [{ identification: 'phone' }] });
    const start = r.body.result.state_token;

    for (const bad of ['98765432', '+852123', '+852 9876 5432', 'phone']) {
      const e = await c.input(start, { identification: 'phone', login_id: bad });
      expect(e.status).toBe(400);
      expect(e.body.error).toMatchObject({ reason: 'ValidationFailed', message: 'invalid login ID', info: { causes: [{ location: '/login_id', kind: 'format', details: { format: 'phone' } }] } });
    }

    r = await c.input(start, { identification: 'phone', login_id: PHONE });
    expect(r.body.result.action).toEqual({
      type: 'verify',
      data: { type: 'select_oob_otp_channels_data', channels: ['whatsapp', 'sms'], masked_claim_value: MASKED },
    });
    const bad = await c.input(r.body.result.state_token, { channel: 'email' });
    expect(bad.body.error).toMatchObject({ reason: 'ValidationFailed' });
    expect(await c.outbox(PHONE)).toHaveLength(0);

    r = await c.input(r.body.result.state_token, { channel: 'sms' });
    expect(r.body.result.action).toMatchObject({
      type: 'verify',
      data: { type: 'verify_oob_otp_data', channel: 'sms', otp_form: 'code', masked_claim_value: MASKED, code_length: 6, failed_attempt_rate_limit_exceeded: false, delivery_status: 'sent' },
    });
    const [message] = await c.outbox(PHONE);
    expect(message).toMatchObject({ channel: 'sms', to: PHONE, message_type: 'verification', otp_form: 'code', subject: null });
    // A `+` left unencoded in the query (a space once decoded) still finds the number.
    const raw = await fetch(`${idp.issuer}/_sandbox/api/outbox/latest?to=${PHONE}`, { headers: { authorization: `Bearer ${idp.consoleToken}` } });
    expect((await raw.json()).code).toBe(message.code);
    expect(message.code).toMatch(/^\d{6}$/);
    const wrong = await c.input(r.body.result.state_token, { code: notThe(message.code) });
    expect(wrong.body.error).toMatchObject({ reason: 'InvalidVerificationCode', info: { FlowType: 'signup' } });

    r = await c.input(r.body.result.state_token, { code: message.code });
    expect(r.body.result.action).toEqual({
      type: 'create_authenticator',
      data: {
        type: 'create_authenticator_data',
        options: [
          { authentication: 'primary_oob_otp_sms', otp_form: 'code', channels: ['whatsapp', 'sms'], target: { masked_display_name: MASKED, verification_required: false } },
          expect.objectContaining({ authentication: 'primary_password' }),
        ],
      },
    });
    r = await c.input(r.body.result.state_token, { authentication: 'primary_oob_otp_sms' });
    expect(r.body.result.action.type).toBe('finished');

    const info = await (await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { cookie: `session=${c.cookies.get('session')}` } })).json();
    expect(info).toMatchObject({ phone_number: PHONE, phone_number_verified: true });

    const dup = await new FlowClient(idp.issuer, idp.consoleToken).create('signup', { batch_input: [{ identification: 'phone', login_id: PHONE }] });
    expect(dup.body.error).toMatchObject({ reason: 'InvariantViolated', info: { cause: { kind: 'DuplicatedIdentity' }, LoginIDTypeIncoming: 'phone', LoginIDTypeExisting: 'phone' } });
  });

  it('signs in by WhatsApp or SMS: options list both channels; a missing channel is asked for', async () => {
    const phone = '+85265000002';
    await signUp(new FlowClient(idp.issuer, idp.consoleToken), phone);
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('login', { batch_input: [{ identification: 'phone', login_id: ' +852 6500 0002 ' }] });
    expect(r.body.result.action).toEqual({
      type: 'authenticate',
      data: {
        type: 'authentication_data',
        options: [{ authentication: 'primary_oob_otp_sms', otp_form: 'code', masked_display_name: '+8526500****', channels: ['whatsapp', 'sms'] }, { authentication: 'primary_password' }],
        device_token_enabled: false,
      },
    });
    const options = r.body.result.state_token;

    const asked = await c.input(options, { authentication: 'primary_oob_otp_sms', index: 0 });
    expect(asked.body.result.action).toEqual({
      type: 'authenticate',
      authentication: 'primary_oob_otp_sms',
      data: { type: 'select_oob_otp_channels_data', channels: ['whatsapp', 'sms'], masked_claim_value: '+8526500****' },
    });

    r = await c.input(options, { authentication: 'primary_oob_otp_sms', index: 0, channel: 'whatsapp' });
    expect(r.body.result.action).toMatchObject({ authentication: 'primary_oob_otp_sms', data: { type: 'verify_oob_otp_data', channel: 'whatsapp' } });
    const [message] = await c.outbox(phone);
    expect(message).toMatchObject({ channel: 'whatsapp', message_type: 'whatsapp-code' });
    const resend = await c.input(r.body.result.state_token, { resend: true });
    expect(resend.status).toBe(429);
    expect(resend.body.error).toMatchObject({ reason: 'RateLimited', info: { bucket_name: 'OOBOTPCooldownWhatsapp', FlowType: 'login' } });
    const wrong = await c.input(r.body.result.state_token, { code: notThe(message.code) });
    expect(wrong.body.error).toMatchObject({ reason: 'InvalidCredentials', info: { AuthenticationType: 'oob_otp_sms' } });
    r = await c.input(r.body.result.state_token, { code: message.code });
    expect(r.body.result.action.type).toBe('finished');

    const unknown = await new FlowClient(idp.issuer, idp.consoleToken).create('login', { batch_input: [{ identification: 'phone', login_id: '+85291234567' }] });
    expect(unknown.body.error).toMatchObject({ reason: 'UserNotFound', info: { IdentityTypeIncoming: 'login_id', LoginIDTypeIncoming: 'phone' } });
  });

  it('recovers an account by SMS code (ui.forgot_password.phone default), then signs in with the new password', async () => {
    const phone = '+85265000003';
    await signUp(new FlowClient(idp.issuer, idp.consoleToken), phone);
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    let r = await c.create('account_recovery', { batch_input: [{ identification: 'phone', login_id: phone }] });
    expect(r.body.result.action).toEqual({
      type: 'select_destination',
      data: { type: 'account_recovery_select_destination_data', options: [{ masked_display_name: '+8526500****', channel: 'sms', otp_form: 'code' }] },
    });
    r = await c.input(r.body.result.state_token, { index: 0 });
    expect(r.body.result.action.data).toMatchObject({ type: 'account_recovery_verify_code_data', channel: 'sms', otp_form: 'code', code_length: 6 });
    const [message] = await c.outbox(phone);
    expect(message).toMatchObject({ channel: 'sms', message_type: 'forgot-password', link: null });
    r = await c.input(r.body.result.state_token, { account_recovery_code: message.code });
    r = await c.input(r.body.result.state_token, { new_password: 'a new password 42' });
    expect(r.body.result.action.type).toBe('finished');
    const login = await new FlowClient(idp.issuer, idp.consoleToken).create('login', {
      batch_input: [{ identification: 'phone', login_id: phone }, { authentication: 'primary_password', password: 'a new password 42' }],
    });
    expect(login.body.result.action.type).toBe('finished');
  });

  it('the built-in pages sign up with a phone number: tel field, channel buttons, code', async () => {
    const agent = new Agent(idp.issuer);
    let page = await agent.follow(`${idp.issuer}/signup`);
    expect(page.body).toContain('type="tel"');
    page = await submit(agent, page.body, { login_id: '+85265000004' });
    expect(page.body).toContain('How should we send the code?');
    expect(page.body).toContain('+8526500****');
    page = await submit(agent, page.body, { x_channel: 'whatsapp' });
    expect(page.body).toContain('name="code"');
    page = await submit(agent, page.body, { code: await latestCode(idp.issuer, '+85265000004') });
    // Verified by now: the passwordless choice is taken for the user, or a password is asked.
    expect(page.res.status).toBe(200);
    expect(page.body).toMatch(/Sign in with a code texted|name="new_password"/);
  });
});

describe('Authentication Flow API: OTP limits from the config', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) => {
        phoneProject(doc);
        doc.authenticator = { ...doc.authenticator, oob_otp: { sms: { phone_otp_mode: 'sms' } } };
        doc.authentication.rate_limits = { oob_otp: { sms: { trigger_cooldown: '2m', max_failed_attempts_revoke_otp: 3 } } };
        doc.verification = { rate_limits: { sms: { max_failed_attempts_revoke_otp: 2 } } };
      },
    });
  });
  afterAll(() => idp.dispose());

  it('revokes a code after max_failed_attempts_revoke_otp wrong tries until a new one is sent', async () => {
    const phone = '+85265000010';
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    // phone_otp_mode sms: one channel, no question.
    let r = await c.create('signup', { batch_input: [{ identification: 'phone', login_id: phone }] });
    expect(r.body.result.action.data).toMatchObject({ type: 'verify_oob_otp_data', channel: 'sms' });
    const code = await c.latestCode(phone);
    const token = r.body.result.state_token;
    expect((await c.input(token, { code: notThe(code) })).body.error.reason).toBe('InvalidVerificationCode');
    const second = await c.input(token, { code: notThe(code) });
    expect(second.status).toBe(429);
    expect(second.body.error).toMatchObject({ name: 'TooManyRequest', reason: 'RateLimited', info: { bucket_name: 'TrackFailedOTPAttemptBucket' } });
    // Revoked: even the right code is refused now, and the state says so.
    expect((await c.input(token, { code })).body.error.info.bucket_name).toBe('TrackFailedOTPAttemptBucket');
    const state = await c.post('/states', { state_token: token });
    expect(state.body.result.action.data.failed_attempt_rate_limit_exceeded).toBe(true);

    idp.ctx.clock.advance(60_000);
    r = await c.input(token, { resend: true });
    expect(r.body.result.action.data.failed_attempt_rate_limit_exceeded).toBe(false);
    r = await c.input(r.body.result.state_token, { code: await c.latestCode(phone) });
    expect(r.body.result.action.type).toBe('create_authenticator');
    r = await c.input(r.body.result.state_token, { authentication: 'primary_oob_otp_sms' });
    expect(r.body.result.action.type).toBe('finished');

    // Sign-in codes: 3 attempts, and the configured 2-minute cooldown drives can_resend_at.
    const l = new FlowClient(idp.issuer, idp.consoleToken);
    r = await l.create('login', { batch_input: [{ identification: 'phone', login_id: phone }, { authentication: 'primary_oob_otp_sms', index: 0 }] });
    expect(Date.parse(r.body.result.action.data.can_resend_at) - idp.ctx.clock.nowMs()).toBeGreaterThan(110_000);
    const loginCode = await l.latestCode(phone);
    for (let i = 0; i < 2; i++) expect((await l.input(r.body.result.state_token, { code: notThe(loginCode) })).body.error.reason).toBe('InvalidCredentials');
    expect((await l.input(r.body.result.state_token, { code: notThe(loginCode) })).body.error.reason).toBe('RateLimited');
    idp.ctx.clock.advance(60_000);
    const early = await l.input(r.body.result.state_token, { resend: true });
    expect(early.body.error).toMatchObject({ reason: 'RateLimited', info: { bucket_name: 'OOBOTPCooldownSMS' } });
    idp.ctx.clock.advance(61_000);
    r = await l.input(r.body.result.state_token, { resend: true });
    r = await l.input(r.body.result.state_token, { code: await l.latestCode(phone) });
    expect(r.body.result.action.type).toBe('finished');
  });
});
