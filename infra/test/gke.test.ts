import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { configSchema } from '@devctx/shared';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from '../deploy/gke.ts';
import { leftoverPlaceholders } from '../deploy/inputs.ts';
import { render } from './support.ts';

const dir = path.resolve(import.meta.dirname, '..', 'gke');

/** The manifests as they are applied: rendered from the simulation's inputs. */
async function manifests(): Promise<(Manifest & { file: string })[]> {
  return render().gke.map((m) => ({ ...m, file: `${m.kind}/${m.metadata.name}` }));
}

// Core kinds are checked against the Kubernetes OpenAPI schemas (kubernetes-models); the
// GKE and CSI custom resources against the fields GKE documents.
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};
const customResources = new Set([
  'secrets-store.csi.x-k8s.io/v1/SecretProviderClass',
  'cloud.google.com/v1/BackendConfig',
  'networking.gke.io/v1/ManagedCertificate',
  'networking.gke.io/v1beta1/FrontendConfig',
]);

describe('GKE manifests (infra/gke)', () => {
  it('every document validates against its Kubernetes schema', async () => {
    for (const m of await manifests()) {
      const key = `${m.apiVersion}/${m.kind}`;
      const Model = models[key];
      if (Model) {
        expect(() => new Model(m as never).validate(), `${m.file} ${key}`).not.toThrow();
      } else {
        expect(customResources, `${m.file}: unexpected ${key}`).toContain(key);
        expect(m.metadata.name).toMatch(/^[a-z0-9-]+$/);
        expect(m.spec, `${m.file} ${key}`).toBeTypeOf('object');
      }
      if (m.kind !== 'Namespace') expect(m.metadata.namespace, m.file).toBe('devctx');
    }
  });

  it('kustomization lists every manifest file', async () => {
    const kustomization = parseAllDocuments(
      await readFile(path.join(dir, 'kustomization.yaml'), 'utf8'),
    )[0]?.toJSON();
    const files = (await readdir(dir)).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('the deployment: probes, limits, non-root, read-only, draining; the proxy a native sidecar; the HPA owns the count', async () => {
    type Container = {
      name: string;
      image: string;
      restartPolicy?: string;
      args?: string[];
      resources: { requests?: object; limits?: object };
      securityContext: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
      startupProbe: { httpGet: { path: string } };
      livenessProbe: { httpGet: { path: string } };
      readinessProbe: { httpGet: { path: string } };
      lifecycle: { preStop: { sleep: { seconds: number } } };
    };
    const deployment = (await manifests()).find((m) => m.kind === 'Deployment') as unknown as {
      spec: {
        replicas?: number;
        template: {
          spec: {
            containers: Container[];
            initContainers: Container[];
            securityContext: { runAsNonRoot: boolean };
            terminationGracePeriodSeconds: number;
          };
        };
      };
    };
    // A count here would reset the autoscaler's on every apply.
    expect(deployment.spec.replicas).toBeUndefined();
    const pod = deployment.spec.template.spec;
    const api = pod.containers.find((c) => c.name === 'api') as Container;
    expect(api.image).toBe('europe-west1-docker.pkg.dev/devctx-sim/devctx/api:b42');
    expect(api.startupProbe.httpGet.path).toBe('/health');
    expect(api.livenessProbe.httpGet.path).toBe('/health');
    expect(api.readinessProbe.httpGet.path).toBe('/ready');
    // The Cloud SQL Auth Proxy: an init container that keeps running (a native sidecar),
    // so it is up before the app and down after it; on the instance of the inputs.
    const [proxy] = pod.initContainers;
    expect(proxy?.image).toMatch(/^gcr\.io\/cloud-sql-connectors\/cloud-sql-proxy:2\.\d+\.\d+$/);
    expect(proxy?.restartPolicy).toBe('Always');
    expect(proxy?.args).toContain('devctx-sim:europe-west1:devctx');
    for (const container of [...pod.containers, ...pod.initContainers]) {
      expect(container.resources.requests, container.name).toBeDefined();
      expect(container.resources.limits, container.name).toBeDefined();
      expect(container.securityContext.readOnlyRootFilesystem, container.name).toBe(true);
      expect(container.securityContext.allowPrivilegeEscalation, container.name).toBe(false);
    }
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    // Grace: the preStop pause plus the server's drain (SHUTDOWN_GRACE_MS) fit in it.
    const config = (await manifests()).find((m) => m.kind === 'ConfigMap') as unknown as {
      data: Record<string, string>;
    };
    const drainSeconds =
      Number(config.data.SHUTDOWN_GRACE_MS) / 1000 + api.lifecycle.preStop.sleep.seconds;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds);
  });

  it('the network policy lets the pods reach the metadata server (Workload Identity)', async () => {
    const policy = (await manifests()).find((m) => m.kind === 'NetworkPolicy') as unknown as {
      spec: { egress: { to?: { ipBlock: { cidr: string } }[]; ports: { port: number }[] }[] };
    };
    const allowed = policy.spec.egress.flatMap((rule) =>
      (rule.to ?? []).flatMap((to) => rule.ports.map((p) => `${to.ipBlock.cidr}:${p.port}`)),
    );
    expect(allowed).toEqual(
      expect.arrayContaining(['169.254.169.254/32:80', '169.254.169.252/32:988']),
    );
  });

  it('renders every placeholder of every manifest', async () => {
    const text = JSON.stringify(await manifests());
    expect(leftoverPlaceholders(text)).toEqual([]);
  });

  it('the configmap sets only real settings, and no secret values', async () => {
    const config = (await manifests()).find((m) => m.kind === 'ConfigMap') as unknown as {
      data: Record<string, string>;
    };
    const known = new Set(Object.keys(configSchema.shape).flatMap((k) => [k, `${k}_FILE`]));
    for (const name of Object.keys(config.data)) expect(known, name).toContain(name);
    for (const secret of ['DATABASE_PASSWORD', 'ENCRYPTION_KEY', 'INTERNAL_SHARED_SECRET']) {
      expect(config.data, secret).not.toHaveProperty(secret);
    }
    expect(config.data.DATABASE_URL).toBe('postgres://devctx_app@127.0.0.1:5432/devctx');
    expect((await manifests()).map((m) => m.kind)).not.toContain('Secret');
  });

  it('scales 3-20 and keeps 2 up through disruptions', async () => {
    const all = await manifests();
    const hpa = all.find((m) => m.kind === 'HorizontalPodAutoscaler') as unknown as {
      spec: { minReplicas: number; maxReplicas: number };
    };
    const pdb = all.find((m) => m.kind === 'PodDisruptionBudget') as unknown as {
      spec: { minAvailable: number };
    };
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 20]);
    expect(pdb.spec.minAvailable).toBe(2);
  });
});

