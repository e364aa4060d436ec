/**
 * The executable schema: the SDL of schema-sdl.ts with resolvers and scalars attached (one
 * schema per process; resolvers get the per-request AdminRequest as context).
 */
import { buildSchema, isObjectType, isScalarType, isNonNullType, type GraphQLSchema, type GraphQLFieldResolver } from 'graphql';
import { ADMIN_API_SDL } from './schema-sdl';
import { DateTimeScalar, jsonScalar, JSON_SCALARS } from './scalars';
import { TYPE_RESOLVERS } from './resolvers/types';
import { QUERY_RESOLVERS } from './resolvers/query';
import { USER_MUTATIONS } from './mutations/users';
import { IDENTITY_MUTATIONS } from './mutations/identities';
import { SESSION_MUTATIONS } from './mutations/sessions';
import { RBAC_MUTATIONS } from './mutations/rbac';

type AnyResolver = GraphQLFieldResolver<any, any, any>;

function attach(schema: GraphQLSchema, typeName: string, resolvers: Record<string, unknown>): void {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`admin API schema has no object type ${typeName}`);
  const fields = type.getFields();
  for (const [name, resolve] of Object.entries(resolvers)) {
    if (!fields[name]) throw new Error(`admin API schema has no field ${typeName}.${name}`);
    fields[name].resolve = resolve as AnyResolver;
  }
}

function scalar(schema: GraphQLSchema, name: string, impl: ReturnType<typeof jsonScalar>): void {
  const type = schema.getType(name);
  if (!isScalarType(type)) throw new Error(`admin API schema has no scalar ${name}`);
  type.serialize = impl.serialize;
  type.parseValue = impl.parseValue;
  type.parseLiteral = impl.parseLiteral;
}

let built: GraphQLSchema | undefined;
let forExecution: GraphQLSchema | undefined;

/** The schema as published: what validation and introspection see. */
export function adminApiSchema(): GraphQLSchema {
  built ??= buildWithResolvers();
  return built;
}

/**
 * The same schema with the root fields made nullable, for running documents: graphql-go, which
 * Authgear runs, answers a failing root field as `null` beside its siblings
 * (`{"data":{"resetPassword":null}}`) where graphql-js would null the whole `data`.
 */
export function adminApiExecutionSchema(): GraphQLSchema {
  if (forExecution) return forExecution;
  const schema = buildWithResolvers();
  for (const t of [schema.getQueryType()!, schema.getMutationType()!]) {
    for (const f of Object.values(t.getFields())) if (isNonNullType(f.type)) f.type = f.type.ofType;
  }
  forExecution = schema;
  return schema;
}

function buildWithResolvers(): GraphQLSchema {
  const schema = buildSchema(ADMIN_API_SDL);
  scalar(schema, 'DateTime', DateTimeScalar);
  for (const name of JSON_SCALARS) scalar(schema, name, jsonScalar(name));
  attach(schema, 'Query', QUERY_RESOLVERS);
  attach(schema, 'Mutation', { ...USER_MUTATIONS, ...IDENTITY_MUTATIONS, ...SESSION_MUTATIONS, ...RBAC_MUTATIONS });
  for (const [typeName, resolvers] of Object.entries(TYPE_RESOLVERS)) attach(schema, typeName, resolvers);
  return schema;
}

/** Mutation fields the SDL declares but no resolver serves (must stay empty; checked by a test). */
export function unresolvedRootFields(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  for (const t of [schema.getQueryType()!, schema.getMutationType()!]) {
    for (const f of Object.values(t.getFields())) if (!f.resolve) out.push(`${t.name}.${f.name}`);
  }
  return out;
}
