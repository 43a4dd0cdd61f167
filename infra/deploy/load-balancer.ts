// The serverless external Application Load Balancer that owns api.DOMAIN: a global
// address, one serverless NEG and backend service per public function, the URL map
// rendered from the families' route tables (each family's paths go to its own function,
// the rest — health, /docs, /openapi.json, the dashboard — to the api function; GCP picks
// the longest matching rule, and `/x/*` matches below /x/), a Google-managed certificate,
// the HTTPS proxy and forwarding rule, and an HTTP→HTTPS redirect on port 80.
import type { AnyRoute, Family } from '@devctx/shared';
import { stringify } from 'yaml';
import type { FunctionSpec } from './functions.ts';
import { type DeployInputs, hosts } from './inputs.ts';

export interface UrlMap {
  name: string;
  defaultService: string;
  hostRules: { hosts: string[]; pathMatcher: string }[];
  pathMatchers: {
    name: string;
    defaultService: string;
    pathRules: { service: string; paths: string[] }[];
  }[];
}

const serviceOf = (name: string) => `devctx-${name}`;

/** The literal segments of a route's path, up to its first parameter. */
const literalPrefix = (route: AnyRoute) => {
  const segments = route.path.split('/').slice(1);
  const firstParam = segments.findIndex((s) => s.startsWith('{'));
  return { literal: firstParam < 0 ? segments : segments.slice(0, firstParam), segments };
};

const startsWith = (segments: string[], prefix: string[]) =>
  prefix.every((segment, i) => segments[i] === segment);

/**
 * For each route, the shortest literal path prefix that no other family's route shares,
 * as the rule pair `/prefix` and `/prefix/*`. Two families whose routes cannot be told
 * apart by a literal prefix are a design error, reported here.
 */
export function pathRules(families: Family[]): { service: string; paths: string[] }[] {
  const all = families.flatMap((f) =>
    f.routes.map((r) => ({ family: f.name, ...literalPrefix(r) })),
  );
  return families.map((family) => {
    const paths = new Set<string>();
    for (const route of family.routes) {
      const { literal, segments } = literalPrefix(route);
      const others = all.filter((o) => o.family !== family.name);
      const k = literal.findIndex((_, i) => {
        const prefix = literal.slice(0, i + 1);
        return !others.some((o) => startsWith(o.segments, prefix));
      });
      if (k < 0) {
        // Its whole literal prefix is shared: an exact path rule still separates a route
        // that has no parameter and no other family's route at that exact path.
        const exact = others.some((o) => o.segments.join('/') === segments.join('/'));
        if (literal.length < segments.length || exact)
          throw new Error(
            `${route.method} ${route.path} of ${family.name} shares its path with another family`,
          );
        paths.add(`/${literal.join('/')}`);
        continue;
      }
      const prefix = `/${literal.slice(0, k + 1).join('/')}`;
      paths.add(prefix);
      paths.add(`${prefix}/*`);
    }
    return { service: serviceOf(family.name), paths: [...paths].sort() };
  });
}

export function renderUrlMap(families: Family[], host: string, projectId?: string): UrlMap {
  // gcloud's import takes a backend service by its resource path.
  const backend = (name: string) =>
    projectId ? `projects/${projectId}/global/backendServices/${name}` : name;
  const rules = pathRules(families).map((r) => ({ ...r, service: backend(r.service) }));
  const defaultService = backend(serviceOf('api'));
  return {
    name: 'devctx',
    defaultService,
    hostRules: [{ hosts: [host], pathMatcher: 'families' }],
    pathMatchers: [{ name: 'families', defaultService, pathRules: rules }],
  };
}

/** Which service the load balancer sends a request path to (GCP's longest-match rule). */
export function serviceFor(map: UrlMap, requestPath: string): string {
  let best: { service: string; length: number } | undefined;
  for (const rule of map.pathMatchers[0]?.pathRules ?? []) {
    for (const p of rule.paths) {
      const matches = p.endsWith('/*') ? requestPath.startsWith(p.slice(0, -1)) : requestPath === p;
      if (matches && (!best || p.length > best.length))
        best = { service: rule.service, length: p.length };
    }
  }
  return best?.service ?? map.defaultService;
}

/** A gcloud step of the load balancer: its command, what checks it exists, its input. */
export interface LbStep {
  gcloud: string[];
  /** Succeeds (printing `contains`, if given) when the object exists. */
  exists?: { args: string[]; contains?: string };
  stdin?: string;
}

