// The external HTTPS load balancer's URL map, rendered from the families' route tables:
// each family's paths go to its own function (serverless NEG backend devctx-<name>), the
// rest (health, /docs, /openapi.json, the dashboard) to the api function. GCP picks the
// longest matching rule; `/x/*` matches below /x/.
import type { AnyRoute, Family } from '@devctx/shared';

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

export function renderUrlMap(families: Family[], host: string): UrlMap {
  const defaultService = serviceOf('api');
  return {
    name: 'devctx',
    defaultService,
    hostRules: [{ hosts: [host], pathMatcher: 'families' }],
    pathMatchers: [{ name: 'families', defaultService, pathRules: pathRules(families) }],
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

// node infra/scripts/url-map.ts --domain example.com
//   prints the URL map for `gcloud compute url-maps import devctx --source=-`.
if (import.meta.main) {
  const { parseArgs } = await import('node:util');
  const { stringify } = await import('yaml');
  const { families } = await import('../../functions/families.ts');
  const { values } = parseArgs({ options: { domain: { type: 'string' } } });
  if (!values.domain) {
    console.error('usage: url-map.ts --domain DOMAIN');
    process.exit(64);
  }
  process.stdout.write(stringify(renderUrlMap(families, `api.${values.domain}`)));
}
