import { AppError } from './errors';

/**
 * A rate: `perMinute` tokens flow back each minute into a bucket that holds at most `burst`.
 * Parsed from configuration as `"<per minute>:<burst>"` (see src/config.ts), `off` for none.
 */
export interface Rate {
  perMinute: number;
  burst: number;
}

export type Take = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Token buckets by key (a visitor, an address, a phone number, an API key), in this process's
 * memory: enough to stop a flood cheaply, before it reaches the database. Each process counts on
 * its own, so N processes allow N times the rate; for a shared, durable count (sign-in attempts)
 * the database is the place. Idle buckets that have refilled are forgotten, so memory follows the
 * number of recently active keys, bounded by `maxKeys` (the oldest are dropped past it).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: Rate | null,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`, or says how long until one is back. Without a rate, always ok. */
  take(key: string): Take {
    if (!this.rate) return { ok: true };
    const now = this.now();
    const perMs = this.rate.perMinute / 60_000;
    const bucket = this.buckets.get(key);
    const tokens = bucket ? Math.min(this.rate.burst, bucket.tokens + (now - bucket.at) * perMs) : this.rate.burst;
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / perMs) };
    }
    this.buckets.delete(key); // re-inserted last: the Map's order is then least recently used first
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.buckets.size > this.maxKeys) this.forget(now, perMs);
    return { ok: true };
  }

  /** Drops buckets that are full again (they hold nothing a fresh one would not), then the oldest. */
  private forget(now: number, perMs: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= this.rate!.burst) this.buckets.delete(key);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}

/** The 429 for an HTTP caller over its rate; the error handler turns `retryAfterSeconds` into Retry-After. */
export function rateLimitedError(retryAfterMs: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError('RATE_LIMITED', `Too many requests: try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
}

/** `"30:15"` → 30 per minute, bursts of 15; `off` → null (no limit). */
export function parseRate(text: string): Rate | null {
  if (text.trim() === 'off') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+)\s*$/.exec(text);
  if (!match) throw new Error(`not a rate: ${text}`);
  return { perMinute: Number(match[1]), burst: Number(match[2]) };
}
