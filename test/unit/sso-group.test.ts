import { describe, it, expect } from 'vitest';
import { sameSsoGroup, type AnySession } from '../../src-main/idp/session/sso-group';
import type { IdpSession } from '../../src-main/idp/store/repos/idp-sessions';
import type { OfflineGrant } from '../../src-main/idp/store/repos/offline-grants';

const idp = (id: string): AnySession => ({ kind: 'idp', session: { id } as IdpSession });
const grant = (id: string, idpSessionId: string | null, ssoEnabled: boolean): AnySession => ({ kind: 'offline_grant', session: { id, idpSessionId, ssoEnabled } as OfflineGrant });

describe("SSO groups as upstream's IsSameSSOGroup (spec 9.6)", () => {
  it('an IdP session groups with itself and the SSO-enabled grants created from it', () => {
    expect(sameSsoGroup(idp('S'), idp('S'))).toBe(true);
    expect(sameSsoGroup(idp('S'), idp('T'))).toBe(false);
    expect(sameSsoGroup(idp('S'), grant('G', 'S', true))).toBe(true);
    expect(sameSsoGroup(idp('S'), grant('G', 'S', false))).toBe(false);
  });

  it('any grant created from an IdP session falls with that session, whatever its own SSO flag', () => {
    expect(sameSsoGroup(grant('G', 'S', false), idp('S'))).toBe(true);
    expect(sameSsoGroup(grant('G', 'S', true), idp('S'))).toBe(true);
    expect(sameSsoGroup(grant('G', null, false), idp('S'))).toBe(false);
  });

  it('grants group through an SSO-enabled sibling only', () => {
    expect(sameSsoGroup(grant('G', 'S', false), grant('H', 'S', true))).toBe(true);
    expect(sameSsoGroup(grant('G', 'S', true), grant('H', 'S', false))).toBe(false);
    expect(sameSsoGroup(grant('G', null, false), grant('G', null, false))).toBe(true);
  });
});
