import { z } from 'zod';

/**
 * What the main /api routes answer, as zod schemas: the OpenAPI document describes responses
 * from them (openapi.ts), and the API tests check real answers against them, so the description
 * cannot drift from the code. Objects are strict: a field the code adds must be described here.
 */
const id = z.uuid();
const timestamp = z.iso.datetime({ offset: true });
const role = z.enum(['admin', 'manager', 'agent']);

const User = z.strictObject({ id, email: z.string(), name: z.string(), role, teams: z.array(z.string()) });
const TeamMember = User.extend({ active: z.boolean() });
const Token = z.strictObject({
  id,
  name: z.string(),
  prefix: z.string().meta({ description: 'The start of the token, to recognise it' }),
  scope: z.enum(['read', 'write', 'full']),
  keepOnPasswordChange: z.boolean(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});

const Handoff = z.strictObject({
  reason: z.string(),
  summary: z.record(z.string(), z.string()).meta({ description: "The customer's answers so far, label → answer" }),
  team: z.string().nullable(),
  at: timestamp,
});

const Conversation = z.strictObject({
  id,
  contactId: id,
  contactName: z.string().nullable(),
  channel: z.string(),
  status: z.enum(['open', 'pending', 'resolved', 'snoozed']),
  handledBy: z.enum(['bot', 'human']),
  assigneeId: id.nullable(),
  assigneeName: z.string().nullable(),
  team: z.string().nullable(),
  labels: z.array(z.string()),
  unreadCount: z.number().int().meta({ description: "The caller's unread customer messages" }),
  lastMessageAt: timestamp.nullable(),
  lastMessagePreview: z.string().nullable(),
  createdAt: timestamp,
  handoff: Handoff.nullable().meta({ description: 'Why the bot handed over, while a person has the conversation' }),
});

const Message = z.strictObject({
  id,
  conversationId: id,
  contactId: id,
  channel: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  authorKind: z.enum(['contact', 'bot', 'agent', 'system']),
  authorUserId: id.nullable(),
  body: z.string().nullable(),
  attachments: z.array(z.strictObject({ url: z.string(), contentType: z.string(), name: z.string().optional() })),
  status: z.enum(['received', 'queued', 'sent', 'delivered', 'read', 'failed', 'undelivered']),
  errorCode: z.string().nullable(),
  isPrivate: z.boolean().meta({ description: 'An internal note, never sent to the customer' }),
  createdAt: timestamp,
});

const page = <T extends z.ZodType>(item: T) =>
  z.strictObject({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as cursor (or before/after) for the next page' }),
  });

const Contact = z.strictObject({
  id,
  displayName: z.string().nullable(),
  name: z.string().meta({ description: 'What every view calls the contact (the one display-name rule)' }),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  externalId: z.string().nullable().meta({ description: "The shop's own id for the person (unique)" }),
  locale: z.string().nullable(),
  timeZone: z.string().nullable(),
  birthday: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  lastSeenAt: timestamp.nullable(),
  createdAt: timestamp,
  identities: z.array(z.strictObject({ id, channel: z.string(), address: z.string() })),
  conversations: z.array(Conversation),
  sections: z
    .record(z.string(), z.array(z.record(z.string(), z.unknown())))
    .meta({ description: 'consents, flowAnswers, feedback, …: rows, newest first' }),
});

/** A row of the contacts directory (GET /api/contacts). */
const ContactListItem = z.strictObject({
  id,
  name: z.string().meta({ description: 'The one display-name rule' }),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  externalId: z.string().nullable(),
  tags: z.array(z.string()),
  channels: z.array(z.string()).meta({ description: 'Channels the contact has an identity on' }),
  consents: z
    .record(z.string(), z.enum(['opted_in', 'opted_out']))
    .meta({ description: 'Recorded consent per channel; a channel absent has none' }),
  lastSeenAt: timestamp.nullable(),
  createdAt: timestamp,
});

const CannedResponse = z.strictObject({ id, shortCode: z.string(), title: z.string().nullable(), body: z.string() });

/** Response bodies by the name the OpenAPI document gives them (components/schemas). */
export const API_RESPONSES = {
  Me: z.strictObject({ user: User, csrfToken: z.string().optional() }),
  TokenList: z.strictObject({ tokens: z.array(Token) }),
  NewToken: Token.extend({ token: z.string().meta({ description: 'The token itself, shown only here' }) }),
  Team: z.strictObject({ users: z.array(TeamMember) }),
  TeamMember,
  Conversation,
  ConversationPage: page(Conversation),
  Message,
  MessagePage: page(Message),
  Contact,
  ContactPage: page(ContactListItem),
  CannedResponse,
  CannedResponseList: z.strictObject({ items: z.array(CannedResponse) }),
};

export type ApiResponseName = keyof typeof API_RESPONSES;
