/**
 * Usernames a sign-up may not take while `identity.login_id.types.username.block_reserved_usernames`
 * is on (upstream's default). This is the sandbox's own, shorter list of the usual suspects:
 * role and system accounts (RFC 2142 mailbox names among them) and service words that would let
 * someone impersonate the operator. Compared case-insensitively.
 */
const RESERVED = `
abuse admin administration administrator anonymous api app apps assets auth authgear billing
bot cdn config contact dashboard default dev developer docs editor email ftp guest help
helpdesk host hostmaster imap info localhost login logout mail mailer-daemon marketing master
me moderator news no-reply noc noreply null oauth owner password postmaster privacy report
root sales security settings signin signout signup smtp ssl staff status sudo superuser
support sys sysadmin system team test undefined user username usenet uucp webmaster www
`.trim().split(/\s+/);

const SET = new Set(RESERVED);

export function isReservedUsername(username: string): boolean {
  return SET.has(username.normalize('NFKC').trim().toLowerCase());
}
