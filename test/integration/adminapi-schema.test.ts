/**
 * Our Admin API schema, read by introspection over HTTP, against Authgear's schema
 * (spec/adminapi.schema.graphql): every type, field, argument, enum value and nullability we
 * serve must exist upstream identically. Coverage (ours / upstream) is printed.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, buildSchema, getIntrospectionQuery, isObjectType, isInputObjectType, isInterfaceType, isEnumType, isUnionType, isScalarType, type GraphQLSchema, type GraphQLNamedType } from 'graphql';
import { startTestIdp, type TestIdp } from '../helpers/idp';
import { AdminClient } from '../helpers/admin';
import { REPO } from '../helpers/cli';

// The spec folder sits beside the repository in the workspace and in CI (shared/spec).
const SPEC_CANDIDATES = [join(REPO, '..', 'shared', 'spec', 'adminapi.schema.graphql'), '/work/shared/spec/adminapi.schema.graphql'];
const specPath = SPEC_CANDIDATES.find((p) => existsSync(p));

/** Differences of `ours` from `upstream`: anything of ours upstream lacks or types differently. */
function differences(ours: GraphQLSchema, upstream: GraphQLSchema): string[] {
  const out: string[] = [];
  const named = (s: GraphQLSchema) => Object.values(s.getTypeMap()).filter((t) => !t.name.startsWith('__'));
  for (const t of named(ours)) {
    const u = upstream.getType(t.name) as GraphQLNamedType | undefined;
    if (!u) {
      out.push(`type ${t.name} is not upstream`);
      continue;
    }
    if (u.constructor !== t.constructor) {
      out.push(`type ${t.name} is a ${t.constructor.name} here, ${u.constructor.name} upstream`);
      continue;
    }
    if (isEnumType(t) && isEnumType(u)) {
      for (const v of t.getValues()) if (!u.getValue(v.name)) out.push(`enum value ${t.name}.${v.name} is not upstream`);
    }
    if (isUnionType(t) && isUnionType(u)) {
      for (const m of t.getTypes()) if (!u.getTypes().some((x) => x.name === m.name)) out.push(`union member ${t.name}.${m.name} is not upstream`);
    }
    if ((isObjectType(t) && isObjectType(u)) || (isInterfaceType(t) && isInterfaceType(u))) {
      const ui = u.getInterfaces().map((i) => i.name);
      for (const i of t.getInterfaces()) if (!ui.includes(i.name)) out.push(`${t.name} implements ${i.name}, upstream does not`);
      const uf = u.getFields();
      for (const f of Object.values(t.getFields())) {
        const g = uf[f.name];
        if (!g) {
          out.push(`field ${t.name}.${f.name} is not upstream`);
          continue;
        }
        if (String(f.type) !== String(g.type)) out.push(`field ${t.name}.${f.name}: ${f.type} here, ${g.type} upstream`);
        for (const a of f.args) {
          const b = g.args.find((x) => x.name === a.name);
          if (!b) out.push(`argument ${t.name}.${f.name}(${a.name}) is not upstream`);
          else if (String(a.type) !== String(b.type)) out.push(`argument ${t.name}.${f.name}(${a.name}): ${a.type} here, ${b.type} upstream`);
        }
        for (const b of g.args) if (String(b.type).endsWith('!') && !f.args.some((a) => a.name === b.name)) out.push(`required argument ${t.name}.${f.name}(${b.name}) is missing`);
      }
    }
    if (isInputObjectType(t) && isInputObjectType(u)) {
      const uf = u.getFields();
      for (const f of Object.values(t.getFields())) {
        if (!uf[f.name]) out.push(`input field ${t.name}.${f.name} is not upstream`);
        else if (String(f.type) !== String(uf[f.name].type)) out.push(`input field ${t.name}.${f.name}: ${f.type} here, ${uf[f.name].type} upstream`);
      }
      for (const g of Object.values(uf)) if (String(g.type).endsWith('!') && !t.getFields()[g.name]) out.push(`required input field ${t.name}.${g.name} is missing`);
    }
    if (isScalarType(t) !== isScalarType(u)) out.push(`type ${t.name} kind differs`);
  }
  return out;
}

describe('Admin API schema against upstream', () => {
  let idp: TestIdp;
  let ours: GraphQLSchema;
  let upstream: GraphQLSchema;

  beforeAll(async () => {
    if (!specPath) throw new Error(`upstream schema not found in ${SPEC_CANDIDATES.join(', ')}`);
    upstream = buildSchema(readFileSync(specPath, 'utf8'));
    idp = await startTestIdp();
    const admin = await AdminClient.create(idp);
    // Introspection is allowed, through the real endpoint.
    ours = buildClientSchema(await admin.ok(getIntrospectionQuery()));
  });
  afterAll(() => idp?.dispose());

  it('serves only types, fields, arguments and enum values that upstream has, typed identically', () => {
    expect(differences(ours, upstream)).toEqual([]);
  });

  it('the comparison catches a difference (a field made nullable, an extra enum value)', () => {
    const altered = buildSchema(readFileSync(specPath!, 'utf8').replace('isDeactivated: Boolean!', 'isDeactivated: Boolean').replace('enum OTPPurpose {\n  LOGIN', 'enum OTPPurpose {\n  SIGNUP\n  LOGIN'));
    expect(differences(altered, upstream)).toEqual(['enum value OTPPurpose.SIGNUP is not upstream', 'field User.isDeactivated: Boolean here, Boolean! upstream']);
  });

  it('covers every P0 and P1 query and mutation of the spec, and reports coverage', () => {
    const p0p1Queries = ['users', 'node', 'nodes', 'getUserByLoginID', 'getUsersByStandardAttribute', 'getUserByOAuth', 'roles', 'groups', 'auditLogs'];
    const p0p1Mutations = [
      'createUser', 'updateUser', 'deleteUser', 'setDisabledStatus', 'resetPassword', 'generateOOBOTPCode', 'setVerifiedStatus', 'setPasswordExpired',
      'sendResetPasswordMessage', 'scheduleAccountDeletion', 'unscheduleAccountDeletion', 'createIdentity', 'updateIdentity', 'deleteIdentity',
      'createAuthenticator', 'deleteAuthenticator', 'revokeSession', 'revokeAllSessions', 'createSession', 'createRole', 'createGroup', 'updateRole',
      'updateGroup', 'deleteRole', 'deleteGroup', 'addRoleToUsers', 'removeRoleFromUsers', 'addUserToRoles', 'removeUserFromRoles', 'addGroupToUsers',
      'removeGroupFromUsers', 'addUserToGroups', 'removeUserFromGroups', 'addRoleToGroups', 'removeRoleFromGroups', 'addGroupToRoles', 'removeGroupFromRoles',
    ];
    const q = Object.keys(ours.getQueryType()!.getFields());
    const m = Object.keys(ours.getMutationType()!.getFields());
    expect(p0p1Queries.filter((f) => !q.includes(f))).toEqual([]);
    expect(p0p1Mutations.filter((f) => !m.includes(f))).toEqual([]);
    const uq = Object.keys(upstream.getQueryType()!.getFields());
    const um = Object.keys(upstream.getMutationType()!.getFields());
    const types = (s: GraphQLSchema) => Object.keys(s.getTypeMap()).filter((n) => !n.startsWith('__')).length;
    console.log(
      `Admin API coverage: queries ${q.length}/${uq.length}, mutations ${m.length}/${um.length}, types ${types(ours)}/${types(upstream)}; ` +
        `not served: ${[...uq.filter((f) => !q.includes(f)), ...um.filter((f) => !m.includes(f))].join(', ')}`,
    );
  });
});
