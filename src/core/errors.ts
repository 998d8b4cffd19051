import { isDatabaseUnavailable } from './database-unavailable';

/**
 * Every error a client can see, declared once with a stable code, a human message and an HTTP
 * status. Routes and socket handlers map these; nothing else (no stack trace) reaches a client.
 */

export interface ErrorSpec {
  status: number;
  message: string;
}

export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON' },
  EMPTY_MESSAGE: { status: 400, message: 'A message needs text or at least one attachment' },
  MESSAGE_TOO_LARGE: { status: 413, message: 'The message text is larger than 64 KiB' },
  UNAUTHENTICATED: { status: 401, message: 'Authentication is required' },
  INVALID_TOKEN: { status: 401, message: 'The token is invalid or has expired' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this' },
  TOKEN_SCOPE: { status: 403, message: "The API token's scope does not allow this" },
  // The team inbox: sign-in, CSRF and the people in it.
  INVALID_CREDENTIALS: { status: 401, message: 'The email or password is not right' },
  CSRF_FAILED: { status: 403, message: 'The request is missing a valid X-CSRF-Token header' },
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'Requests from this origin are not allowed' },
  CONTACT_NOT_FOUND: { status: 404, message: 'Contact not found' },
  // The contacts directory (issue 14): a second contact with the same phone, email or external id.
  CONTACT_EXISTS: { status: 409, message: 'A contact with that phone, email or external id already exists' },
  CONTACT_ERASED: { status: 410, message: 'The contact was erased; the hub keeps nothing about them' },
  SEGMENT_NOT_FOUND: { status: 404, message: 'Segment not found' },
  EVENT_ID_TAKEN: { status: 409, message: 'That eventId was already used for another contact or event name' },
  USER_NOT_FOUND: { status: 404, message: 'User not found' },
  EMAIL_TAKEN: { status: 409, message: 'A user with that email already exists' },
  LAST_ADMIN: {
    status: 409,
    message: 'The last active admin cannot be demoted or deactivated: make someone else an admin first',
  },
  NOT_FOUND: { status: 404, message: 'Not found' },
  CONVERSATION_NOT_FOUND: { status: 404, message: 'Conversation not found' },
  CHANNEL_UNAVAILABLE: { status: 409, message: 'That channel is not configured on this hub' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state' },
  MESSAGE_ID_TAKEN: { status: 409, message: "Another sender's message already has this message id" },
  // Flows (flows/, src/flows-runtime).
  FLOW_INVALID: { status: 422, message: 'The flow file is not valid' },
  FLOW_NOT_FOUND: { status: 404, message: 'No flow with that id' },
  FLOW_NOT_STARTED: { status: 409, message: 'The flow was not started' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  // Campaigns and automations (src/campaigns).
  CAMPAIGN_NOT_FOUND: { status: 404, message: 'Campaign not found' },
  CAMPAIGN_STATE: { status: 409, message: 'The campaign cannot do that in its current state' },
  // An agent writing first (src/inbox/outreach-service.ts).
  NO_ADDRESS_ON_CHANNEL: { status: 422, message: 'The contact has no number to reach on that channel' },
  OUTSIDE_SENDING_WINDOW: {
    status: 409,
    message: "It is outside the sending window in the contact's time zone: nothing may be sent to them now",
  },
  ADDRESS_OF_ANOTHER_CONTACT: { status: 409, message: "That number is another contact's" },
  CONVERSATION_WITH_COLLEAGUE: {
    status: 409,
    message: "The contact's open conversation on that channel is with a colleague",
  },
  // Experiments (src/experiments).
  EXPERIMENT_NOT_FOUND: { status: 404, message: 'Experiment not found' },
  EXPERIMENT_STATE: { status: 409, message: 'The experiment cannot do that in its current state' },
  // Saved segments (src/segments).
  SEGMENT_KEY_TAKEN: { status: 409, message: 'Another segment already has that key' },
  // Twilio (SMS, WhatsApp) and consent.
  INVALID_SIGNATURE: { status: 403, message: 'The request signature is missing or does not match' },
  INVALID_PHONE_NUMBER: { status: 400, message: 'The phone number is not a valid number' },
  CONTACT_OPTED_OUT: { status: 409, message: 'The contact has opted out of messages on this channel' },
  WHATSAPP_WINDOW_CLOSED: {
    status: 409,
    message: 'The customer last wrote more than 24 hours ago: WhatsApp only allows an approved template now',
  },
  SMS_TOO_LONG: { status: 413, message: 'An SMS body may have at most 1600 characters' },
  TEMPLATE_NOT_SUPPORTED: { status: 400, message: 'Templates can only be sent on WhatsApp' },
  // The CSV import of contacts (src/imports).
  NOT_CSV: { status: 400, message: 'Send the file as text/csv' },
  INVALID_CSV: { status: 400, message: 'The file is not valid CSV' },
  INVALID_MAPPING: { status: 400, message: 'The column mapping is not valid' },
  IMPORT_TOO_LARGE: { status: 413, message: 'An import takes at most 1,000,000 rows and 200 MB' },
  IMPORT_NOT_FOUND: { status: 404, message: 'Import not found' },
  // The database is unreachable or restarting, or the hub is shutting down: the same request,
  // sent again shortly (Twilio retries a 503, the widget resends the same clientMessageId), succeeds.
  UNAVAILABLE: { status: 503, message: 'The service is briefly unavailable; try again shortly' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }

  /** The body a client sees: the code and message, never internals. */
  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * Any thrown value as an AppError: known ones pass through, a lost database connection becomes
 * UNAVAILABLE (retryable), the rest become INTERNAL.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return isDatabaseUnavailable(error) ? new AppError('UNAVAILABLE') : new AppError('INTERNAL');
}