/**
 * Everything that makes api.DOMAIN reach the public functions, in order; each object is
 * created once (its `exists` check skips it after), the URL maps are imported every time.
 */
export function loadBalancerSteps(
  inputs: DeployInputs,
  functions: FunctionSpec[],
  families: Family[],
): LbStep[] {
  const global = '--global';
  const project = `--project=${inputs.projectId}`;
  const host = hosts(inputs).functions;
  const steps: LbStep[] = [];
  for (const f of functions.filter((f) => f.public)) {
    const name = serviceOf(f.name);
    steps.push(
      {
        gcloud: [
          'compute',
          'network-endpoint-groups',
          'create',
          name,
          project,
          `--region=${inputs.region}`,
          '--network-endpoint-type=serverless',
          `--cloud-run-service=${f.name}`,
        ],
        exists: {
          args: [
            'compute',
            'network-endpoint-groups',
            'describe',
            name,
            project,
            `--region=${inputs.region}`,
          ],
        },
      },
      {
        gcloud: [
          'compute',
          'backend-services',
          'create',
          name,
          project,
          global,
          '--load-balancing-scheme=EXTERNAL_MANAGED',
        ],
        exists: { args: ['compute', 'backend-services', 'describe', name, project, global] },
      },
      {
        gcloud: [
          'compute',
          'backend-services',
          'add-backend',
          name,
          project,
          global,
          `--network-endpoint-group=${name}`,
          `--network-endpoint-group-region=${inputs.region}`,
        ],
        exists: {
          args: [
            'compute',
            'backend-services',
            'describe',
            name,
            project,
            global,
            '--format=value(backends[].group)',
          ],
          contains: `networkEndpointGroups/${name}`,
        },
      },
    );
  }
  const urlMap = renderUrlMap(families, host, inputs.projectId);
  const redirect = {
    name: 'devctx-redirect',
    defaultUrlRedirect: { httpsRedirect: true, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT' },
  };
  steps.push(
    {
      gcloud: [
        'compute',
        'url-maps',
        'import',
        'devctx',
        project,
        global,
        '--source=/dev/stdin',
        '--quiet',
      ],
      stdin: stringify(urlMap),
    },
    {
      gcloud: [
        'compute',
        'url-maps',
        'import',
        'devctx-redirect',
        project,
        global,
        '--source=/dev/stdin',
        '--quiet',
      ],
      stdin: stringify(redirect),
    },
    {
      gcloud: [
        'compute',
        'ssl-certificates',
        'create',
        'devctx-api',
        project,
        global,
        `--domains=${host}`,
      ],
      exists: { args: ['compute', 'ssl-certificates', 'describe', 'devctx-api', project, global] },
    },
    {
      gcloud: [
        'compute',
        'target-https-proxies',
        'create',
        'devctx-api',
        project,
        global,
        '--url-map=devctx',
        '--ssl-certificates=devctx-api',
      ],
      exists: {
        args: ['compute', 'target-https-proxies', 'describe', 'devctx-api', project, global],
      },
    },
    {
      gcloud: [
        'compute',
        'forwarding-rules',
        'create',
        'devctx-api-https',
        project,
        global,
        '--load-balancing-scheme=EXTERNAL_MANAGED',
        '--address=devctx-api',
        '--target-https-proxy=devctx-api',
        '--ports=443',
      ],
      exists: {
        args: ['compute', 'forwarding-rules', 'describe', 'devctx-api-https', project, global],
      },
    },
    {
      gcloud: [
        'compute',
        'target-http-proxies',
        'create',
        'devctx-api-redirect',
        project,
        global,
        '--url-map=devctx-redirect',
      ],
      exists: {
        args: [
          'compute',
          'target-http-proxies',
          'describe',
          'devctx-api-redirect',
          project,
          global,
        ],
      },
    },
    {
      gcloud: [
        'compute',
        'forwarding-rules',
        'create',
        'devctx-api-http',
        project,
        global,
        '--load-balancing-scheme=EXTERNAL_MANAGED',
        '--address=devctx-api',
        '--target-http-proxy=devctx-api-redirect',
        '--ports=80',
      ],
      exists: {
        args: ['compute', 'forwarding-rules', 'describe', 'devctx-api-http', project, global],
      },
    },
  );
  return steps;
}
