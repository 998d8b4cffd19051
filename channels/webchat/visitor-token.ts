import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';

const AUDIENCE = 'rapport:webchat';
const ISSUER = 'rapport';
/** A visitor who returns within a year resumes their conversation. */
const LIFETIME = '365d';

/**
 * Signed visitor identities. The widget keeps the token in localStorage; the server derives the
 * visitor (and so the only conversation they can read) from it, never from what a client claims.
 */
export class VisitorTokens {
  constructor(private readonly secret: string) {}

  issue(visitorId: string = randomUUID()): { visitorId: string; token: string } {
    const token = jwt.sign({}, this.secret, {
      algorithm: 'HS256',
      subject: visitorId,
      audience: AUDIENCE,
      issuer: ISSUER,
      expiresIn: LIFETIME,
    });
    return { visitorId, token };
  }

  /** The visitor id of a valid token, or null for a forged, foreign, expired or malformed one. */
  verify(token: string): string | null {
    try {
      const payload = jwt.verify(token, this.secret, { algorithms: ['HS256'], audience: AUDIENCE, issuer: ISSUER });
      return typeof payload === 'object' && typeof payload.sub === 'string' ? payload.sub : null;
    } catch {
      return null;
    }
  }
}
