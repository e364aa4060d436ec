import { OAuthError } from '../../errors';

export interface LoginHint {
  type: 'login_id' | 'anonymous' | 'app_session_token';
  enforce: boolean;
  email?: string;
  phone?: string;
  username?: string;
  promotionCode?: string;
  jwt?: string;
  appSessionToken?: string;
}

const PREFIX = 'https://authgear.com/login_hint?';

/** Parses `login_hint` (spec 5.1): only Authgear's URL form; plain e-mails are rejected. */
export function parseLoginHint(raw: string): LoginHint {
  if (!raw.startsWith(PREFIX)) throw new OAuthError('invalid_request', `invalid login_hint: ${raw}`);
  const q = new URL(raw).searchParams;
  const type = q.get('type') ?? '';
  const enforce = ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(q.get('enforce') ?? '');
  switch (type) {
    case 'login_id':
      return { type, enforce, email: q.get('email') ?? '', phone: q.get('phone') ?? '', username: q.get('username') ?? '' };
    case 'anonymous':
      return { type, enforce, promotionCode: q.get('promotion_code') ?? '', jwt: q.get('jwt') ?? '' };
    case 'app_session_token':
      return { type, enforce, appSessionToken: q.get('app_session_token') ?? '' };
    default:
      throw new OAuthError('invalid_request', `invalid login_hint type: ${type}`);
  }
}