describe('Dockerfile', () => {
  it('stages build on each other and copy only files that exist or are built', async () => {
    const text = await readFile(
      path.resolve(import.meta.dirname, '..', '..', 'Dockerfile'),
      'utf8',
    );
    const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    const stages: string[] = [];
    for (const line of lines) {
      const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
      if (from) {
        expect(from[1]).toMatch(/^node:24-/); // the project's Node major, never a dev binary
        if (from[2]) stages.push(from[2]);
        continue;
      }
      const copy = /^COPY\s+(?:--from=(\S+)\s+)?(\S+)\s+(\S+)/i.exec(line);
      if (!copy) continue;
      const [, stage, source] = copy;
      if (stage) {
        expect(stages, line).toContain(stage);
        // What it copies from the build stage is what npm run build writes.
        if (stage === 'build') expect(source).toMatch(/^\/src\/dist\/(api|jobs\/migrate)\//);
      } else if (source !== '.') {
        const { existsSync } = await import('node:fs');
        expect(
          existsSync(path.resolve(import.meta.dirname, '..', '..', source as string)),
          line,
        ).toBe(true);
      }
    }
    expect(stages).toEqual(['build', 'runtime-deps', 'runtime', 'migrate']);
    expect(text).toMatch(/^USER 1000:1000$/m);
    expect(text).toContain('npm run build');
    expect(text).toMatch(/--omit=dev/);
  });
});
