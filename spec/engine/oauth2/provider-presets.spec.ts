import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect } from 'chai';
import { Jam, type OAuth2Preset } from 'koa-jam';
import { listenLoopback, type LoopbackServer } from '../../helpers/loopback-server.js';

const redirectUri = 'https://app.example.com/auth/cb';

const AUTHORIZATION: Record<OAuth2Preset, { endpoint: string; scope: string; oidc: boolean }> = {
  github: {
    endpoint: 'https://github.com/login/oauth/authorize',
    scope: 'read:user user:email',
    oidc: false,
  },
  google: {
    endpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    scope: 'openid email profile',
    oidc: true,
  },
  gitlab: { endpoint: 'https://gitlab.com/oauth/authorize', scope: 'openid email profile', oidc: true },
  yandex: { endpoint: 'https://oauth.yandex.ru/authorize', scope: 'login:email login:info', oidc: false },
};

describe('oauth2 provider presets (offline)', () => {
  for (const [preset, expected] of Object.entries(AUTHORIZATION)) {
    it(`${preset}: sends the browser to its authorization endpoint with its scope, state and PKCE`, async () => {
      const jam = new Jam({
        oauth2: {
          providers: {
            p: { preset: preset as OAuth2Preset, clientId: 'id', clientSecret: 's', redirectUri },
          },
        },
      });
      const url = new URL((await jam.beginLogin('p')).url);
      expect(url.origin + url.pathname).to.equal(expected.endpoint);
      expect(Object.fromEntries(url.searchParams)).to.include({
        response_type: 'code',
        client_id: 'id',
        redirect_uri: redirectUri,
        scope: expected.scope,
        code_challenge_method: 'S256',
      });
      expect(url.searchParams.has('state')).to.equal(true);
      expect(url.searchParams.has('nonce')).to.equal(expected.oidc);
      await jam.close();
    });
  }

  describe('profile mapping, against loopback copies of the documented profile APIs', () => {
    let api: LoopbackServer;
    let emails: object[];
    before(async () => {
      api = await listenLoopback();
      api.handle((req, res) => void fakeApi(req, res, emails));
    });
    after(() => api.close());

    /** A login with the preset pointed at the copy (as for GitHub Enterprise or self-hosted GitLab). */
    async function login(preset: OAuth2Preset, userinfoEndpoint: string, code = 'good-code') {
      const jam = new Jam({
        oauth2: {
          providers: {
            p: {
              preset,
              clientId: 'id',
              clientSecret: 's',
              redirectUri,
              tokenEndpoint: `${api.origin}/token/${preset}`,
              userinfoEndpoint,
            },
          },
        },
      });
      try {
        const start = await jam.beginLogin('p', { returnTo: '/me' });
        const state = new URL(start.url).searchParams.get('state')!;
        return await jam.completeLogin('p', { query: { code, state }, browserKey: start.browserKey });
      } finally {
        await jam.close();
      }
    }

    it('github: the numeric id as sub, and only the primary verified e-mail', async () => {
      emails = [
        { email: 'typed@example.com', primary: false, verified: true },
        { email: 'octocat@github.com', primary: true, verified: true },
      ];
      const { claims, tokens, returnTo } = await login('github', `${api.origin}/api/v3/user`);
      expect(claims).to.deep.equal({
        sub: '583231',
        preferred_username: 'octocat',
        name: 'The Octocat',
        picture: 'https://avatars.githubusercontent.com/u/583231?v=4',
        email: 'octocat@github.com',
        email_verified: true,
      });
      expect(tokens).to.deep.equal({ accessToken: 'gho_token' });
      expect(returnTo).to.equal('/me');
    });

    it('github: no e-mail at all when the primary one is not verified', async () => {
      emails = [{ email: 'octocat@github.com', primary: true, verified: false }];
      const { claims } = await login('github', `${api.origin}/api/v3/user`);
      expect(claims).to.not.have.property('email');
      expect(claims).to.not.have.property('email_verified');
    });

    it('yandex: the id as sub and the default e-mail, not marked verified', async () => {
      const { claims } = await login('yandex', `${api.origin}/info?format=json`);
      expect(claims).to.deep.equal({
        sub: '1000034426',
        preferred_username: 'ivan',
        name: 'Ivan Ivanov',
        email: 'ivan@yandex.ru',
      });
    });

    it('a code the token endpoint refuses is ERR_OAUTH2; a profile API answering 5xx is ERR_PROVIDER_UNAVAILABLE', async () => {
      const refused = await login('github', `${api.origin}/api/v3/user`, 'bad-code').catch(
        (err: unknown) => err,
      );
      expect(refused).to.have.property('code', 'ERR_OAUTH2');
      const down = await login('github', `${api.origin}/down`).catch((err: unknown) => err);
      expect(down).to.have.property('code', 'ERR_PROVIDER_UNAVAILABLE');
    });
  });
});

/** GitHub's and Yandex's token and profile APIs, answering as their documentation shows. */
async function fakeApi(req: IncomingMessage, res: ServerResponse, emails: object[]): Promise<void> {
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const url = new URL(req.url!, 'http://x');
  if (req.method === 'POST' && url.pathname.startsWith('/token/')) {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const form = new URLSearchParams(body);
    if (form.get('code') !== 'good-code' || !form.get('code_verifier') || form.get('client_secret') !== 's') {
      return json(400, { error: 'invalid_grant' });
    }
    const github = url.pathname === '/token/github';
    return json(200, { access_token: github ? 'gho_token' : 'y_token', token_type: 'bearer' });
  }
  const auth = req.headers.authorization;
  if (url.pathname === '/api/v3/user' && auth === 'Bearer gho_token') {
    return json(200, {
      login: 'octocat',
      id: 583231,
      avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4',
      name: 'The Octocat',
      email: 'public-profile@example.com',
    });
  }
  if (url.pathname === '/api/v3/user/emails' && auth === 'Bearer gho_token') return json(200, emails);
  if (url.pathname === '/info' && url.searchParams.get('format') === 'json' && auth === 'OAuth y_token') {
    return json(200, {
      id: '1000034426',
      login: 'ivan',
      client_id: 'id',
      display_name: 'Ivan',
      real_name: 'Ivan Ivanov',
      default_email: 'ivan@yandex.ru',
      emails: ['ivan@yandex.ru'],
    });
  }
  if (url.pathname === '/down') return json(502, { message: 'Bad Gateway' });
  json(401, { message: 'Bad credentials' });
}
