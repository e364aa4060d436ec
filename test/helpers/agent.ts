/**
 * A minimal cookie-keeping HTTP agent that drives the built-in pages the way a browser would,
 * without JavaScript: it follows redirects on the IdP's origin and stops at the app's callback.
 */
export class Agent {
  readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || attrs.some((a) => /^\s*max-age=0$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(new URL(url, this.origin), { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.store(res);
    return res;
  }

  /**
   * Requests `url` and follows redirects while they stay on the IdP's origin. Returns the last
   * response and its URL (a redirect off the origin is returned unfollowed).
   */
  async follow(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ res: Response; url: string; body: string }> {
    let current = new URL(url, this.origin).toString();
    let res = await this.request(current, init);
    for (let i = 0; i < 10; i++) {
      const location = res.headers.get('location');
      if (!location || res.status < 300 || res.status >= 400) break;
      const next = new URL(location, current).toString();
      if (new URL(next).origin !== this.origin) return { res, url: next, body: await res.text() };
      current = next;
      res = await this.request(current);
    }
    return { res, url: current, body: await res.text() };
  }
}

/** Console tokens of the sandboxes tests started, by issuer (to read codes from the outbox). */
const consoleTokens = new Map<string, string>();
export function registerConsoleToken(issuer: string, token: string): void {
  consoleTokens.set(issuer, token);
}

/** The newest code the sandbox "sent" to an address, from its outbox. */
export async function latestCode(issuer: string, to: string): Promise<string> {
  const token = consoleTokens.get(issuer);
  if (!token) throw new Error(`no console token registered for ${issuer}`);
  const res = await fetch(`${issuer}/_sandbox/api/outbox/latest?to=${encodeURIComponent(to.toLowerCase())}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`no message to ${to}`);
  return (await res.json()).code;
}

/** Reads the hidden CSRF field, the state token and the form action from a built-in page. */
export function formOf(html: string): { action: string; csrf: string; token: string } {
  const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  const csrf = /name="x_csrf_token" value="([^"]*)"/.exec(html)?.[1];
  const token = /name="x_state_token" value="([^"]*)"/.exec(html)?.[1] ?? '';
  if (!action || !csrf) throw new Error(`no form on page:\n${html.slice(0, 500)}`);
  return { action, csrf, token };
}

/** Submits the (first) form of a page with `fields`, carrying its CSRF and state tokens. */
export function submit(agent: Agent, html: string, fields: Record<string, string>) {
  const f = formOf(html);
  return agent.follow(f.action, { form: { x_csrf_token: f.csrf, x_state_token: f.token, ...fields } });
}

/**
 * Signs up (or in) through the built-in pages, starting from an authorization URL, as a person
 * would: e-mail (and password on sign-in), the code from the outbox, a new password.
 * Returns the URL the browser ends on outside the sandbox.
 */
export async function signInThroughPages(agent: Agent, authorizationUrl: string, user: { email: string; password: string }, mode: 'signup' | 'login'): Promise<string> {
  let page = await agent.follow(authorizationUrl);
  if (!new URL(page.url).pathname.startsWith(`/${mode}`)) {
    // Switch page through the link, as a user would.
    const link = new RegExp(`href="(/${mode}[^"]*)"`).exec(page.body)?.[1]?.replace(/&amp;/g, '&');
    if (!link) throw new Error(`expected a link to /${mode} on ${page.url}`);
    page = await agent.follow(link);
  }
  page = await submit(agent, page.body, mode === 'login' ? { email: user.email, password: user.password } : { email: user.email });
  if (mode === 'signup' && new URL(page.url).origin === agent.origin) {
    page = await submit(agent, page.body, { code: await latestCode(agent.origin, user.email) });
    page = await submit(agent, page.body, { new_password: user.password });
  }
  if (new URL(page.url).origin === agent.origin) throw new Error(`did not leave the IdP: ${page.res.status} ${page.url}\n${page.body.slice(0, 800)}`);
  return page.url;
}

/**
 * Goes through sign-up up to the last page (e-mail, then the code from the outbox) and returns
 * that page's form, so a test can send the final, durable request itself.
 */
export async function prepareSignUp(agent: Agent, email: string): Promise<{ action: string; csrf: string; token: string }> {
  let page = await agent.follow('/signup');
  page = await submit(agent, page.body, { email });
  page = await submit(agent, page.body, { code: await latestCode(agent.origin, email) });
  if (!page.body.includes('name="new_password"')) throw new Error(`expected the password page, got ${page.res.status} ${page.url}`);
  return formOf(page.body);
}
