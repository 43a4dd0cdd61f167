// The GKE manifests (infra/gke, in the order of its kustomization.yaml), rendered: every
// placeholder filled from the deploy's inputs. `kubectl apply -f -` takes the result.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { type DeployInputs, fillAll } from './inputs.ts';
import { type MailRelay, mailRelay } from './mail-relay.ts';

const dir = path.resolve(import.meta.dirname, '..', 'gke');

/** A Kubernetes object, as plain data. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
} & Record<string, unknown>;

export function renderGke(inputs: DeployInputs): Manifest[] {
  const { resources } = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
  };
  const manifests = resources.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))
      .map((doc) => doc.toJS() as Manifest | null)
      .filter((m): m is Manifest => m !== null)
      .map((m) => fillAll(m, inputs, `infra/gke/${file} ${m.kind}/${m.metadata.name}`)),
  );
  const relay = mailRelay(inputs);
  if (relay) withMailRelay(manifests, relay, inputs.projectId);
  return manifests;
}

/** The API server sends mail too (it runs jobs): the relay's settings, its password as a file. */
function withMailRelay(manifests: Manifest[], relay: MailRelay, project: string): void {
  const file = 'smtp-password';
  Object.assign(podEnvironment(manifests), relay.env, {
    SMTP_PASSWORD_FILE: `${SECRETS_DIR}/${file}`,
  });
  const spc = manifest<{ spec: { parameters: { secrets: string } } }>(
    manifests,
    'SecretProviderClass',
    'devctx-api-secrets',
  );
  spc.spec.parameters.secrets += `- resourceName: "projects/${project}/secrets/${relay.passwordSecret}/versions/latest"\n  path: "${file}"\n`;
}

/** Where the CSI driver mounts the secrets in the API server's container. */
const SECRETS_DIR = '/var/secrets/devctx';

export const toYaml = (manifests: Manifest[]) => manifests.map((m) => stringify(m)).join('---\n');

/** One object of the rendered set, by kind and name. */
export function manifest<T = Manifest>(manifests: Manifest[], kind: string, name: string): T {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`infra/gke has no ${kind} ${name}`);
  return found as T;
}

/** The environment the API server's container gets: its ConfigMap. */
export function podEnvironment(manifests: Manifest[]): Record<string, string> {
  return manifest<{ data: Record<string, string> }>(manifests, 'ConfigMap', 'devctx-api').data;
}

/** The Secret Manager secrets the CSI driver mounts, by the file they become. */
export function mountedSecretFiles(manifests: Manifest[]): Record<string, string> {
  const spc = manifest<{ spec: { parameters: { secrets: string } } }>(
    manifests,
    'SecretProviderClass',
    'devctx-api-secrets',
  );
  const entries = parse(spc.spec.parameters.secrets) as { resourceName: string; path: string }[];
  return Object.fromEntries(
    entries.map((e) => [e.path, /\/secrets\/([^/]+)\//.exec(e.resourceName)?.[1] ?? '']),
  );
}
