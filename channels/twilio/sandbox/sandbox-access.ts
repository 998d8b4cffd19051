import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { twilioError } from './twilio-error';

/** Who may call the sandbox: the machine itself, or whoever holds its account SID and auth token. */
export interface SandboxCredentials {
  accountSid: string;
  authToken: string;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * The sandbox answers only this machine or the hub's own credentials. The address is the TCP
 * peer's, never X-Forwarded-For (anyone can write that header); and a request that came through a
 * proxy (it carries a forwarding header) is not local even when the proxy runs on this machine.
 */
export function sandboxAccess(credentials: SandboxCredentials): RequestHandler {
  return (req, res, next) => {
    if (isLocal(req.socket.remoteAddress, req.headers) || carriesCredentials(req.headers, credentials)) return next();
    res
      .status(401)
      .set('www-authenticate', 'Basic realm="Twilio sandbox"')
      .json(twilioError(401, 20003, 'Authenticate: the sandbox answers only this machine or its own credentials'));
  };
}

function isLocal(address: string | undefined, headers: IncomingHttpHeaders): boolean {
  const proxied = headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined;
  return !proxied && address !== undefined && LOOPBACK.test(address);
}

/** HTTP Basic with the account SID and auth token: what the Twilio SDK sends. */
function carriesCredentials(headers: IncomingHttpHeaders, credentials: SandboxCredentials): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(headers.authorization ?? '');
  if (!match) return false;
  const sent = Buffer.from(match[1], 'base64');
  const expected = Buffer.from(`${credentials.accountSid}:${credentials.authToken}`, 'utf8');
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}
