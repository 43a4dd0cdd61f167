import { z } from 'zod';

/**
 * Everything a deployment needs to know about where it goes. Every file of infra/ that
 * names a project, region, host or instance says so with a placeholder — `${PROJECT_ID}`,
 * `${PROJECT_NUMBER}`, `${REGION}`, `${DOMAIN}`, `${INSTANCE}` (the Cloud SQL connection
 * name), `${DATABASE}`, `${IMAGE_TAG}`, and a mail relay's `${SMTP_URL}`, `${SMTP_USER}`,
 * `${MAIL_FROM}` — and `fill` replaces them all from one set of
 * inputs, or fails naming the one it cannot fill.
 */
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const deployInputs = z
  .object({
    projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a Google Cloud project id'),
    projectNumber: z.string().regex(/^\d{6,20}$/, 'the project number (digits)'),
    region: z.string().regex(/^[a-z]+-[a-z]+\d+$/, 'a region, e.g. europe-west1'),
    domain: z
      .string()
      .max(200)
      .refine(
        (d) => d.split('.').length >= 2 && d.split('.').every((label) => DNS_LABEL.test(label)),
        'a DNS domain, e.g. example.com',
      ),
    /** The Cloud SQL instance's name (not its connection name). */
    instance: z.string().regex(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/, 'a Cloud SQL instance name'),
    database: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a database name'),
    imageTag: z.string().regex(/^[\w][\w.-]{0,127}$/, 'a container image tag'),
    /** The SMTP relay of the product's e-mail (infra/mail/relay.yaml); none: mail is off. */
    smtpUrl: z
      .string()
      .regex(
        /^smtps?:\/\/[a-z0-9]([a-z0-9.-]{0,250})(:\d{1,5})?$/i,
        'smtp://host:587 or smtps://host:465',
      )
      .optional(),
    /** The relay's user name; its password is the secret devctx-smtp-password. */
    smtpUser: z
      .string()
      .regex(/^[^\s|,]{1,320}$/, 'a user name without spaces, commas or |')
      .optional(),
    /** The sender of every mail; by default "Dev Context <no-reply@DOMAIN>". */
    mailFrom: z
      .string()
      .regex(/^[^|,\r\n]{3,320}$/, 'a sender without commas, | or line breaks')
      .optional(),
  })
  .superRefine((inputs, issues) => {
    // Relays authenticate: a relay without a login would leave the password secret unused.
    if (inputs.smtpUrl && !inputs.smtpUser)
      issues.addIssue({ code: 'custom', path: ['smtpUser'], message: 'required with smtpUrl' });
    if (!inputs.smtpUrl && (inputs.smtpUser || inputs.mailFrom))
      issues.addIssue({
        code: 'custom',
        path: ['smtpUrl'],
        message: 'required with smtpUser or mailFrom',
      });
  });
export type DeployInputs = z.infer<typeof deployInputs>;

export const defaultNames = { instance: 'devctx', database: 'devctx' };

/** The values behind each placeholder. */
export function placeholderValues(inputs: DeployInputs): Record<string, string> {
  return {
    PROJECT_ID: inputs.projectId,
    PROJECT_NUMBER: inputs.projectNumber,
    REGION: inputs.region,
    DOMAIN: inputs.domain,
    INSTANCE: instanceConnectionName(inputs),
    DATABASE: inputs.database,
    IMAGE_TAG: inputs.imageTag,
    // Filled only where a relay is set up (infra/mail/relay.yaml).
    ...(inputs.smtpUrl
      ? {
          SMTP_URL: inputs.smtpUrl,
          SMTP_USER: inputs.smtpUser ?? '',
          MAIL_FROM: inputs.mailFrom ?? `Dev Context <no-reply@${inputs.domain}>`,
        }
      : {}),
  };
}

const PLACEHOLDER = /\$\{([A-Z_]+)\}/g;

/** `text` with every placeholder filled; an unknown one is an error naming it and `where`. */
export function fill(text: string, inputs: DeployInputs, where: string): string {
  const values = placeholderValues(inputs);
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${where}: unknown placeholder ${whole}`);
    return value;
  });
}

/** Every string in a value (an object, an array, a string) filled, the shape kept. */
export function fillAll<T>(value: T, inputs: DeployInputs, where: string): T {
  if (typeof value === 'string') return fill(value, inputs, where) as T;
  if (Array.isArray(value)) return value.map((v) => fillAll(v, inputs, where)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, fillAll(v, inputs, `${where}.${k}`)]),
    ) as T;
  return value;
}

/**
 * Anything left that looks like a placeholder — ours (`${NAME}`), or a bare capitalised
 * name of the kind earlier files used (PROJECT_HASH) — in rendered text.
 */
export function leftoverPlaceholders(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) found.add(m[0]);
  for (const m of text.matchAll(/\b(PROJECT_[A-Z]+|REGION|DOMAIN|IMAGE_TAG)\b/g)) found.add(m[0]);
  return [...found];
}

export const instanceConnectionName = (inputs: DeployInputs) =>
  `${inputs.projectId}:${inputs.region}:${inputs.instance}`;

/**
 * A Cloud Run service's (and so a function's) URL, known before it is deployed: the
 * deterministic form https://NAME-PROJECT_NUMBER.REGION.run.app. Tasks and schedules post
 * to it, and it is the audience of their OIDC tokens.
 */
export const serviceUrl = (name: string, inputs: DeployInputs) =>
  `https://${name}-${inputs.projectNumber}.${inputs.region}.run.app`;

export const serviceAccountEmail = (name: string, inputs: DeployInputs) =>
  `${name}@${inputs.projectId}.iam.gserviceaccount.com`;

/** One owner per public hostname: the serverless load balancer, and GKE's Ingress. */
export const hosts = (inputs: DeployInputs) => ({
  functions: `api.${inputs.domain}`,
  gke: `gke.${inputs.domain}`,
});
