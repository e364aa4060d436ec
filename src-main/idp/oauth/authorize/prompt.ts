import type { IdpContext } from '../../context';
import { decodeSid } from '../sid';
import { maxAge } from './request';

/**
 * Effective prompt (spec 5.1 `max_age`): `login` is added when max_age is present and the
 * session named by id_token_hint is absent, or max_age=0, or that session is older than max_age.
 */
export function effectivePrompt(ctx: IdpContext, prompt: string[], params: Record<string, string>, hintSid?: string): string[] {
  const age = maxAge(params);
  if (age === undefined || prompt.includes('login')) return prompt;
  let authTime: number | undefined;
  const sid = decodeSid(hintSid);
  if (sid?.kind === 'idp') authTime = ctx.store.idpSessions.get(sid.id)?.authenticatedAt;
  if (sid?.kind === 'offline_grant') authTime = ctx.store.offlineGrants.get(sid.id)?.authenticatedAt;
  const tooOld = authTime === undefined || age === 0 || (ctx.clock.nowMs() - authTime) / 1000 > age;
  return tooOld ? [...prompt, 'login'] : prompt;
}
