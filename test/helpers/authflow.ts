/** A small client for the Authentication Flow API, as a custom UI would call it. */
export class FlowClient {
  cookies = new Map<string, string>();

  constructor(
    readonly issuer: string,
    readonly consoleToken: string,
  ) {}

  async post(path: string, body: unknown): Promise<{ status: number; body: any; headers: Headers }> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${this.issuer}/api/v1/authentication_flows${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return { status: res.status, body: await res.json(), headers: res.headers };
  }

  create(type: string, extra: Record<string, unknown> = {}) {
    return this.post('', { type, name: 'default', ...extra });
  }

  input(stateToken: string, input: Record<string, unknown>) {
    return this.post('/states/input', { state_token: stateToken, input });
  }

  /** The newest code the IdP "sent" to `to` (from the outbox). */
  async latestCode(to: string): Promise<string> {
    const res = await fetch(`${this.issuer}/_sandbox/api/outbox/latest?to=${encodeURIComponent(to)}`, { headers: { authorization: `Bearer ${this.consoleToken}` } });
    if (res.status !== 200) throw new Error(`no message to ${to}: ${res.status}`);
    return (await res.json()).code;
  }

  async outbox(to: string): Promise<any[]> {
    const res = await fetch(`${this.issuer}/_sandbox/api/outbox?to=${encodeURIComponent(to)}`, { headers: { authorization: `Bearer ${this.consoleToken}` } });
    return (await res.json()).messages;
  }
}
