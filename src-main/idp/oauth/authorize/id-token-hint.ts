import type { IdpContext } from '../../context';

/**
 * Verifies `id_token_hint` by signature only (expired tokens and any audience accepted).
 * Returns undefined when the signature does not verify.
 */
export async function verifyIdTokenHint(ctx: IdpContext, token: string): Promise<{ sub: string; sid?: string; aud: string[] } | undefined> {
  const payload = await ctx.keys.verify(token, { checkTime: false });
  if (!payload || typeof payload.sub !== 'string') return undefined;
  const aud = Array.isArray(payload.aud) ? payload.aud : typeof payload.aud === 'string' ? [payload.aud] : [];
  return { sub: payload.sub, sid: typeof payload.sid === 'string' ? payload.sid : undefined, aud };
}
