import RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import { Pool } from 'undici';

export interface TwilioHttpClientOptions {
  /** Per request: no answer within this long is a failure (the queue retries it). */
  timeoutMs: number;
  /**
   * Sends every request to this origin instead, keeping the path (TWILIO_API_URL, the sandbox).
   * Read per request: the sandbox only knows its port once the hub listens.
   */
  baseUrl?: () => string;
}

type FormValue = string | number | boolean | Date | null | undefined | FormValue[];

/**
 * The twilio SDK's HTTP transport on undici's keep-alive connection pools, in place of the
 * axios client it ships with. The SDK still builds every request (resource path, form fields,
 * authentication) and reads every answer, errors included; only the HTTP exchange changes, through
 * the SDK's own extension point for custom HTTP clients (`httpClient`). Why: the default client
 * costs about 0.3 ms of the event loop per message, this one under 0.1 ms (BENCHMARKS.md), and
 * the send workers share the event loop with the webhooks.
 */
export class TwilioHttpClient extends RequestClient {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: TwilioHttpClientOptions) {
    super({ timeout: options.timeoutMs });
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const url = this.target(opts.uri);
    if (opts.params) url.search = formEncode(opts.params as Record<string, FormValue>);

    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.username && opts.password) {
      headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    } else if (opts.authStrategy) {
      headers.Authorization = await opts.authStrategy.getAuthString();
    }
    const contentType = headers['Content-Type'] ?? headers['content-type'];
    const body =
      opts.data === undefined
        ? undefined
        : contentType === 'application/json'
          ? JSON.stringify(opts.data)
          : formEncode(opts.data as Record<string, FormValue>);

    const timeout = opts.timeout ?? this.options.timeoutMs;
    const answer = await this.pool(url.origin).request({
      // The SDK names methods in lower case; HTTP wants them as tokens in upper case.
      method: opts.method.toUpperCase() as 'POST',
      path: `${url.pathname}${url.search}`,
      headers,
      body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    // A string body: the SDK parses it itself, for records and for error answers alike.
    const text = await answer.body.text();
    return { statusCode: answer.statusCode, body: text as TData, headers: answer.headers } as Response<TData>;
  }

  /** Closes the idle connections (at shutdown). */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }

  private target(uri: string): URL {
    const url = new URL(uri);
    if (!this.options.baseUrl) return url;
    const base = new URL(this.options.baseUrl());
    const basePath = base.pathname.replace(/\/+$/, '');
    return new URL(`${base.origin}${basePath}${url.pathname}${url.search}`);
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: 32, keepAliveTimeout: 10_000 });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

/** Form encoding as the SDK's own client does it: a list repeats its key, undefined is left out. */
function formEncode(fields: Record<string, FormValue>): string {
  const form = new URLSearchParams();
  const add = (key: string, value: FormValue) => {
    if (value === undefined) return;
    if (Array.isArray(value)) value.forEach((item) => add(key, item));
    else form.append(key, value instanceof Date ? value.toISOString() : String(value ?? ''));
  };
  for (const [key, value] of Object.entries(fields)) add(key, value);
  return form.toString();
}
