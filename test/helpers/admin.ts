/**
 * A GraphQL client for the Admin API, as a developer's backend would use it: POST JSON with a
 * bearer admin JWT. Tokens come from the console endpoint (`POST /_sandbox/api/admin-token`).
 */
import type { TestIdp } from './idp';
import { FlowClient } from './authflow';
import { Agent, signInThroughPages } from './agent';
import { pkcePair } from './pkce';

export interface GqlResponse<T = any> {
  status: number;
  data: T;
  errors?: { message: string; path?: string[]; locations?: unknown[]; extensions?: { errorName: string; reason: string; info?: any } }[];
  headers: Headers;
}

export async function adminToken(idp: TestIdp, lifetimeSeconds?: number): Promise<string> {
  const res = await fetch(`${idp.issuer}/_sandbox/api/admin-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${idp.consoleToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(lifetimeSeconds ? { lifetime_seconds: lifetimeSeconds } : {}),
  });
  if (res.status !== 200) throw new Error(`admin-token: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

export class AdminClient {
  constructor(
    readonly idp: TestIdp,
    private token: string,
  ) {}

  static async create(idp: TestIdp): Promise<AdminClient> {
    return new AdminClient(idp, await adminToken(idp, 3600));
  }

  async raw(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.idp.issuer}/_api/admin/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> {
    const res = await this.raw({ query, variables });
    const text = await res.text();
    let parsed: any;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`admin API answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
    }
    return { status: res.status, data: parsed.data, errors: parsed.errors, headers: res.headers };
  }

  /** Runs and fails the test on any GraphQL error. */
  async ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const r = await this.gql<T>(query, variables);
    if (r.status !== 200 || r.errors?.length) throw new Error(`admin API error: ${r.status} ${JSON.stringify(r.errors)}`);
    return r.data;
  }

  /** The first error's extensions (reason, errorName, info), failing when there is none. */
  async fails(query: string, variables?: Record<string, unknown>): Promise<{ message: string; errorName?: string; reason?: string; info?: any; data: any }> {
    const r = await this.gql(query, variables);
    if (!r.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(r.data)}`);
    const e = r.errors[0];
    return { message: e.message, errorName: e.extensions?.errorName, reason: e.extensions?.reason, info: e.extensions?.info, data: r.data };
  }

  /** Creates a user with an e-mail login ID (and a password when given); returns its node ID. */
  async createUser(email: string, password?: string): Promise<string> {
    const d = await this.ok(
      `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`,
      { input: { definition: { loginID: { key: 'email', value: email } }, ...(password !== undefined ? { password } : {}) } },
    );
    return d.createUser.user.id;
  }
}

export function nodeId(type: string, raw: string): string {
  return Buffer.from(`${type}:${raw}`).toString('base64url');
}

export function rawId(nodeID: string): string {
  return Buffer.from(nodeID, 'base64url').toString('utf8').split(':')[1];
}


/** A password sign-in through the Authentication Flow API; the client keeps the session cookie. */
export async function passwordLogin(idp: TestIdp, email: string, password: string): Promise<{ status: number; body: any; client: FlowClient }> {
  const client = new FlowClient(idp.issuer, idp.consoleToken);
  const r = await client.create('login', { batch_input: [{ identification: 'email', login_id: email }, { authentication: 'primary_password', password }] });
  return { status: r.status, body: r.body, client };
}

/** Signs in through the built-in pages and exchanges the code: the app's tokens (with a refresh token). */
export async function appTokens(idp: TestIdp, email: string, password: string): Promise<{ access_token: string; refresh_token: string; id_token: string }> {
  const agent = new Agent(idp.issuer);
  const { verifier, challenge } = pkcePair();
  const redirect = 'http://localhost:3000/auth-redirect';
  const q = new URLSearchParams({ client_id: 'sandbox-spa', redirect_uri: redirect, response_type: 'code', scope: 'openid offline_access', code_challenge: challenge, code_challenge_method: 'S256' });
  const cb = await signInThroughPages(agent, `${idp.issuer}/oauth2/authorize?${q}`, { email, password }, 'login');
  const code = new URL(cb).searchParams.get('code');
  if (!code) throw new Error(`no code in ${cb}`);
  const res = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'sandbox-spa', code, redirect_uri: redirect, code_verifier: verifier }) });
  return res.json();
}

export async function refresh(idp: TestIdp, refreshToken: string): Promise<any> {
  const res = await fetch(`${idp.issuer}/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'sandbox-spa', refresh_token: refreshToken }) });
  return res.json();
}
