/**
 * Identities, authenticators, sessions and authorizations through the Admin API (spec
 * admin-api.md 5.2, 7, 8.4), with their effects on sign-in and on refresh tokens.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { AdminClient, passwordLogin, appTokens, refresh, nodeId } from '../helpers/admin';

const PASSWORD = 'correct-horse-1';

describe('Admin API identities and authenticators', () => {
  let idp: TestIdp;
  let admin: AdminClient;

  beforeAll(async () => {
    idp = await startTestIdp({ editConfig: (doc) => (doc.identity.login_id.keys = [{ type: 'email', key: 'email' }, { type: 'username', key: 'username' }]) });
    admin = await AdminClient.create(idp);
  });
  afterAll(() => idp.dispose());

  it('createIdentity adds a login ID that signs in; updateIdentity changes it; deleteIdentity removes it but never the last one', async () => {
    const id = await admin.createUser('ids@example.com', PASSWORD);
    const c = await admin.ok(`mutation ($id: ID!) { createIdentity(input: {userID: $id, definition: {loginID: {key: "username", value: "IdsUser"}}}) { identity { id type claims } user { identities { totalCount } standardAttributes } } }`, { id });
    expect(c.createIdentity.identity.type).toBe('LOGIN_ID');
    expect(c.createIdentity.identity.claims).toMatchObject({ preferred_username: 'idsuser', 'https://authgear.com/claims/login_id/original_value': 'IdsUser' });
    expect(c.createIdentity.user.identities.totalCount).toBe(2);
    expect(c.createIdentity.user.standardAttributes.preferred_username).toBe('idsuser');
    const dup = await admin.fails(`mutation ($id: ID!) { createIdentity(input: {userID: $id, definition: {loginID: {key: "username", value: "idsuser"}}}) { identity { id } } }`, { id });
    expect(dup).toMatchObject({ reason: 'InvariantViolated', info: { cause: { kind: 'DuplicatedIdentity' } } });
    const emailIdentity = (await admin.ok(`query ($id: ID!) { node(id: $id) { ... on User { identities(identityType: LOGIN_ID, first: 1) { edges { cursor node { id } } pageInfo { hasNextPage } } } } }`, { id })).node.identities;
    expect(emailIdentity.edges[0].cursor).toBe(Buffer.from('arrayconnection:0').toString('base64'));
    expect(emailIdentity.pageInfo.hasNextPage).toBe(true);
    const identityID = emailIdentity.edges[0].node.id;
    const u = await admin.ok(`mutation ($id: ID!, $iid: ID!) { updateIdentity(input: {userID: $id, identityID: $iid, definition: {loginID: {key: "email", value: "renamed@example.com"}}}) { identity { claims(names: ["email"]) } user { standardAttributes } } }`, { id, iid: identityID });
    expect(u.updateIdentity.identity.claims).toEqual({ email: 'renamed@example.com' });
    expect(u.updateIdentity.user.standardAttributes.email).toBe('renamed@example.com');
    expect((await passwordLogin(idp, 'renamed@example.com', PASSWORD)).body.result.action.type).toBe('finished');
    expect((await passwordLogin(idp, 'ids@example.com', PASSWORD)).body.error.reason).toBe('UserNotFound');
    const other = await admin.createUser('other-owner@example.com');
    expect(await admin.fails(`mutation ($id: ID!, $iid: ID!) { updateIdentity(input: {userID: $id, identityID: $iid, definition: {loginID: {key: "email", value: "x@example.com"}}}) { identity { id } } }`, { id: other, iid: identityID })).toMatchObject({ reason: 'InvariantViolated', info: { cause: { kind: 'IdentityNotBelongToUser' } } });
    const d = await admin.ok(`mutation ($iid: ID!) { deleteIdentity(input: {identityID: $iid}) { user { identities { totalCount } standardAttributes } } }`, { iid: identityID });
    expect(d.deleteIdentity.user.identities.totalCount).toBe(1);
    expect(d.deleteIdentity.user.standardAttributes.email).toBeUndefined();
    const last = (await admin.ok(`query ($id: ID!) { node(id: $id) { ... on User { loginIDs { id } } } }`, { id })).node.loginIDs[0].id;
    expect(await admin.fails(`mutation ($iid: ID!) { deleteIdentity(input: {identityID: $iid}) { user { id } } }`, { iid: last })).toMatchObject({ reason: 'InvariantViolated', info: { cause: { kind: 'RemoveLastIdentity' } } });
    expect(await admin.fails(`mutation { deleteIdentity(input: {identityID: "${nodeId('Identity', 'missing')}"}) { user { id } } }`)).toMatchObject({ errorName: 'NotFound', reason: 'IdentityNotFound' });
    expect(await admin.fails(`mutation { deleteIdentity(input: {identityID: "bad"}) { user { id } } }`)).toMatchObject({ reason: 'Invalid', message: 'invalid identity ID' });
  });

  it('createAuthenticator adds a password that signs in; definition errors; deleteAuthenticator keeps the last primary', async () => {
    const id = await admin.createUser('authn@example.com');
    expect(await admin.fails(`mutation ($id: ID!) { createAuthenticator(input: {userID: $id, definition: {kind: PRIMARY, type: PASSWORD}}) { authenticator { id } } }`, { id })).toMatchObject({ reason: 'Invalid', message: 'definition/password is required' });
    expect(await admin.fails(`mutation ($id: ID!) { createAuthenticator(input: {userID: $id, definition: {kind: SECONDARY, type: TOTP}}) { authenticator { id } } }`, { id })).toMatchObject({ reason: 'Invalid', message: 'unsupported authenticator type' });
    const c = await admin.ok(`mutation ($id: ID!) { createAuthenticator(input: {userID: $id, definition: {kind: PRIMARY, type: PASSWORD, password: {password: "${PASSWORD}"}}}) { authenticator { id kind type isDefault claims } } }`, { id });
    expect(c.createAuthenticator.authenticator).toMatchObject({ kind: 'PRIMARY', type: 'PASSWORD', isDefault: true, claims: {} });
    expect((await passwordLogin(idp, 'authn@example.com', PASSWORD)).body.result.action.type).toBe('finished');
    expect(await admin.fails(`mutation ($id: ID!) { createAuthenticator(input: {userID: $id, definition: {kind: PRIMARY, type: PASSWORD, password: {password: "${PASSWORD}"}}}) { authenticator { id } } }`, { id })).toMatchObject({ reason: 'InvariantViolated', info: { cause: { kind: 'DuplicatedAuthenticator' } } });
    const email = await admin.ok(`mutation ($id: ID!) { createAuthenticator(input: {userID: $id, definition: {kind: SECONDARY, type: OOB_OTP_EMAIL, oobOtpEmail: {email: "Second@Example.com"}}}) { authenticator { id claims } } }`, { id });
    expect(email.createAuthenticator.authenticator.claims).toEqual({ 'https://authgear.com/claims/oob_otp/email': 'second@example.com' });
    const last = await admin.fails(`mutation ($a: ID!) { deleteAuthenticator(input: {authenticatorID: $a}) { user { id } } }`, { a: c.createAuthenticator.authenticator.id });
    expect(last).toMatchObject({ reason: 'InvariantViolated', info: { cause: { kind: 'RemoveLastPrimaryAuthenticator' } } });
    const d = await admin.ok(`mutation ($a: ID!) { deleteAuthenticator(input: {authenticatorID: $a}) { user { secondaryOOBOTPEmailAuthenticators { id } authenticators { totalCount } } } }`, { a: email.createAuthenticator.authenticator.id });
    expect(d.deleteAuthenticator.user).toEqual({ secondaryOOBOTPEmailAuthenticators: [], authenticators: { totalCount: 1 } });
  });
});

describe('Admin API sessions', () => {
  let idp: TestIdp;
  let admin: AdminClient;

  beforeAll(async () => {
    idp = await startTestIdp();
    admin = await AdminClient.create(idp);
  });
  afterAll(() => idp.dispose());

  const sessions = async (id: string) =>
    (await admin.ok(`query ($id: ID!) { node(id: $id) { ... on User { sessions { totalCount edges { node { id type clientID amr acr applicationName displayName createdByIP lastAccessedByIP createdAt lastAccessedAt } } } } } }`, { id })).node.sessions;

  it('lists the browser session and the app refresh token; revokeSession ends one (its refresh token stops working)', async () => {
    const id = await admin.createUser('sess@example.com', PASSWORD);
    const tokens = await appTokens(idp, 'sess@example.com', PASSWORD);
    const s = await sessions(id);
    expect(s.totalCount).toBe(2);
    const types = s.edges.map((e: any) => e.node.type).sort();
    expect(types).toEqual(['IDP', 'OFFLINE_GRANT']);
    const grant = s.edges.find((e: any) => e.node.type === 'OFFLINE_GRANT').node;
    expect(grant).toMatchObject({ clientID: 'sandbox-spa', applicationName: 'Sandbox SPA', acr: null, createdByIP: '127.0.0.1' });
    expect(grant.amr).toContain('pwd');
    expect((await refresh(idp, tokens.refresh_token)).access_token).toBeTruthy();
    const r = await admin.ok(`mutation ($s: ID!) { revokeSession(input: {sessionID: $s}) { user { sessions { totalCount } } } }`, { s: grant.id });
    expect(r.revokeSession.user.sessions.totalCount).toBe(1);
    expect(await refresh(idp, tokens.refresh_token)).toEqual({ error: 'invalid_grant', error_description: 'invalid refresh token' });
    // Upstream quirk: an unknown session is a plain error.
    const gone = await admin.gql(`mutation ($s: ID!) { revokeSession(input: {sessionID: $s}) { user { id } } }`, { s: grant.id });
    expect(gone.errors).toEqual([{ message: 'unexpected error', locations: [] }]);
    expect((await admin.gql(`query ($s: ID!) { node(id: $s) { id } }`, { s: grant.id })).errors![0].message).toBe('unexpected error');
  });

  it('revokeAllSessions ends every session of the user', async () => {
    const id = await admin.createUser('all@example.com', PASSWORD);
    const a = await appTokens(idp, 'all@example.com', PASSWORD);
    const b = await appTokens(idp, 'all@example.com', PASSWORD);
    expect((await sessions(id)).totalCount).toBeGreaterThanOrEqual(3);
    await admin.ok(`mutation ($id: ID!) { revokeAllSessions(input: {userID: $id}) { user { id } } }`, { id });
    expect((await sessions(id)).totalCount).toBe(0);
    for (const t of [a, b]) {
      expect((await refresh(idp, t.refresh_token)).error).toBe('invalid_grant');
      expect((await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${t.access_token}` } })).status).toBe(401);
    }
  });

  it('createSession issues working tokens for a first-party client; refuses unknown and third-party clients and bad device info', async () => {
    const id = await admin.createUser('created@example.com');
    const deviceInfo = Buffer.from(JSON.stringify({ ios: { uname: { machine: 'iPhone15,2' } } })).toString('base64url');
    const d = await admin.ok(`mutation ($id: ID!, $d: String) { createSession(input: {userID: $id, clientID: "sandbox-spa", deviceInfo: $d}) { accessToken refreshToken tokenType expiresIn } }`, { id, d: deviceInfo });
    expect(d.createSession).toMatchObject({ tokenType: 'Bearer', expiresIn: 1800 });
    const info = await fetch(`${idp.issuer}/oauth2/userinfo`, { headers: { authorization: `Bearer ${d.createSession.accessToken}` } });
    expect(info.status).toBe(200);
    expect((await info.json()).email).toBe('created@example.com');
    expect((await refresh(idp, d.createSession.refreshToken)).access_token).toBeTruthy();
    const s = await sessions(id);
    expect(s.edges[0].node).toMatchObject({ type: 'OFFLINE_GRANT', displayName: 'iPhone15,2, Sandbox SPA' });
    expect(await admin.fails(`mutation ($id: ID!) { createSession(input: {userID: $id, clientID: "nope"}) { accessToken } }`, { id })).toMatchObject({ reason: 'Invalid', message: 'invalid client ID' });
    expect(await admin.fails(`mutation ($id: ID!) { createSession(input: {userID: $id, clientID: "sandbox-spa", deviceInfo: "%%%"}) { accessToken } }`, { id })).toMatchObject({ reason: 'Invalid', message: 'invalid device info' });
  });
});
