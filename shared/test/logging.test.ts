import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.ts';
import { parseTraceHeaders, traceLogFields } from '../src/logging/logger.ts';

describe('structured logs', () => {
  it('writes one JSON object per line with Cloud Logging severity', () => {
    const lines: string[] = [];
    const log = createLogger('info', { service: 'test' }, (line) => lines.push(line));
    log.debug('hidden');
    log.child({ requestId: 'r1' }).warn('careful', { n: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      severity: 'WARNING',
      message: 'careful',
      service: 'test',
      requestId: 'r1',
      n: 1,
    });
  });

  it('links to Cloud Trace from traceparent or X-Cloud-Trace-Context', () => {
    const w3c = parseTraceHeaders({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(traceLogFields(w3c, 'my-project')).toEqual({
      'logging.googleapis.com/trace': 'projects/my-project/traces/0af7651916cd43dd8448eb211c80319c',
      'logging.googleapis.com/spanId': 'b7ad6b7169203331',
    });
    const cloud = parseTraceHeaders({
      'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1',
    });
    expect(cloud).toEqual({ traceId: '105445aa7843bc8bf206b12000100000', spanId: '1' });
    expect(parseTraceHeaders({ traceparent: 'garbage' })).toBeUndefined();
  });
});
