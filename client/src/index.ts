import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, operations, paths } from './schema.ts';

export type { components, operations, paths };
export type DevContextClient = Client<paths>;

export interface ClientOptions {
  /** Where the API is, e.g. http://localhost:8080. */
  baseUrl: string;
  /** An access token or an API key (dck_…); a function is asked before every request. */
  credential?: string | (() => string | undefined | Promise<string | undefined>);
  fetch?: typeof globalThis.fetch;
}

/**
 * A typed client over the API's OpenAPI document: paths, parameters, bodies and responses
 * are checked by TypeScript. Errors come back as `error` (problem+json), never thrown.
 *
 *   const api = createDevContextClient({ baseUrl, credential: token });
 *   const { data, error } = await api.GET('/v1/users/{id}', { params: { path: { id } } });
 */
export function createDevContextClient(options: ClientOptions): DevContextClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const { credential } = options;
  if (credential) {
    const auth: Middleware = {
      async onRequest({ request }) {
        const value = typeof credential === 'function' ? await credential() : credential;
        if (value) request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    };
    client.use(auth);
  }
  return client;
}

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: { path: string; message: string }[];
};
