/**
 * User mutations over HTTP (spec admin-api.md 8–10), each with its happy path and its errors, and
 * their effects where an app would see them: sign-in refused for a disabled user, sessions and
 * refresh tokens ended, a reset password that signs in, an OTP code the login step accepts.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { AdminClient, passwordLogin, appTokens, refresh, rawId } from '../helpers/admin';
import { FlowClient } from '../helpers/authflow';
import { Agent, submit } from '../helpers/agent';

const PASSWORD = 'correct-horse-1';
const USER_FIELDS = 'id isDisabled disableReason temporarilyDisabledFrom temporarilyDisabledUntil deleteAt deleteReason isAnonymized accountValidFrom accountValidUntil standardAttributes';

describe('Admin API user mutations', () => {
  let idp: TestIdp;
  let admin: AdminClient;

  beforeAll(async () => {
    idp = await startTestIdp({
      editConfig: (doc) => {
        doc.authentication.primary_authenticators = ['password', 'oob_otp_email'];
        doc.identity.login_id.keys = [{ type: 'email', key: 'email' }, { type: 'phone', key: 'phone' }];
        doc.user_profile = { custom_attributes: { attributes: [{ id: 'a1', pointer: '/membership_tier', type: 'enum', enum: ['gold', 'silver'] }, { id: 'a2', pointer: '/age', type: 'integer', minimum: 0 }, { id: 'a3', pointer: '/home_country', type: 'country_code' }] } };
      },
    });
    admin = await AdminClient.create(idp);
  });
  afterAll(() => idp.dispose());

  const setDisabled = (input: Record<string, unknown>) => admin.gql(`mutation ($i: SetDisabledStatusInput!) { setDisabledStatus(input: $i) { user { ${USER_FIELDS} } } }`, { i: input });

  it('createUser makes a user who can sign in with the given password; nothing is verified', async () => {
    const d = await admin.ok(`mutation ($i: CreateUserInput!) { createUser(input: $i) { user { id standardAttributes verifiedClaims { name } primaryPassword { type kind isDefault expireAfter } primaryOOBOTPEmailAuthenticator { claims } identities { totalCount } } } }`, {
      i: { definition: { loginID: { key: 'email', value: 'New.User@Example.com' } }, password: PASSWORD },
    });
    const u = d.createUser.user;
    expect(u.standardAttributes).toMatchObject({ email: 'new.user@example.com', email_verified: false });
    expect(u.verifiedClaims).toEqual([]);
    expect(u.primaryPassword).toEqual({ type: 'PASSWORD', kind: 'PRIMARY', isDefault: true, expireAfter: null });
    expect(u.primaryOOBOTPEmailAuthenticator.claims).toEqual({ 'https://authgear.com/claims/oob_otp/email': 'new.user@example.com' });
    expect((await passwordLogin(idp, 'new.user@example.com', PASSWORD)).body.result.action.type).toBe('finished');
  });

  it('createUser refuses a duplicate, an unknown key, a bad login ID, a weak password; a failing document creates nobody', async () => {
    await admin.createUser('dup@example.com');
    const dup = await admin.fails(`mutation { createUser(input: {definition: {loginID: {key: "email", value: "DUP@example.com"}}}) { user { id } } }`);
    expect(dup).toMatchObject({ errorName: 'Invalid', reason: 'InvariantViolated', message: 'identity already exists', data: { createUser: null } });
    expect(dup.info).toMatchObject({ cause: { kind: 'DuplicatedIdentity' }, IdentityTypeIncoming: 'login_id', LoginIDTypeIncoming: 'email', IdentityTypeExisting: 'login_id', LoginIDTypeExisting: 'email', ExistingIdentities: [{ IdentityType: 'login_id', LoginIDType: 'email' }] });
    expect(await admin.fails(`mutation { createUser(input: {definition: {loginID: {key: "nick", value: "x"}}}) { user { id } } }`)).toMatchObject({ reason: 'InvariantViolated', info: { cause: { kind: 'InvalidLoginIDKey' } } });
    expect(await admin.fails(`mutation { createUser(input: {definition: {loginID: {key: "email", value: ""}}}) { user { id } } }`)).toMatchObject({ reason: 'Invalid', message: 'login ID key & value is required' });
    expect(await admin.fails(`mutation { createUser(input: {definition: {loginID: {key: "phone", value: "12345"}}}) { user { id } } }`)).toMatchObject({ reason: 'ValidationFailed', message: 'invalid login ID' });
    const weak = await admin.fails(`mutation { createUser(input: {definition: {loginID: {key: "email", value: "weak@example.com"}}, password: "short"}) { user { id } } }`);
    expect(weak).toMatchObject({ reason: 'PasswordPolicyViolated', info: { causes: [{ Name: 'PasswordTooShort', Info: { min_length: 8, pw_length: 5 } }] } });
    const phoneOnly = await admin.fails(`mutation { createUser(input: {definition: {loginID: {key: "phone", value: "+85298765431"}}, password: "", sendPassword: true}) { user { id } } }`);
    expect(phoneOnly).toMatchObject({ reason: 'SendPasswordNoTarget', message: 'no target to send the password' });
    const both = await admin.gql(`mutation { a: createUser(input: {definition: {loginID: {key: "email", value: "first@example.com"}}}) { user { id } } b: createUser(input: {definition: {loginID: {key: "email", value: "dup@example.com"}}}) { user { id } } }`);
    // Like graphql-go: the failing field is null beside its sibling, and the whole document is rolled back.
    expect(both.data.a.user.id).toBeTruthy();
    expect(both.data.b).toBeNull();
    const lookups = await admin.ok(`{ a: getUserByLoginID(loginIDKey: "email", loginIDValue: "first@example.com") { id } b: getUserByLoginID(loginIDKey: "phone", loginIDValue: "+85298765431") { id } c: getUserByLoginID(loginIDKey: "email", loginIDValue: "weak@example.com") { id } }`);
    expect(lookups).toEqual({ a: null, b: null, c: null });
  });

  it('createUser with "" generates a password and mails it when asked; setPasswordExpired marks it expired', async () => {
    const d = await admin.ok(`mutation { createUser(input: {definition: {loginID: {key: "email", value: "gen@example.com"}}, password: "", sendPassword: true, setPasswordExpired: true}) { user { primaryPassword { expireAfter } } } }`);
    expect(d.createUser.user.primaryPassword.expireAfter).toMatch(/Z$/);
    const [mail] = await new FlowClient(idp.issuer, idp.consoleToken).outbox('gen@example.com');
    const password = /Your password: (\S+)/.exec(mail.body_text)![1];
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect((await passwordLogin(idp, 'gen@example.com', password)).body.result).toBeDefined();
  });

  it('createUser applies the account valid period', async () => {
    const from = new Date(idp.ctx.clock.nowMs() + 86_400_000).toISOString();
    const d = await admin.ok(`mutation ($f: DateTime) { createUser(input: {definition: {loginID: {key: "email", value: "later@example.com"}}, password: "${PASSWORD}", accountValidFrom: $f}) { user { isDisabled accountValidFrom } } }`, { f: from });
    expect(d.createUser.user.isDisabled).toBe(true);
    expect(Date.parse(d.createUser.user.accountValidFrom)).toBe(Date.parse(from));
    const login = await passwordLogin(idp, 'later@example.com', PASSWORD);
    expect(login.body.error.reason).toBe('UserOutsideValidPeriod');
  });

  it('updateUser replaces standard attributes from variables, drops derived keys, refills identity claims and validates', async () => {
    const id = await admin.createUser('attrs@example.com');
    const d = await admin.ok(`mutation ($id: ID!, $a: UserStandardAttributes!) { updateUser(input: {userID: $id, standardAttributes: $a}) { user { standardAttributes formattedName endUserAccountID updatedAt } } }`, {
      id,
      a: { given_name: 'Ada', family_name: 'Lovelace', nickname: 'Countess', email_verified: true, updated_at: 1, address: { country: 'GB' } },
    });
    const u = d.updateUser.user;
    expect(u.standardAttributes).toEqual({ given_name: 'Ada', family_name: 'Lovelace', nickname: 'Countess', address: { country: 'GB' }, email: 'attrs@example.com', email_verified: false, updated_at: Math.floor(Date.parse(u.updatedAt) / 1000) });
    expect(u.formattedName).toBe('Ada Lovelace (Countess)');
    expect(u.endUserAccountID).toBe('attrs@example.com');
    const bad = await admin.fails(`mutation ($id: ID!, $a: UserStandardAttributes!) { updateUser(input: {userID: $id, standardAttributes: $a}) { user { id } } }`, { id, a: { gender: '', zoneinfo: 'Mars/Olympus', foo: 1 } });
    // A day that does not exist is not a birthdate (Date.parse would quietly roll it over to March).
    const feb30 = await admin.fails(`mutation ($id: ID!, $a: UserStandardAttributes!) { updateUser(input: {userID: $id, standardAttributes: $a}) { user { id } } }`, { id, a: { birthdate: '1990-02-30' } });
    expect(feb30.info.causes).toEqual([expect.objectContaining({ location: '/birthdate', kind: 'format' })]);
    expect(bad).toMatchObject({ errorName: 'Invalid', reason: 'ValidationFailed', message: 'invalid value' });
    expect(bad.info.causes).toEqual(
      expect.arrayContaining([expect.objectContaining({ location: '/gender', kind: 'minLength' }), expect.objectContaining({ location: '/zoneinfo', kind: 'format' }), expect.objectContaining({ kind: 'additionalProperties' })]),
    );
    const notOwned = await admin.gql(`mutation ($id: ID!, $a: UserStandardAttributes!) { updateUser(input: {userID: $id, standardAttributes: $a}) { user { id } } }`, { id, a: { email: 'other@example.com' } });
    expect(notOwned.errors).toEqual([{ message: 'unexpected error', locations: [] }]);
  });

  it('an inline object literal for a JSON scalar fails validation as upstream words it; a JSON string literal works', async () => {
    const id = await admin.createUser('literal@example.com');
    const r = await admin.gql(`mutation { updateUser(input: {userID: "${id}", standardAttributes: {name: "A"}}) { user { id } } }`);
    expect(r.data).toBeNull();
    expect(r.errors![0].message).toMatch(/^Argument "input" has invalid value/);
    expect(r.errors![0].message).toContain('Expected type "UserStandardAttributes", found {name: "A"}.');
    expect(r.errors![0].extensions).toBeUndefined();
    const ok = await admin.ok(`mutation { updateUser(input: {userID: "${id}", standardAttributes: "{\\"name\\":\\"A\\"}"}) { user { standardAttributes } } }`);
    expect(ok.updateUser.user.standardAttributes.name).toBe('A');
  });

  it('updateUser replaces custom attributes, checked against their configuration', async () => {
    const id = await admin.createUser('custom@example.com');
    const d = await admin.ok(`mutation ($id: ID!, $c: UserCustomAttributes!) { updateUser(input: {userID: $id, customAttributes: $c}) { user { customAttributes } } }`, { id, c: { membership_tier: 'gold', age: 30 } });
    expect(d.updateUser.user.customAttributes).toEqual({ membership_tier: 'gold', age: 30 });
    // A country code follows upstream's format name, iso3166-1-alpha-2.
    const country = await admin.fails(`mutation ($id: ID!, $c: UserCustomAttributes!) { updateUser(input: {userID: $id, customAttributes: $c}) { user { id } } }`, { id, c: { home_country: 'hk' } });
    expect(country.info.causes).toEqual([expect.objectContaining({ location: '/home_country', kind: 'format', details: expect.objectContaining({ format: 'iso3166-1-alpha-2' }) })]);
    const bad = await admin.fails(`mutation ($id: ID!, $c: UserCustomAttributes!) { updateUser(input: {userID: $id, customAttributes: $c}) { user { id } } }`, { id, c: { membership_tier: 'bronze', age: -1, shoe: 42 } });
    expect(bad.reason).toBe('ValidationFailed');
    expect(bad.info.causes.map((c: any) => c.kind).sort()).toEqual(['additionalProperties', 'enum', 'minimum']);
  });

  it('mutations naming a missing or mistyped user fail with UserNotFound / Invalid', async () => {
    const ghost = Buffer.from('User:00000000-0000-4000-8000-000000000000').toString('base64url');
    expect(await admin.fails(`mutation { deleteUser(input: {userID: "${ghost}"}) { deletedUserID } }`)).toMatchObject({ errorName: 'NotFound', reason: 'UserNotFound', message: 'user not found' });
    expect(await admin.fails(`mutation { deleteUser(input: {userID: "garbage"}) { deletedUserID } }`)).toMatchObject({ errorName: 'Invalid', reason: 'Invalid', message: 'invalid user ID' });
    const role = Buffer.from('Role:x').toString('base64url');
    expect(await admin.fails(`mutation { resetPassword(input: {userID: "${role}"}) { user { id } } }`)).toMatchObject({ message: 'invalid user ID' });
  });

  it('setDisabledStatus: disabling ends sessions and refresh tokens, refuses sign-in; re-enabling lets the user back in', async () => {
    const id = await admin.createUser('disable@example.com', PASSWORD);
    const tokens = await appTokens(idp, 'disable@example.com', PASSWORD);
    const d = await setDisabled({ userID: id, isDisabled: true, reason: 'fraud' });
    expect(d.data.setDisabledStatus.user).toMatchObject({ isDisabled: true, disableReason: 'fraud' });
    expect((await admin.ok(`query ($id: ID!) { node(id: $id) { ... on User { sessions { totalCount } } } }`, { id })).node.sessions.totalCount).toBe(0);
    expect(await refresh(idp, tokens.refresh_token)).toEqual({ error: 'invalid_grant', error_description: 'invalid refresh token' });
    expect((await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
    const login = await passwordLogin(idp, 'disable@example.com', PASSWORD);
    expect(login.body.error).toMatchObject({ name: 'Forbidden', reason: 'DisabledUser', info: { reason: 'fraud' } });
    // Not idempotent: disabling again is a transition error.
    const again = await setDisabled({ userID: id, isDisabled: true });
    expect(again.errors![0].extensions).toMatchObject({ reason: 'InvalidAccountStatusTransition', info: { from: 'disabled', to: 'disabled' } });
    expect(again.errors![0].message).toBe('invalid account status transition: disabled -> disabled');
    const back = await setDisabled({ userID: id, isDisabled: false });
    expect(back.data.setDisabledStatus.user).toMatchObject({ isDisabled: false, disableReason: null });
    expect((await passwordLogin(idp, 'disable@example.com', PASSWORD)).body.result.action.type).toBe('finished');
    const enableTwice = await setDisabled({ userID: id, isDisabled: false });
    expect(enableTwice.errors![0].extensions).toMatchObject({ reason: 'InvalidAccountStatusTransition', info: { from: 'normal', to: 'normal' } });
  });

  it('setDisabledStatus with a temporary window: both bounds required; disabled inside it only, on the sandbox clock', async () => {
    const id = await admin.createUser('temp@example.com', PASSWORD);
    const now = idp.ctx.clock.nowMs();
    const iso = (ms: number) => new Date(ms).toISOString();
    const half = await setDisabled({ userID: id, isDisabled: true, temporarilyDisabledFrom: iso(now) });
    expect(half.errors![0].extensions).toMatchObject({ reason: 'InvalidAccountStatusTransition', info: { cause: { kind: 'TemporarilyDisabledPeriodMissingUntilTimestamp' } } });
    const past = await setDisabled({ userID: id, isDisabled: true, temporarilyDisabledFrom: iso(now - 7200_000), temporarilyDisabledUntil: iso(now - 3600_000) });
    expect(past.data.setDisabledStatus.user.isDisabled).toBe(false);
    const w = await setDisabled({ userID: id, isDisabled: true, reason: 'cooling off', temporarilyDisabledFrom: iso(now - 1000), temporarilyDisabledUntil: iso(now + 3600_000) });
    expect(w.data.setDisabledStatus.user).toMatchObject({ isDisabled: true, disableReason: 'cooling off' });
    expect((await passwordLogin(idp, 'temp@example.com', PASSWORD)).body.error.reason).toBe('DisabledUser');
    try {
      idp.ctx.clock.advance(3601_000);
      const later = await admin.ok(`query ($id: ID!) { node(id: $id) { ... on User { isDisabled } } }`, { id });
      expect(later.node.isDisabled).toBe(false);
      expect((await passwordLogin(idp, 'temp@example.com', PASSWORD)).body.result.action.type).toBe('finished');
    } finally {
      idp.ctx.clock.reset();
    }
  });

  it('resetPassword sets (or generates and mails) a new password that signs in; the old one stops working', async () => {
    const id = await admin.createUser('reset@example.com', PASSWORD);
    await admin.ok(`mutation ($id: ID!) { resetPassword(input: {userID: $id, password: "brand-new-pass-2"}) { user { id } } }`, { id });
    expect((await passwordLogin(idp, 'reset@example.com', PASSWORD)).body.error.reason).toBe('InvalidCredentials');
    expect((await passwordLogin(idp, 'reset@example.com', 'brand-new-pass-2')).body.result.action.type).toBe('finished');
    await admin.ok(`mutation ($id: ID!) { resetPassword(input: {userID: $id, sendPassword: true}) { user { id } } }`, { id });
    const [mail] = await new FlowClient(idp.issuer, idp.consoleToken).outbox('reset@example.com');
    const generated = /Your password: (\S+)/.exec(mail.body_text)![1];
    expect((await passwordLogin(idp, 'reset@example.com', generated)).body.result.action.type).toBe('finished');
    expect(await admin.fails(`mutation ($id: ID!) { resetPassword(input: {userID: $id, password: "x"}) { user { id } } }`, { id })).toMatchObject({ reason: 'PasswordPolicyViolated' });
    // A user without a password gets one.
    const bare = await admin.createUser('bare@example.com');
    const d = await admin.ok(`mutation ($id: ID!) { resetPassword(input: {userID: $id, password: "${PASSWORD}"}) { user { primaryPassword { type } } } }`, { id: bare });
    expect(d.resetPassword.user.primaryPassword).toEqual({ type: 'PASSWORD' });
  });

  it('setPasswordExpired marks and clears expiry; without a password it is AuthenticatorNotFound', async () => {
    const id = await admin.createUser('expire@example.com', PASSWORD);
    const on = await admin.ok(`mutation ($id: ID!) { setPasswordExpired(input: {userID: $id, expired: true}) { user { primaryPassword { expireAfter } } } }`, { id });
    expect(on.setPasswordExpired.user.primaryPassword.expireAfter).not.toBeNull();
    const off = await admin.ok(`mutation ($id: ID!) { setPasswordExpired(input: {userID: $id, expired: false}) { user { primaryPassword { expireAfter } } } }`, { id });
    expect(off.setPasswordExpired.user.primaryPassword.expireAfter).toBeNull();
    // Expired: the next sign-in must change it (force_change_reason "expiry"), then it is fresh.
    await admin.ok(`mutation ($id: ID!) { setPasswordExpired(input: {userID: $id, expired: true}) { user { id } } }`, { id });
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    const login = await c.create('login', { batch_input: [{ identification: 'email', login_id: 'expire@example.com' }, { authentication: 'primary_password', password: PASSWORD }] });
    expect(login.body.result.action).toMatchObject({ type: 'change_password', data: { force_change_reason: 'expiry' } });
    const changed = await c.input(login.body.result.state_token, { new_password: 'fresh-password-9' });
    expect(changed.body.result.action.type).toBe('finished');
    expect((await passwordLogin(idp, 'expire@example.com', 'fresh-password-9')).body.result.action.type).toBe('finished');
    const none = await admin.createUser('nopass@example.com');
    expect(await admin.fails(`mutation ($id: ID!) { setPasswordExpired(input: {userID: $id, expired: true}) { user { id } } }`, { id: none })).toMatchObject({ errorName: 'NotFound', reason: 'AuthenticatorNotFound' });
  });

  it('generateOOBOTPCode returns a 6-digit code the e-mail OTP sign-in accepts; nothing is sent', async () => {
    await admin.createUser('otp@example.com');
    const c = new FlowClient(idp.issuer, idp.consoleToken);
    const start = await c.create('login', { batch_input: [{ identification: 'email', login_id: 'otp@example.com' }] });
    const options = start.body.result.action.data.options;
    const index = options.findIndex((o: any) => o.authentication === 'primary_oob_otp_email');
    const waiting = await c.input(start.body.result.state_token, { authentication: 'primary_oob_otp_email', index });
    const sentBefore = (await c.outbox('otp@example.com')).length;
    const d = await admin.ok(`mutation ($to: String!) { generateOOBOTPCode(input: {target: $to, purpose: LOGIN}) { code } }`, { to: 'OTP@example.com' });
    expect(d.generateOOBOTPCode.code).toMatch(/^\d{6}$/);
    expect((await c.outbox('otp@example.com')).length).toBe(sentBefore);
    const done = await c.input(waiting.body.result.state_token, { code: d.generateOOBOTPCode.code });
    expect(done.body.result.action.type).toBe('finished');
    const phone = await admin.ok(`mutation { generateOOBOTPCode(input: {target: "+447700900123"}) { code } }`);
    expect(phone.generateOOBOTPCode.code).toMatch(/^\d{6}$/);
  });

  it('setVerifiedStatus marks a claim verified and unverified (derived email_verified follows)', async () => {
    const id = await admin.createUser('verify@example.com');
    const v = async (flag: boolean) =>
      (await admin.ok(`mutation ($id: ID!, $f: Boolean!) { setVerifiedStatus(input: {userID: $id, claimName: "email", claimValue: "verify@example.com", isVerified: $f}) { user { verifiedClaims { name value } standardAttributes } } }`, { id, f: flag })).setVerifiedStatus.user;
    const on = await v(true);
    expect(on.verifiedClaims).toEqual([{ name: 'email', value: 'verify@example.com' }]);
    expect(on.standardAttributes.email_verified).toBe(true);
    expect((await v(true)).verifiedClaims).toHaveLength(1);
    const off = await v(false);
    expect(off.verifiedClaims).toEqual([]);
    expect(off.standardAttributes.email_verified).toBe(false);
  });

  it('sendResetPasswordMessage sends the reset link to the login ID; the link resets the password', async () => {
    await admin.createUser('forgot@example.com', PASSWORD);
    const r = await admin.gql(`mutation { sendResetPasswordMessage(input: {loginID: "forgot@example.com"}) }`);
    expect(r).toMatchObject({ status: 200, data: { sendResetPasswordMessage: null } });
    expect(r.errors).toBeUndefined();
    const [mail] = await new FlowClient(idp.issuer, idp.consoleToken).outbox('forgot@example.com');
    expect(mail.link).toContain('/authflow/v2/reset_password?code=');
    const agent = new Agent(idp.issuer);
    const page = await agent.follow(mail.link);
    await submit(agent, page.body, { new_password: 'after-reset-pass-3' });
    expect((await passwordLogin(idp, 'forgot@example.com', 'after-reset-pass-3')).body.result.action.type).toBe('finished');
    expect(await admin.fails(`mutation { sendResetPasswordMessage(input: {loginID: "nobody@example.com"}) }`)).toMatchObject({ reason: 'UserNotFound' });
  });

  it('scheduleAccountDeletion disables the user until unscheduled; deleteUser removes everything and echoes the ID', async () => {
    const id = await admin.createUser('leaving@example.com', PASSWORD);
    const s = await admin.ok(`mutation ($id: ID!) { scheduleAccountDeletion(input: {userID: $id, reason: "asked"}) { user { isDisabled deleteAt deleteReason } } }`, { id });
    expect(s.scheduleAccountDeletion.user.isDisabled).toBe(true);
    expect(s.scheduleAccountDeletion.user.deleteReason).toBe('asked');
    expect(Date.parse(s.scheduleAccountDeletion.user.deleteAt) - idp.ctx.clock.nowMs()).toBeGreaterThan(29 * 86_400_000);
    expect((await passwordLogin(idp, 'leaving@example.com', PASSWORD)).body.error.reason).toBe('ScheduledDeletionByAdmin');
    const twice = await admin.gql(`mutation ($id: ID!) { scheduleAccountDeletion(input: {userID: $id}) { user { id } } }`, { id });
    expect(twice.errors![0].extensions!.reason).toBe('InvalidAccountStatusTransition');
    const u = await admin.ok(`mutation ($id: ID!) { unscheduleAccountDeletion(input: {userID: $id}) { user { isDisabled deleteAt } } }`, { id });
    expect(u.unscheduleAccountDeletion.user).toEqual({ isDisabled: false, deleteAt: null });
    const del = await admin.ok(`mutation ($id: ID!) { deleteUser(input: {userID: $id, reason: "gone"}) { deletedUserID } }`, { id });
    expect(del.deleteUser.deletedUserID).toBe(id);
    expect((await admin.ok(`query ($id: ID!) { node(id: $id) { id } }`, { id })).node).toBeNull();
    expect((await passwordLogin(idp, 'leaving@example.com', PASSWORD)).body.error.reason).toBe('UserNotFound');
  });

  it('anonymizeUser removes identities and attributes now; an anonymized user cannot be changed', async () => {
    const id = await admin.createUser('anon@example.com', PASSWORD);
    const d = await admin.ok(`mutation ($id: ID!) { anonymizeUser(input: {userID: $id}) { anonymizedUserID } }`, { id });
    expect(d.anonymizeUser.anonymizedUserID).toBe(id);
    const u = await admin.ok(`query ($id: ID!) { node(id: $id) { ... on User { isAnonymized isDisabled identities { totalCount } standardAttributes } } }`, { id });
    expect(u.node).toMatchObject({ isAnonymized: true, isDisabled: true, identities: { totalCount: 0 } });
    expect(await admin.fails(`mutation ($id: ID!) { updateUser(input: {userID: $id, customAttributes: "{}"}) { user { id } } }`, { id })).toMatchObject({ reason: 'UserIsAnonymized' });
    expect((await admin.gql(`mutation ($id: ID!) { setDisabledStatus(input: {userID: $id, isDisabled: false}) { user { id } } }`, { id })).errors![0].extensions!.info).toMatchObject({ from: 'anonymized' });
  });

  it('setAccountValidPeriod bounds sign-in in time; null clears; from must be before until', async () => {
    const id = await admin.createUser('valid@example.com', PASSWORD);
    const now = idp.ctx.clock.nowMs();
    const bad = await admin.gql(`mutation ($id: ID!, $f: DateTime, $u: DateTime) { setAccountValidPeriod(input: {userID: $id, accountValidFrom: $f, accountValidUntil: $u}) { user { id } } }`, { id, f: new Date(now + 2000).toISOString(), u: new Date(now + 1000).toISOString() });
    expect(bad.errors![0].extensions).toMatchObject({ reason: 'InvalidAccountStatusTransition', info: { cause: { kind: 'AccountValidFromShouldBeBeforeAccountValidUntil' } } });
    await admin.ok(`mutation ($id: ID!, $u: DateTime) { setAccountValidUntil(input: {userID: $id, accountValidUntil: $u}) { user { id } } }`, { id, u: new Date(now - 1000).toISOString() });
    expect((await passwordLogin(idp, 'valid@example.com', PASSWORD)).body.error.reason).toBe('UserOutsideValidPeriod');
    const cleared = await admin.ok(`mutation ($id: ID!) { setAccountValidUntil(input: {userID: $id, accountValidUntil: null}) { user { isDisabled accountValidUntil } } }`, { id });
    expect(cleared.setAccountValidUntil.user).toEqual({ isDisabled: false, accountValidUntil: null });
  });

  it('DateTime comes out in UTC with Go-style fractions and takes an explicit offset in', async () => {
    const id = await admin.createUser('dt@example.com');
    const d = await admin.ok(`mutation ($id: ID!) { setMFAGracePeriod(input: {userID: $id, endAt: "2099-05-01T10:00:00.250+02:00"}) { user { mfaGracePeriodEndAt } } }`, { id });
    expect(d.setMFAGracePeriod.user.mfaGracePeriodEndAt).toBe('2099-05-01T08:00:00.25Z');
    const noOffset = await admin.gql(`mutation ($id: ID!) { setMFAGracePeriod(input: {userID: $id, endAt: "2099-05-01T10:00:00"}) { user { id } } }`, { id });
    expect(noOffset.data).toBeNull();
    expect(await admin.fails(`mutation ($id: ID!) { setMFAGracePeriod(input: {userID: $id, endAt: "2000-01-01T00:00:00Z"}) { user { id } } }`, { id })).toMatchObject({ reason: 'MFAGracePeriodInvalid' });
    const removed = await admin.ok(`mutation ($id: ID!) { removeMFAGracePeriod(input: {userID: $id}) { user { mfaGracePeriodEndAt } } }`, { id });
    expect(removed.removeMFAGracePeriod.user.mfaGracePeriodEndAt).toBeNull();
    expect(rawId(id)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
