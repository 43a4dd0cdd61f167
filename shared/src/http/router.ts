import type { AnyRoute, HttpMethod } from './route.ts';

interface CompiledRoute {
  route: AnyRoute;
  pattern: RegExp;
}

export type RouteMatch =
  | { kind: 'found'; route: AnyRoute; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: HttpMethod[] }
  | { kind: 'not_found' };

/** Matches a method and path against the declared route table. */
export function createRouter(routes: AnyRoute[]) {
  const compiled: CompiledRoute[] = routes.map((route) => ({
    route,
    pattern: compileRoutePath(route.path),
  }));
  assertNoDuplicates(routes);

  return function match(method: string, path: string): RouteMatch {
    const wanted = method === 'HEAD' ? 'GET' : method;
    const allow: HttpMethod[] = [];
    for (const { route, pattern } of compiled) {
      const found = pattern.exec(path);
      if (!found) continue;
      if (route.method !== wanted) {
        allow.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(found.groups ?? {})) {
        params[name] = safeDecode(value);
      }
      return { kind: 'found', route, params };
    }
    return allow.length > 0 ? { kind: 'method_not_allowed', allow } : { kind: 'not_found' };
  };
}

export function compileRoutePath(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) return `(?<${param[1]}>[^/]+)`;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function assertNoDuplicates(routes: AnyRoute[]) {
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path.replace(/\{\w+\}/g, '{}')}`;
    if (seen.has(key)) throw new Error(`Route declared twice: ${key}`);
    seen.add(key);
  }
}
