/**
 * Structured JSON logs, one object per line, in the shape Cloud Logging reads from stdout:
 * `severity`, `message`, and the trace fields that link a line to its request in Cloud Trace.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
type Fields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: Fields): void;
  info(message: string, fields?: Fields): void;
  warn(message: string, fields?: Fields): void;
  error(message: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
const severity = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' } as const;

export function createLogger(
  level: LogLevel,
  base: Fields = {},
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const emit = (at: Exclude<LogLevel, 'silent'>, message: string, fields?: Fields) => {
    if (rank[at] < rank[level]) return;
    const entry = {
      severity: severity[at],
      message,
      time: new Date().toISOString(),
      ...base,
      ...fields,
    };
    write(JSON.stringify(entry, errorReplacer));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/** Errors do not serialise by default; keep what an operator needs (never shown to clients). */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  return value;
}

export interface TraceContext {
  traceId: string;
  spanId?: string;
}

/** Reads `traceparent` (W3C) or Google's `X-Cloud-Trace-Context: TRACE/SPAN;o=1`. */
export function parseTraceHeaders(
  headers: Record<string, string | string[] | undefined>,
): TraceContext | undefined {
  const traceparent = first(headers.traceparent);
  const w3c = traceparent?.match(/^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/);
  if (w3c?.[1] && w3c[2]) return { traceId: w3c[1], spanId: w3c[2] };
  const cloud = first(headers['x-cloud-trace-context'])?.match(/^([\da-f]{32})(?:\/(\d+))?/);
  if (cloud?.[1]) return cloud[2] ? { traceId: cloud[1], spanId: cloud[2] } : { traceId: cloud[1] };
  return undefined;
}

export function traceLogFields(
  trace: TraceContext | undefined,
  project: string | undefined,
): Fields {
  if (!trace) return {};
  const traceName = project ? `projects/${project}/traces/${trace.traceId}` : trace.traceId;
  return {
    'logging.googleapis.com/trace': traceName,
    ...(trace.spanId ? { 'logging.googleapis.com/spanId': trace.spanId } : {}),
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
