import { z } from 'zod';
import { authOperations } from '../auth/auth-router';
import { usersOperations } from '../auth/users-router';
import { automationsOperations, campaignsOperations } from '../campaigns/campaigns-router';
import { feedbackOperations } from '../feedback-review/feedback-router';
import { importOperations } from '../imports/import-router';
import { eventsOperations } from '../flows-runtime/events-api';
import { segmentsOperations } from '../segments/segments-router';
import { experimentsOperations } from '../experiments/experiments-router';
import type { ApiOperation } from './api-operation';
import { API_RESPONSES } from './api-responses';
import { contactsOperations } from './contacts-router';
import { conversationsOperations } from './conversations-router';
import { outreachOperations } from './outreach-router';

/**
 * Every route under /api, once, as its router declares it: the document only assembles these
 * lists (test/inbox/openapi.test.ts checks them against the routes the app has mounted).
 */
export const API_OPERATIONS: readonly ApiOperation[] = [
  ...authOperations,
  ...usersOperations,
  ...conversationsOperations,
  ...contactsOperations,
  ...outreachOperations,
  ...importOperations,
  ...feedbackOperations,
  ...eventsOperations,
  ...segmentsOperations,
  ...campaignsOperations,
  ...experimentsOperations,
  ...automationsOperations,
];

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const errorResponse = {
  description: 'An error: { error: { code, message } }',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

function success(op: ApiOperation) {
  if (op.responseSchema)
    return {
      description: 'Success',
      content: {
        'application/json': {
          schema: z.toJSONSchema(op.responseSchema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }),
        },
      },
    };
  if (op.response === undefined) return { description: 'Success (no body)' };
  if (typeof op.response === 'string') {
    return {
      description: op.response,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.response}` } } },
    };
  }
  return { description: op.response.description, content: { [op.response.contentType ?? 'application/json']: {} } };
}

const responseSchemas = () =>
  Object.fromEntries(
    Object.entries(API_RESPONSES).map(([name, schema]) => [
      name,
      z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }),
    ]),
  );

function parametersOf(op: ApiOperation): unknown[] {
  const parameters: unknown[] = [];
  if (op.path.includes('{id}')) {
    parameters.push({ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
  }
  if (op.query) {
    const shape = jsonSchema(op.query) as { properties?: Record<string, unknown> };
    for (const [name, schema] of Object.entries(shape.properties ?? {})) {
      parameters.push({ name, in: 'query', required: false, schema });
    }
  }
  return parameters;
}

/** The OpenAPI 3.1 document served at /api/openapi.json. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) {
    const parameters = parametersOf(op);
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      tags: [op.tag],
      summary: op.summary,
      ...(op.security === 'apiKey' ? { security: [{ apiKey: [] }, { apiKeyHeader: [] }] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(op.bodyContentType
        ? { requestBody: { required: true, content: { [op.bodyContentType]: { schema: { type: 'string' } } } } }
        : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } }
        : {}),
      responses: { [String(op.status ?? 200)]: success(op), '4XX': errorResponse },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rapport team inbox API',
      version: '1',
      description:
        'Sign in with POST /auth/login (session cookie; send the returned csrfToken as X-CSRF-Token on every change) ' +
        'or send `Authorization: Bearer rpt_…` with an API token. Live events: socket.io namespace /inbox. ' +
        "POST /events takes the hub's API key (RAPPORT_API_KEY) instead.",
    },
    servers: [{ url: serverUrl }],
    security: [{ session: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'rapport_session' },
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'http', scheme: 'bearer', description: 'The hub API key (RAPPORT_API_KEY)' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
      schemas: {
        ...responseSchemas(),
        Error: {
          type: 'object',
          properties: {
            error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
          },
        },
      },
    },
    paths,
  };
}
