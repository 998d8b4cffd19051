import { createSign, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The issuer Bot Framework channel tokens carry (botframework-connector's AuthenticationConstants). */
export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

export interface FakeBotFrameworkIssuer {
  /** The OpenID metadata document (ToBotFromChannelOpenIdMetadataUrl); it points at the JWKS. */
  metadataUrl: string;
  /** A channel token as the Bot Framework signs one: RS256, the key published with endorsements. */
  channelToken(claims: { audience: string; serviceUrl: string }): string;
  close(): Promise<void>;
}

/**
 * The Bot Framework's token signing side on 127.0.0.1: an OpenID metadata document, a JWKS
 * with one RSA key endorsed for `endorsedChannels`, and tokens signed with that key. Lets the
 * real botframework-connector validate a token end to end without reaching Microsoft.
 */
export async function startFakeBotFrameworkIssuer(endorsedChannels: string[]): Promise<FakeBotFrameworkIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'fake-bot-framework-key';
  const jwk = publicKey.export({ format: 'jwk' }) as JsonWebKey;
  let base = '';
  const server: Server = createServer((req, res) => {
    const body =
      req.url === '/.well-known/openidconfiguration'
        ? { issuer: CHANNEL_TOKEN_ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }
        : req.url === '/keys'
          ? { keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: endorsedChannels }] }
          : null;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    metadataUrl: `${base}/.well-known/openidconfiguration`,
    channelToken: ({ audience, serviceUrl }) => {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', kid })}.${encode({
        iss: CHANNEL_TOKEN_ISSUER,
        aud: audience,
        serviceurl: serviceUrl,
        nbf: now - 60,
        iat: now - 60,
        exp: now + 600,
      })}`;
      return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
