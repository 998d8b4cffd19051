import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { TokenBuckets, type Rate, type Take } from '../../src/core/token-bucket';

export interface WebchatRates {
  /** Messages of one visitor. */
  visitorMessages: Rate | null;
  /** Messages of every visitor at one client address together. */
  addressMessages: Rate | null;
  /** New visitors (no token yet) one client address may start: identities are free otherwise. */
  addressSessions: Rate | null;
}

/**
 * Web chat's flood limits (issue 13): a refused message costs a map lookup, never a statement,
 * so a flood from one visitor or address cannot slow anyone else. In-process (see TokenBuckets).
 */
export class WebchatLimits {
  private readonly visitorMessages: TokenBuckets;
  private readonly addressMessages: TokenBuckets;
  private readonly addressSessions: TokenBuckets;

  constructor(rates: WebchatRates) {
    this.visitorMessages = new TokenBuckets(rates.visitorMessages);
    this.addressMessages = new TokenBuckets(rates.addressMessages);
    this.addressSessions = new TokenBuckets(rates.addressSessions);
  }

  newSession(address: string): Take {
    return this.addressSessions.take(address);
  }

  message(visitorId: string, address: string): Take {
    const visitor = this.visitorMessages.take(visitorId);
    return visitor.ok ? this.addressMessages.take(address) : visitor;
  }
}

const isLoopback = (address: string): boolean =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

/**
 * The client's address as express reads it with `trust proxy: 'loopback'` (src/app.ts): behind a
 * proxy on this machine, the nearest X-Forwarded-For entry that is not loopback; else the peer.
 */
export function clientAddress(peer: string, headers: IncomingHttpHeaders): string {
  const forwarded = headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => isIP(hop) !== 0);
  let address = peer;
  while (isLoopback(address) && hops.length) address = hops.pop()!;
  return address;
}
