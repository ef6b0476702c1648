/**
 * JSON schemas shared by the route plugins: they validate requests, shape responses and make up the OpenAPI
 * document. Every object schema refuses nothing silently except unknown properties, which are dropped.
 */

const uuid = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
/** A required human-readable name: 1 to 200 characters, not only spaces. */
export const nameSchema = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const;
export const passwordSchema = { type: 'string', minLength: 8, maxLength: 1024 } as const;
export const emailSchema = { type: 'string', format: 'email', maxLength: 320 } as const;
export const displayNameSchema = { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } as const;
export const eventRoleSchema = { type: 'string', enum: ['dispatch', 'general'] } as const;
const roleSchema = { type: 'string', enum: ['admin', 'dispatch', 'general'] } as const;

/** Params of the form `{ <name>: uuid }`. */
export function idParams<K extends string>(...names: K[]) {
  return {
    type: 'object',
    required: names,
    additionalProperties: false,
    properties: Object.fromEntries(names.map((n) => [n, uuid])) as Record<K, typeof uuid>,
  } as const;
}

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: [
            'bad_request',
            'not_authenticated',
            'forbidden',
            'not_found',
            'conflict',
            'rate_limited',
            'unavailable',
            'internal',
          ],
        },
        message: { type: 'string' },
        /** The offending request field, for validation errors, e.g. `body.email`. */
        field: { type: 'string' },
      },
    },
  },
} as const;

/** Response schemas for a route: its success answer plus the shared error shape. */
export function responses(success: Record<number, unknown>) {
  return { ...success, '4xx': errorSchema, '5xx': errorSchema };
}

/** A 204 answer has no body. */
export const noContent = { type: 'null', description: 'No content' } as const;

export const userSchema = {
  type: 'object',
  required: ['id', 'email', 'displayName', 'isAdmin', 'disabled', 'createdAt'],
  properties: {
    id: uuid,
    email: { type: 'string' },
    displayName: { type: 'string' },
    isAdmin: { type: 'boolean' },
    disabled: { type: 'boolean' },
    createdAt: dateTime,
  },
} as const;

export const userWithRoleSchema = {
  ...userSchema,
  required: [...userSchema.required, 'role'],
  properties: { ...userSchema.properties, role: roleSchema },
} as const;

export const eventSchema = {
  type: 'object',
  required: ['id', 'name', 'description', 'headphonesRequired', 'createdAt'],
  properties: {
    id: uuid,
    name: { type: 'string' },
    description: { type: 'string' },
    headphonesRequired: { type: 'boolean' },
    createdAt: dateTime,
  },
} as const;

export const teamSchema = {
  type: 'object',
  required: ['id', 'eventId', 'name', 'createdAt'],
  properties: { id: uuid, eventId: uuid, name: { type: 'string' }, createdAt: dateTime },
} as const;

export const channelSchema = {
  type: 'object',
  required: ['id', 'teamId', 'eventId', 'name', 'createdAt'],
  properties: { id: uuid, teamId: uuid, eventId: uuid, name: { type: 'string' }, createdAt: dateTime },
} as const;

export const eventMemberSchema = {
  type: 'object',
  required: ['userId', 'email', 'displayName', 'disabled', 'role'],
  properties: {
    userId: uuid,
    email: { type: 'string' },
    displayName: { type: 'string' },
    disabled: { type: 'boolean' },
    role: eventRoleSchema,
  },
} as const;

export const channelMemberSchema = {
  type: 'object',
  required: ['userId', 'email', 'displayName', 'disabled'],
  properties: {
    userId: uuid,
    email: { type: 'string' },
    displayName: { type: 'string' },
    disabled: { type: 'boolean' },
  },
} as const;

export const auditEntrySchema = {
  type: 'object',
  required: ['id', 'actorId', 'action', 'targetType', 'targetId', 'details', 'at'],
  properties: {
    id: { type: 'integer' },
    actorId: { type: ['string', 'null'] },
    action: { type: 'string' },
    targetType: { type: 'string' },
    targetId: { type: ['string', 'null'] },
    details: { type: 'object', additionalProperties: true },
    at: dateTime,
  },
} as const;

export const myEventSchema = {
  type: 'object',
  required: ['id', 'name', 'role', 'headphonesRequired', 'teams'],
  properties: {
    id: uuid,
    name: { type: 'string' },
    role: roleSchema,
    headphonesRequired: { type: 'boolean' },
    teams: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'channels'],
        properties: {
          id: uuid,
          name: { type: 'string' },
          channels: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'name'],
              properties: { id: uuid, name: { type: 'string' } },
            },
          },
        },
      },
    },
  },
} as const;

export const sessionSchema = {
  type: 'object',
  required: ['accessToken', 'expiresIn', 'user'],
  properties: {
    accessToken: { type: 'string' },
    tokenType: { type: 'string', enum: ['Bearer'] },
    expiresIn: { type: 'integer', description: 'Seconds until the access token expires' },
    user: userWithRoleSchema,
  },
} as const;

/** `{ <key>: [items] }` list answers. */
export function listOf(key: string, item: unknown) {
  return { type: 'object', required: [key], properties: { [key]: { type: 'array', items: item } } } as const;
}
