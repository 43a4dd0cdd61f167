import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { AccessTokens } from '../auth/jwt.ts';
import type { Permission } from '../auth/permissions.ts';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import type { Dispatcher } from '../jobs/dispatcher.ts';
import type { Logger } from '../logging/logger.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who is calling; filled in by authentication. */
export interface Actor {
  userId: string;
  tenantId: string;
  permissions: ReadonlySet<string>;
  /** 'user' for a JWT, 'api_key' for a machine key. */
  kind: 'user' | 'api_key';
  /** The sign-in session behind a JWT. */
  sessionId?: string | undefined;
  apiKeyId?: string | undefined;
  /** The tier's hourly request budget this caller draws on (set by authentication). */
  requestsPerHour?: number | undefined;
  /** Permissions the caller's roles grant but a tenant rule holds back for now, and why. */
  withheld?: { reason: WithheldReason; permissions: ReadonlySet<string> } | undefined;
}

/** A tenant rule that holds back a caller's writes (an error code of the same name). */
export type WithheldReason = 'email_unverified' | 'tenant_deleting';

/** What every use case receives: who asks, in which request, and the handles it may use. */
export interface RequestContext {
  requestId: string;
  log: Logger;
  db: Db;
  config: Config;
  tokens: AccessTokens;
  /** Hands enqueued background jobs to their transport (see enqueueJob). */
  dispatcher: Dispatcher;
  ip: string;
  userAgent: string | undefined;
  actor: Actor | undefined;
  /**
   * Takes one more request from the authenticated caller's hourly budget, counted where
   * its request was (this instance's count, see LocalBuckets): for calls made in process.
   */
  charge?: () => Promise<void>;
}

/** The actor of a route that declares a permission (the pipeline has authenticated it). */
export function actorOf(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new Error('route declared no permission but needs an actor');
  return ctx.actor;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  headers: IncomingHttpHeaders;
  /**
   * Reads the body's bytes, unparsed, for routes that declare `rawBody` (webhooks): only
   * when the route has checked what it can without them, so an unknown caller's body is
   * never read. Until it is called, nothing of the body is in memory.
   */
  readRawBody?: () => Promise<Buffer>;
}

export interface RouteResult {
  status?: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, for the few non-JSON endpoints (the reference page and its assets). */
  raw?: { type: string; data: string | Buffer };
  /** Streamed as is, never whole in memory (an archive from storage). */
  stream?: { type: string; data: Readable };
  headers?: Record<string, string>;
}

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

/**
 * A route, declared once as data: the router, input validation and (later) the OpenAPI
 * document all read this one declaration.
 */
export interface Route<P = unknown, Q = unknown, B = unknown> {
  method: HttpMethod;
  /** OpenAPI-style template, e.g. `/v1/projects/{id}`. */
  path: string;
  summary: string;
  tags?: string[];
  /**
   * `resource:action` the caller needs (one of the catalogue in auth/permissions.ts, so a
   * typo does not compile), or null for a public route.
   */
  permission: Permission | null;
  /**
   * 'internal': only Cloud Tasks and Cloud Scheduler may call it (INTERNAL_AUTH), checked
   * before the body is read. Such a route declares no permission: no user calls it.
   */
  caller?: 'internal';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** false for service endpoints (health, keys, docs) that anonymous callers may poll. */
  rateLimit?: false;
  /**
   * An anonymous write that can change what authentication reads of credentials already
   * issued (a refresh revoking a session, a password reset, an address verified): it
   * drops every cached authentication on this instance (Guard.forget). An authenticated
   * write drops its tenant's; an internal call (scheduler, worker, operator) drops all.
   */
  changesCredentials?: true;
  /** Overrides BODY_LIMIT_BYTES for routes that take large batches. */
  bodyLimitBytes?: number;
  /**
   * The route reads the body itself (input.readRawBody): the pipeline only enforces the size
   * limit. For signed payloads, whose bytes must be verified before anything parses them.
   */
  rawBody?: { contentTypes: string[]; description: string };
  responses: Record<number, ResponseSpec>;
  handler(ctx: RequestContext, input: RouteInput<P, Q, B>): Promise<RouteResult>;
}

// biome-ignore lint/suspicious/noExplicitAny: a route table holds routes of every input type.
export type AnyRoute = Route<any, any, any>;

/** Identity function that lets TypeScript infer P, Q and B from the schemas. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(
  route: Route<P, Q, B>,
): Route<P, Q, B> {
  return route;
}
