import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from '../core/events';

/** Prometheus metrics for the message pipeline, served at `/metrics`. */
export class HubMetrics {
  readonly registry = new Registry();
  readonly ingestSeconds = new Histogram({
    name: 'rapport_ingest_duration_seconds',
    help: 'Time to store one inbound message, from the channel handing it over to the commit',
    labelNames: ['channel', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  private readonly received = new Counter({
    name: 'rapport_messages_received_total',
    help: 'Inbound messages stored, by channel',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  private readonly created = new Counter({
    name: 'rapport_messages_created_total',
    help: 'Outbound messages created, by channel and author kind',
    labelNames: ['channel', 'author'] as const,
    registers: [this.registry],
  });
  private readonly statuses = new Counter({
    name: 'rapport_message_status_changes_total',
    help: 'Delivery status changes of outbound messages, by new status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'rapport_' });
  }

  /** Counts what goes through the bus; thin listeners, wired in app.ts. */
  listen(bus: EventBus): void {
    bus.on('message.received', ({ message }) => void this.received.inc({ channel: message.channel }));
    bus.on(
      'message.created',
      ({ message }) => void this.created.inc({ channel: message.channel, author: message.authorKind }),
    );
    bus.on('message.status', ({ status }) => void this.statuses.inc({ status }));
  }

  /**
   * `GET /metrics`, behind a bearer token when one is configured. In production it is never open:
   * without METRICS_TOKEN every call is refused (the counters tell an outsider how busy the hub is
   * and which channels it runs), so a deployment that wants metrics sets the token.
   */
  router(token: string | undefined, options: { production: boolean }): Router {
    const router = Router();
    router.get('/metrics', async (req, res) => {
      if (!token && options.production) {
        res.status(401).json({
          error: { code: 'UNAUTHENTICATED', message: 'Metrics are closed in production until METRICS_TOKEN is set' },
        });
        return;
      }
      if (token && !bearerMatches(req.headers.authorization, token)) {
        res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'A metrics token is required' } });
        return;
      }
      res.type(this.registry.contentType).send(await this.registry.metrics());
    });
    return router;
  }
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
