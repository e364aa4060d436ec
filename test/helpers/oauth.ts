import { Agent, signInThroughPages } from './agent';
import { pkcePair } from './pkce';

export const SPA_REDIRECT = 'http://localhost:3000/auth-redirect';

/** A code + PKCE authorization through the built-in pages (sign-up when `signup` is an e-mail), then the token exchange. */
export async function codeFlowTokens(
  issuer: string,
  agent: Agent,
  opts: { client?: string; redirect?: string; scope?: string; extra?: Record<string, string>; signup?: string; login?: string; password?: string } = {},
): Promise<{ access_token: string; refresh_token?: string; id_token: string; expires_in: number; [k: string]: unknown }> {
  const client = opts.client ?? 'sandbox-spa';
  const redirect = opts.redirect ?? SPA_REDIRECT;
  const { verifier, challenge } = pkcePair();
  const q = new URLSearchParams({
    client_id: client,
    redirect_uri: redirect,
    response_type: 'code',
    scope: opts.scope ?? 'openid offline_access https://authgear.com/scopes/full-access',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...opts.extra,
  });
  const url = `${issuer}/oauth2/authorize?${q}`;
  const password = opts.password ?? 'password-1234';
  const cb = opts.signup
    ? await signInThroughPages(agent, url, { email: opts.signup, password }, 'signup')
    : opts.login
      ? await signInThroughPages(agent, url, { email: opts.login, password }, 'login')
      : (await agent.follow(url)).url;
  const code = new URL(cb).searchParams.get('code');
  if (!code) throw new Error(`no code in ${cb}`);
  const res = await fetch(`${issuer}/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client, code, redirect_uri: redirect, code_verifier: verifier }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** POST of a JSON body (the Authgear API envelope endpoints). */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** The X-Authgear-* headers the resolver answers for `headers`. */
export async function resolverHeaders(issuer: string, headers: Record<string, string>): Promise<Record<string, string>> {
  const res = await fetch(`${issuer}/_resolver/resolve`, { headers });
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (k.startsWith('x-authgear-')) out[k] = v;
  });
  return out;
}

export function jwtClaims(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

/** Agent cookie header for a subset of its cookies. */
export function cookieHeader(agent: Agent, names: string[]): string {
  return names.filter((n) => agent.cookies.has(n)).map((n) => `${n}=${agent.cookies.get(n)}`).join('; ');
}
