/**
 * The audit log (spec admin-api.md 12): end-user sign-up, sign-in, failed sign-in and sign-out,
 * and every admin mutation, recorded with upstream's event types and read back through
 * `auditLogs` with its filters.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { importPKCS8, SignJWT } from 'jose';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { AdminClient, passwordLogin, nodeId, rawId } from '../helpers/admin';
import { Agent, formOf, prepareSignUp } from '../helpers/agent';

const PASSWORD = 'correct-horse-1';
const LOGS = `query ($types: [AuditLogActivityType!], $users: [ID!], $from: DateTime, $to: DateTime, $dir: SortDirection, $first: Int) {
  auditLogs(activityTypes: $types, userIDs: $users, rangeFrom: $from, rangeTo: $to, sortDirection: $dir, first: $first) {
    totalCount edges { node { id activityType createdAt ipAddress userAgent clientID user { id } data } }
  }
}`;

describe('Admin API audit log', () => {
  let idp: TestIdp;
  let admin: AdminClient;

  beforeAll(async () => {
    idp = await startTestIdp();
    admin = await AdminClient.create(idp);
  });
  afterAll(() => idp.dispose());

  const logs = async (vars: Record<string, unknown> = {}) => (await admin.ok(LOGS, vars)).auditLogs;
  const typesOf = (l: any) => l.edges.map((e: any) => e.node.activityType);

  it('records sign-up, sign-in, a wrong password, an unknown login ID and sign-out as upstream names them', async () => {
    const agent = new Agent(idp.issuer);
    const form = await prepareSignUp(agent, 'audited@example.com');
    await agent.follow(form.action, { form: { x_csrf_token: form.csrf, x_state_token: form.token, new_password: PASSWORD } });
    const user = await admin.ok(`{ getUserByLoginID(loginIDKey: "email", loginIDValue: "audited@example.com") { id } }`);
    const userId = user.getUserByLoginID.id;
    expect((await passwordLogin(idp, 'audited@example.com', 'wrong-password')).body.error.reason).toBe('InvalidCredentials');
    expect((await passwordLogin(idp, 'nobody@example.com', PASSWORD)).body.error.reason).toBe('UserNotFound');
    const ok = await passwordLogin(idp, 'audited@example.com', PASSWORD);
    expect(ok.body.result.action.type).toBe('finished');
    // Sign out through the built-in /logout page with the session cookie of the sign-up.
    const page = await agent.follow('/logout');
    const f = formOf(page.body);
    await agent.follow(f.action, { form: { x_csrf_token: f.csrf } });

    const l = await logs({ users: [userId], dir: 'ASC' });
    expect(typesOf(l)).toEqual(['USER_CREATED', 'AUTHENTICATION_PRIMARY_PASSWORD_FAILED', 'USER_AUTHENTICATED', 'USER_SIGNED_OUT']);
    const created = l.edges[0].node;
    expect(created.user.id).toBe(userId);
    expect(created.ipAddress).toBe('127.0.0.1');
    expect(created.id).toBe(nodeId('AuditLog', Number(created.data.seq).toString(16).padStart(16, '0')));
    expect(created.data).toMatchObject({ type: 'user.created', payload: { user: { id: rawId(userId) } }, context: { triggered_by: 'user', user_id: rawId(userId), app_id: 'sandbox' } });
    expect(l.edges[1].node.data.payload).toMatchObject({ authentication_stage: 'primary', authenticator_type: 'password' });
    const failedLoginId = await logs({ types: ['AUTHENTICATION_IDENTITY_LOGIN_ID_FAILED'] });
    expect(failedLoginId.edges[0].node.data.payload).toEqual({ login_id: 'nobody@example.com' });
    expect(failedLoginId.edges[0].node.user).toBeNull();
    const node = await admin.ok(`query ($id: ID!) { node(id: $id) { ... on AuditLog { activityType } } }`, { id: created.id });
    expect(node.node.activityType).toBe('USER_CREATED');
  });

  it('records one ADMIN_API_MUTATION_*_EXECUTED entry per mutation, with the domain event, and none for a rolled-back document', async () => {
    const id = await admin.createUser('mutated@example.com');
    await admin.ok(`mutation ($id: ID!) { setDisabledStatus(input: {userID: $id, isDisabled: true, reason: "x"}) { user { id } } }`, { id });
    await admin.gql(`mutation ($id: ID!) { a: setDisabledStatus(input: {userID: $id, isDisabled: false}) { user { id } } b: deleteUser(input: {userID: "garbage"}) { deletedUserID } }`, { id });
    await admin.ok(`mutation { generateOOBOTPCode(input: {target: "mutated@example.com"}) { code } }`);
    const l = await logs({ users: [id], dir: 'ASC' });
    expect(typesOf(l)).toEqual(['USER_CREATED', 'ADMIN_API_MUTATION_CREATE_USER_EXECUTED', 'USER_DISABLED', 'ADMIN_API_MUTATION_SET_DISABLED_STATUS_EXECUTED']);
    expect(l.edges[0].node.data.context.triggered_by).toBe('admin_api');
    expect(l.edges[3].node.data.payload).toMatchObject({ is_disabled: true, user: { id: rawId(id), is_disabled: true, disable_reason: 'x' } });
    const otp = await logs({ types: ['ADMIN_API_MUTATION_GENERATE_OOB_OTP_CODE_EXECUTED'] });
    expect(otp.edges[0].node.data.payload).toEqual({ target: 'mutated@example.com', purpose: 'LOGIN' });
  });

  it('copies the token audit_context into the entries of the request', async () => {
    const keys = await (await fetch(`${idp.issuer}/_sandbox/api/admin-api-keys`, { headers: { authorization: `Bearer ${idp.consoleToken}` } })).json();
    const key = await importPKCS8(keys.keys[0].private_key_pem, 'RS256');
    const token = await new SignJWT({ aud: 'sandbox', audit_context: { actor: 'support-bot' } }).setProtectedHeader({ alg: 'RS256', kid: keys.keys[0].kid }).sign(key);
    const res = await fetch(`${idp.issuer}/_api/admin/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { createRole(input: {key: "ctx"}) { role { id } } }' }) });
    expect(res.status).toBe(200);
    const l = await logs({ types: ['ADMIN_API_MUTATION_CREATE_ROLE_EXECUTED'] });
    expect(l.edges[0].node.data.context.audit_context).toEqual({ actor: 'support-bot' });
  });

  it('filters by type, user, time range (from inclusive, to exclusive) and sorts; bad user IDs are refused', async () => {
    const all = await logs();
    expect(all.totalCount).toBeGreaterThan(5);
    const times = all.edges.map((e: any) => Date.parse(e.node.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const asc = await logs({ dir: 'ASC', first: 2 });
    expect(asc.edges[0].node.id).toBe(all.edges[all.edges.length - 1].node.id);
    const t0 = all.edges[0].node.createdAt;
    expect((await logs({ from: t0 })).edges.every((e: any) => Date.parse(e.node.createdAt) >= Date.parse(t0))).toBe(true);
    expect((await logs({ to: t0 })).edges.every((e: any) => Date.parse(e.node.createdAt) < Date.parse(t0))).toBe(true);
    const future = new Date(idp.ctx.clock.nowMs() + 3600_000).toISOString();
    expect((await logs({ from: future })).totalCount).toBe(0);
    const typed = await logs({ types: ['USER_CREATED', 'USER_DISABLED'] });
    expect(new Set(typesOf(typed))).toEqual(new Set(['USER_CREATED', 'USER_DISABLED']));
    expect(await admin.fails(LOGS, { users: ['garbage'] })).toMatchObject({ reason: 'Invalid', message: 'invalid user IDs' });
    // The sign-up code went to audited@example.com: EMAIL_SENT, found by the address filter.
    const mail = await admin.ok(`{ auditLogs(emailAddresses: ["audited@example.com"]) { totalCount edges { node { activityType data } } } }`);
    expect(mail.auditLogs.totalCount).toBe(1);
    expect(mail.auditLogs.edges[0].node.activityType).toBe('EMAIL_SENT');
    expect(mail.auditLogs.edges[0].node.data.payload).toMatchObject({ recipient: 'audited@example.com', type: 'verification' });
  });
});
