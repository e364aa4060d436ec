import { ADMIN_API_SDL } from './schema-sdl';

/** Every value of AuditLogActivityType: what `auditLogs` returns when no type is asked for. */
export const ACTIVITY_TYPES: string[] = /enum AuditLogActivityType \{([^}]*)\}/.exec(ADMIN_API_SDL)![1].trim().split(/\s+/);
