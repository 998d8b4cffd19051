import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';

/**
 * A RequestClient that sends every request to another origin (a local fake, the hub's sandbox)
 * while keeping the path, so the real SDK's requests and parsing are exercised unchanged.
 */
class RedirectingRequestClient extends RequestClient {
  constructor(private readonly baseUrl: () => string) {
    super({ timeout: 15_000 });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const original = new URL(opts.uri);
    const base = this.baseUrl().replace(/\/+$/, '');
    return super.request({ ...opts, uri: `${base}${original.pathname}${original.search}` });
  }
}

export type TwilioClient = ReturnType<typeof twilio>;

/**
 * The official REST client. `baseUrl` (TWILIO_API_URL, or the hub's own sandbox) redirects its
 * requests; it is read on every call because the sandbox only knows its port once listening.
 */
export function createTwilioClient(accountSid: string, authToken: string, baseUrl?: () => string): TwilioClient {
  // Retries are the outbound queue's job (durable, with backoff): the SDK must not retry 429s itself.
  const httpClient = baseUrl ? new RedirectingRequestClient(baseUrl) : new RequestClient({ timeout: 15_000 });
  return twilio(accountSid, authToken, { httpClient, autoRetry: false });
}
