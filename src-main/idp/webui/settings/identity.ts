import type { IdpContext } from '../../context';
import type { HttpRequest, HttpResult } from '../../http/types';
import { formParams } from '../../http/types';
import { ApiError } from '../../errors';
import { pageContext, pageResult } from '../page-context';
import { messagePage } from '../pages';
import { isValidEmail, isValidUsername, normalizeEmail, normalizeUsername } from '../../user/login-id';
import { sendToOutbox } from '../../authflow/otp';
import type { Identity } from '../../store/repos/identities';
import { csrfFailed, done, isResult, selfUrl, signedIn, viewOf, type SignedIn } from './common';
import { identityPage } from './views';
import type { TextKey } from '../texts/en';

type Verb = 'add' | 'change';
type Kind = 'email' | 'username';

const CLAIM: Record<Kind, string> = { email: 'email', username: 'preferred_username' };

function notFound(ctx: IdpContext, req: HttpRequest, key: TextKey = 'identity.not-found'): HttpResult {
  const pc = pageContext(ctx, req);
  return pageResult(404, messagePage(pc.t, pc.lang, pc.t('settings.title'), pc.t(key)));
}

/** The login ID key (`q_login_id_key`) and, to change, the user's identity (`q_login_id`). */
function target(ctx: IdpContext, req: HttpRequest, who: SignedIn, verb: Verb, kind: Kind): { key: string; identity?: Identity } | undefined {
  const key = req.query.q_login_id_key ?? ctx.config.app.identity.login_id.keys.find((k) => k.type === kind)?.key;
  if (!key || !ctx.config.app.identity.login_id.keys.some((k) => k.key === key && k.type === kind)) return undefined;
  if (verb === 'add') return { key };
  const mine = ctx.store.identities.listByUser(who.user.id).filter((i) => i.type === 'login_id' && i.loginIdKey === key);
  const wanted = req.query.q_login_id ? (kind === 'email' ? normalizeEmail(req.query.q_login_id) : normalizeUsername(req.query.q_login_id)) : undefined;
  const identity = wanted ? mine.find((i) => i.loginId === wanted) : mine[0];
  return identity ? { key, identity } : undefined;
}

/** Adds or replaces the login ID and keeps the matching standard attribute in step. Inside `db.write`. */
function save(ctx: IdpContext, who: SignedIn, kind: Kind, key: string, value: string, original: string, identity?: Identity): void {
  const now = ctx.clock.nowMs();
  const claims = { [CLAIM[kind]]: value };
  const attrs = { ...who.user.standardAttributes };
  if (identity) {
    ctx.store.identities.updateLoginId(identity.id, value, original, claims, now);
    if (attrs[CLAIM[kind]] === identity.loginId) attrs[CLAIM[kind]] = value;
  } else {
    ctx.store.identities.insert({ id: ctx.random.uuid(), userId: who.user.id, type: 'login_id', loginIdKey: key, loginIdType: kind, loginId: value, originalLoginId: original, claims, createdAt: now, updatedAt: now });
  }
  attrs[CLAIM[kind]] ??= value;
  if (kind === 'email') ctx.store.verifiedClaims.insert({ id: ctx.random.uuid(), userId: who.user.id, name: 'email', value, createdAt: now });
  ctx.store.users.setStandardAttributes(who.user.id, attrs, now);
}

/**
 * `/settings/identity/{add,change}_{email,username}` (the settings actions of the same names):
 * an e-mail address is saved once the code sent to it comes back; a username at once.
 */
export function identityPages(verb: Verb, kind: Kind) {
  const title: TextKey = `identity.${verb}-${kind}-title`;
  const get = async (ctx: IdpContext, req: HttpRequest): Promise<HttpResult> => {
    const who = await signedIn(ctx, req, true);
    if (isResult(who)) return who;
    if (!target(ctx, req, who, verb, kind)) return notFound(ctx, req);
    const { v, cookies } = viewOf(ctx, req);
    return pageResult(200, identityPage(v, { title: v.t(title), type: kind, action: selfUrl(req), step: 'enter' }), cookies);
  };

  const post = async (ctx: IdpContext, req: HttpRequest): Promise<HttpResult> => {
    const who = await signedIn(ctx, req, true);
    if (isResult(who)) return who;
    const bad = csrfFailed(ctx, req);
    if (bad) return bad;
    const found = target(ctx, req, who, verb, kind);
    if (!found) return notFound(ctx, req);
    const form = formParams(req);
    const raw = (form.login_id ?? '').trim();
    const { v, cookies } = viewOf(ctx, req);
    const show = (status: number, step: 'enter' | 'verify', value: string, errors?: TextKey[]) =>
      pageResult(status, identityPage(v, { title: v.t(title), type: kind, action: selfUrl(req), step, value, errors: errors?.map((e) => v.t(e)) }), cookies);

    if (kind === 'email' ? !isValidEmail(raw) : !isValidUsername(raw)) return show(400, 'enter', raw, [kind === 'email' ? 'error.invalid-email' : 'error.invalid-username']);
    const value = kind === 'email' ? normalizeEmail(raw) : normalizeUsername(raw);
    const taken = ctx.store.identities.findByLoginId(found.key, value);
    if (taken && taken.id !== found.identity?.id) return show(409, 'enter', raw, ['error.duplicated']);

    if (kind === 'email' && form.x_action !== 'verify') {
      let code: string | undefined;
      try {
        code = ctx.ephemeral.otp.issue(ctx, { purpose: 'verification', channel: 'email', target: value, form: 'code', flowId: `settings:${who.user.id}` }, false);
      } catch (e) {
        if (e instanceof ApiError && e.reason === 'RateLimited') return show(429, 'verify', value, ['error.rate-limited']);
        throw e;
      }
      await sendToOutbox(ctx, { to: value, channel: 'email', purpose: 'verification', form: 'code', code: code!, userId: who.user.id });
      return show(200, 'verify', value);
    }
    if (kind === 'email') {
      let result: string;
      try {
        result = ctx.ephemeral.otp.verify('verification', 'email', value, form.code ?? '');
      } catch (e) {
        // Too many wrong codes (max_failed_attempts_revoke_otp): a new code must be sent.
        if (e instanceof ApiError && e.reason === 'RateLimited') return show(429, 'verify', value, ['error.rate-limited']);
        throw e;
      }
      if (result !== 'ok') return show(400, 'verify', value, ['error.invalid-code']);
    }
    await ctx.store.db.write(() => save(ctx, who, kind, found.key, value, raw, found.identity));
    return done(ctx, req, who, '/settings');
  };
  return { get, post };
}

/** Settings actions the sandbox cannot serve (phone numbers, social accounts) say so. */
export function unsupportedIdentityPage(ctx: IdpContext, req: HttpRequest): HttpResult {
  return notFound(ctx, req, 'identity.unsupported');
}
