/**
 * A signed-in browser and app, for the resolver bench: the built-in sign-up pages (cookie-keeping
 * agent) leave an IdP `session` cookie, and the code exchange gives a JWT access token.
 */
import { Agent, registerConsoleToken } from '../../test/helpers/agent';
import { codeFlowTokens } from '../../test/helpers/oauth';

export async function obtainSession(issuer: string, consoleToken: string): Promise<{ accessToken: string; cookie: string }> {
  registerConsoleToken(issuer, consoleToken);
  const agent = new Agent(issuer);
  const tokens = await codeFlowTokens(issuer, agent, { signup: 'bench-resolver@example.com', password: 'bench-password-1234' });
  const session = agent.cookies.get('session');
  if (!session) throw new Error('sign-up left no session cookie');
  return { accessToken: tokens.access_token, cookie: `session=${session}` };
}
