import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClaimsParameterMember } from 'oidc-provider';

/** A person the test identity provider knows. */
export interface TestAccount {
  sub: string;
  preferred_username?: string;
  name?: string;
  email?: string;
  groups?: string[];
}

/** A real OpenID Connect provider (the `oidc-provider` package) on a loopback port. */
export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the next login prompt (the provider's login page, answered by the test). */
  signInAs(sub: string): void;
  /** Refuse the next login as the person would by cancelling it (`error=access_denied`). */
  refuseNext(): void;
  /** The authorization requests the provider received (to check PKCE and the scope). */
  authorizationRequests: URLSearchParams[];
  close(): Promise<void>;
}

/**
 * Starts the provider with one confidential client (`client_secret_basic`, authorization code,
 * PKCE required) and the given accounts. Its interaction pages (login, consent) are answered in
 * place of a person: login as whoever `signInAs` named, consent to the scopes asked for.
 * @example const idp = await startOidcProvider({ redirectUris: ['http://localhost/api/v1/auth/oidc/corp/callback'], accounts });
 */
export async function startOidcProvider(options: {
  redirectUris: string[];
  accounts: TestAccount[];
  /** The client's secret (default: a fixed test value). */
  clientSecret?: string;
}): Promise<TestOidcProvider> {
  const accounts = new Map(options.accounts.map((a) => [a.sub, a]));
  let next: string | undefined = options.accounts[0]?.sub;
  let refuse = false;
  const authorizationRequests: URLSearchParams[] = [];
  const clientId = 'linewatch-test';
  const clientSecret = options.clientSecret ?? 'test-client-secret-not-for-production';

  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['linewatch-test-cookie-key'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: (_use: string, _scope: string, _claims: Record<string, ClaimsParameterMember | null>) => ({
          ...account,
        }),
      };
    },
  });
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (refuse) {
      refuse = false;
      await provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'the person cancelled',
      });
      return;
    }
    if (details.prompt.name === 'login') {
      if (!next) throw new Error('startOidcProvider: nobody to sign in as');
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: next } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    // Consent: grant what was asked for.
    const accountId = details.session?.accountId;
    const grant = new provider.Grant({ accountId, clientId });
    const scope = details.params.scope;
    grant.addOIDCScope(typeof scope === 'string' ? scope : 'openid');
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/auth') authorizationRequests.push(url.searchParams);
    if (url.pathname.startsWith('/interaction/')) {
      interaction(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
      return;
    }
    void callback(req, res);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs: (sub) => {
      next = sub;
    },
    refuseNext: () => {
      refuse = true;
    },
    authorizationRequests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
