import { z } from 'zod';
import {
  assignmentInput,
  cannedResponseInput,
  contactChangesInput,
  conversationListQuery,
  labelsInput,
  mergeInput,
  messageInput,
  messageListQuery,
  statusInput,
  flowRequestInput,
} from './api-schemas';
import { API_RESPONSES, type ApiResponseName } from './api-responses';

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  tag: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  status?: number;
  /** The body of a successful answer (none for 204). */
  response?: ApiResponseName;
}

const loginInput = z.object({ email: z.email(), password: z.string() });
const passwordInput = z.object({ currentPassword: z.string(), newPassword: z.string().min(8) });
const tokenInput = z.object({ name: z.string().max(100) });
const userInput = z.object({
  email: z.email(),
  name: z.string().optional(),
  role: z.enum(['admin', 'manager', 'agent']),
  password: z.string().min(8).optional(),
  teams: z.array(z.string()).optional(),
});

/** Every route of the API, once: the OpenAPI document is generated from this list and the zod schemas. */
const OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/auth/login',
    response: 'Me',
    tag: 'auth',
    summary: 'Sign in; sets the session cookie and returns the CSRF token',
    body: loginInput,
  },
  {
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'Sign out this session ({everywhere:true}: all of them)',
    status: 204,
  },
  {
    method: 'get',
    path: '/auth/me',
    response: 'Me',
    tag: 'auth',
    summary: 'The signed-in user (and the CSRF token for a cookie session)',
  },
  {
    method: 'post',
    path: '/auth/password',
    tag: 'auth',
    summary: 'Change the password; ends every other session',
    body: passwordInput,
    status: 204,
  },
  {
    method: 'get',
    path: '/tokens',
    tag: 'auth',
    summary: 'Your API tokens (never their values)',
    response: 'TokenList',
  },
  {
    method: 'post',
    path: '/tokens',
    tag: 'auth',
    summary: 'Create an API token; the value is shown once',
    response: 'NewToken',
    body: tokenInput,
    status: 201,
  },
  {
    method: 'delete',
    path: '/tokens/{id}',
    tag: 'auth',
    summary: 'Revoke an API token; its live sockets close',
    status: 204,
  },
  { method: 'get', path: '/users', tag: 'users', summary: 'The team', response: 'Team' },
  {
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Add a person (admin)',
    body: userInput,
    status: 201,
    response: 'TeamMember',
  },
  {
    method: 'patch',
    path: '/users/{id}',
    tag: 'users',
    summary: 'Change name, role, teams or active (admin); deactivating ends their sessions and tokens',
    response: 'TeamMember',
    body: userInput.partial().extend({ active: z.boolean().optional() }),
  },
  {
    method: 'patch',
    path: '/me',
    tag: 'users',
    summary: 'Change your own name (other fields are ignored)',
    response: 'TeamMember',
    body: z.object({ name: z.string() }),
  },
  {
    method: 'get',
    path: '/conversations',
    tag: 'conversations',
    summary: 'Conversations you may see, newest activity first, with a cursor',
    response: 'ConversationPage',
    query: conversationListQuery,
  },
  {
    method: 'get',
    path: '/conversations/{id}',
    tag: 'conversations',
    summary: 'One conversation (404 when you may not see it)',
    response: 'Conversation',
  },
  {
    method: 'get',
    path: '/conversations/{id}/messages',
    tag: 'conversations',
    summary: 'Messages, oldest first; before=<id> pages back, after=<id> catches up',
    response: 'MessagePage',
    query: messageListQuery,
  },
  {
    method: 'post',
    path: '/conversations/{id}/messages',
    tag: 'conversations',
    summary: "Reply through the conversation's channel (the bot goes quiet), or write an internal note (private: true)",
    response: 'Message',
    body: messageInput,
    status: 201,
  },
  {
    method: 'post',
    path: '/conversations/{id}/assignment',
    tag: 'conversations',
    summary: 'Assign or unassign; agents may only take or release',
    response: 'Conversation',
    body: assignmentInput,
  },
  {
    method: 'post',
    path: '/conversations/{id}/status',
    tag: 'conversations',
    summary: 'Open, pending, resolved or snoozed',
    response: 'Conversation',
    body: statusInput,
  },
  {
    method: 'put',
    path: '/conversations/{id}/labels',
    tag: 'conversations',
    summary: 'Replace the labels',
    response: 'Conversation',
    body: labelsInput,
  },
  {
    method: 'post',
    path: '/conversations/{id}/read',
    tag: 'conversations',
    summary: 'Mark read for you (your unread count to 0; colleagues keep theirs)',
    response: 'Conversation',
  },
  {
    method: 'post',
    path: '/conversations/{id}/flow',
    tag: 'conversations',
    summary: 'Run a flow here, handing the conversation back to the bot (409 FLOW_NOT_STARTED says why not)',
    response: 'Conversation',
    body: flowRequestInput,
  },
  {
    method: 'get',
    path: '/contacts/{id}',
    tag: 'contacts',
    summary: 'Profile: attributes, tags, identities, conversations, consents, flow answers, feedback',
    response: 'Contact',
  },
  {
    method: 'patch',
    path: '/contacts/{id}',
    tag: 'contacts',
    summary: 'Edit the profile; attributes merge key by key (null removes)',
    response: 'Contact',
    body: contactChangesInput,
  },
  {
    method: 'post',
    path: '/contacts/{id}/merge',
    tag: 'contacts',
    summary: 'Merge another contact into this one (admin, manager)',
    response: 'Contact',
    body: mergeInput,
  },
  {
    method: 'get',
    path: '/canned-responses',
    tag: 'canned responses',
    summary: 'Saved replies (q: short code prefix or title)',
    response: 'CannedResponseList',
  },
  {
    method: 'post',
    path: '/canned-responses',
    tag: 'canned responses',
    summary: 'Add a saved reply (admin, manager)',
    response: 'CannedResponse',
    body: cannedResponseInput,
    status: 201,
  },
  {
    method: 'patch',
    path: '/canned-responses/{id}',
    tag: 'canned responses',
    summary: 'Change a saved reply (admin, manager)',
    response: 'CannedResponse',
    body: cannedResponseInput.partial(),
  },
  {
    method: 'delete',
    path: '/canned-responses/{id}',
    tag: 'canned responses',
    summary: 'Delete a saved reply (admin, manager)',
    status: 204,
  },
];

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
const errorResponse = {
  description: 'An error: { error: { code, message } }',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

const success = (op: Operation) =>
  op.response
    ? {
        description: op.response,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.response}` } } },
      }
    : { description: 'Success (no body)' };

const responseSchemas = () =>
  Object.fromEntries(
    Object.entries(API_RESPONSES).map(([name, schema]) => [
      name,
      z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }),
    ]),
  );

/** The OpenAPI 3.1 document served at /api/openapi.json. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
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
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      tags: [op.tag],
      summary: op.summary,
      ...(parameters.length ? { parameters } : {}),
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
        'or send `Authorization: Bearer rpt_…` with an API token. Live events: socket.io namespace /inbox.',
    },
    servers: [{ url: serverUrl }],
    security: [{ session: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'rapport_session' },
        bearer: { type: 'http', scheme: 'bearer' },
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
