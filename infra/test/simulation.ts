import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@devctx/shared/testing';
import type { Grant } from '../deploy/iam.ts';
import { serviceFor, type UrlMap } from '../deploy/load-balancer.ts';

// Stand-ins for the parts of Google Cloud that sit in front of the code: Cloud Run's IAM
// check in front of a private function, and the external load balancer in front of the
// public ones. Everything behind them is the deployed bundles themselves.

export interface Running {
  name: string;
  base: string;
  process: ChildProcess;
  stderr: () => string;
  /** Ends it and waits until it has exited (it may still write its folder while exiting). */
  stop(): Promise<void>;
}

/** Starts a bundle as its platform would, with exactly `env` (and PATH), until /health answers. */
export async function startBundle(
  name: string,
  dir: string,
  start: string[],
  env: Record<string, string>,
): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [...start, `--port=${port}`], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    const status = await fetch(`${base}/health`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200)
      return {
        name,
        base,
        process: child,
        stderr: () => stderr,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        },
      };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start:\n${stderr}`);
}

/** Waits for a bundle that must not start, and returns its exit code and what it said. */
export function exitOf(dir: string, start: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [...start, '--port=0'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/**
 * Cloud Run in front of a private function: a caller presents a Google-signed OIDC token
 * for the function's URL; IAM lets it through only with run.invoker on that function, and
 * forwards it with the signature replaced. Google's signing key is the stand-in's own.
 */
export function cloudRunFront(grants: Grant[]) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const token = (claims: Record<string, unknown>) => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'RS256', kid: 'google-sim', typ: 'JWT' })}.${part(claims)}`;
    return `${unsigned}.${sign('sha256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
  };
  return {
    /**
     * POSTs `body` to `url` (the function's run.app URL, as a task or schedule names it) as
     * `account`, with a token for `audience`, through IAM, to the function running at `local`.
     */
    async deliver(options: {
      function: string;
      local: string;
      url: string;
      account: string;
      audience: string;
      serviceUrl: string;
      body?: Buffer | string;
      headers?: Record<string, string>;
    }) {
      const allowed = grants.some(
        (g) =>
          g.role === 'roles/run.invoker' &&
          g.on.kind === 'function' &&
          g.on.name === options.function &&
          g.member === `serviceAccount:${options.account}`,
      );
      // IAM: the audience must be the service's URL, and the caller an invoker.
      if (!allowed || options.audience !== options.serviceUrl) return { status: 403, body: 'IAM' };
      const signed = token({
        iss: 'https://accounts.google.com',
        aud: options.audience,
        email: options.account,
        email_verified: true,
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 3600,
      });
      const forwarded = `${signed.split('.').slice(0, 2).join('.')}.SIGNATURE_REMOVED_BY_GOOGLE`;
      const target = new URL(options.url);
      if (target.origin !== options.serviceUrl) return { status: 404, body: 'no such service' };
      const response = await fetch(`${options.local}${target.pathname}`, {
        method: 'POST',
        headers: { ...options.headers, authorization: `Bearer ${forwarded}` },
        ...(options.body !== undefined ? { body: options.body } : {}),
      });
      return { status: response.status, body: await response.text() };
    },
  };
}

/** The IP address the load balancer appends after the client's. */
export const LOAD_BALANCER_IP = '34.120.0.1';

/**
 * The external Application Load Balancer in front of the public functions: routes by the
 * rendered URL map, and appends "client, load balancer" to X-Forwarded-For (the client is
 * what the test names in x-sim-client).
 */
export async function loadBalancer(urlMap: UrlMap, backends: Map<string, string>) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://lb');
    const service = serviceFor(urlMap, url.pathname).split('/').at(-1) ?? '';
    const backend = backends.get(service);
    if (!backend) {
      res.writeHead(502).end(`no backend ${service}`);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const client = (req.headers['x-sim-client'] as string | undefined) ?? '198.51.100.7';
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && !['host', 'x-sim-client', 'connection'].includes(k))
        headers[k] = v;
    headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], client, LOAD_BALANCER_IP]
      .filter(Boolean)
      .join(', ');
    const upstream = await fetch(`${backend}${url.pathname}${url.search}`, {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, key) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(key))
        out[key] = value;
    });
    res.writeHead(upstream.status, out);
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
