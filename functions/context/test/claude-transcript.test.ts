import { describe, expect, it } from 'vitest';
import { parseClaudeTranscript } from '../src/imports/claude-code/transcript.ts';

const base = {
  sessionId: 's-1',
  cwd: '/work/app',
  gitBranch: 'main',
  version: '1.0.80',
  userType: 'external',
};
const line = (value: Record<string, unknown>) => JSON.stringify({ ...base, ...value });
const transcript = [
  line({
    type: 'user',
    uuid: 'u1',
    parentUuid: null,
    timestamp: '2025-11-20T10:00:00Z',
    message: { role: 'user', content: 'Fix the export — it fails 🙁' },
  }),
  line({
    type: 'assistant',
    uuid: 'a1',
    parentUuid: 'u1',
    timestamp: '2025-11-20T10:00:05Z',
    message: {
      id: 'msg_1',
      role: 'assistant',
      model: 'claude-x',
      content: [{ type: 'thinking', thinking: 'Look at the script.' }],
      usage: { input_tokens: 120, output_tokens: 4 },
    },
  }),
  line({
    type: 'assistant',
    uuid: 'a2',
    parentUuid: 'a1',
    timestamp: '2025-11-20T10:00:06Z',
    message: {
      id: 'msg_1',
      role: 'assistant',
      content: [{ type: 'text', text: 'Reading it now.' }],
      usage: { input_tokens: 120, output_tokens: 9 },
    },
  }),
  line({
    type: 'assistant',
    uuid: 'a3',
    parentUuid: 'a2',
    timestamp: '2025-11-20T10:00:07Z',
    message: {
      id: 'msg_1',
      role: 'assistant',
      content: [
        {
          type: 'tool_use',
          id: 'toolu_1',
          name: 'Read',
          input: { file_path: 'scripts/export-dedup.py' },
        },
        {
          type: 'tool_use',
          id: 'toolu_2',
          name: 'Bash',
          input: { command: 'python3 scripts/export-dedup.py --dry-run' },
        },
      ],
      usage: { input_tokens: 120, output_tokens: 31 },
    },
  }),
  line({
    type: 'user',
    uuid: 'u2',
    parentUuid: 'a3',
    timestamp: '2025-11-20T10:00:08Z',
    message: {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_1',
          content: [{ type: 'text', text: 'def main(): ...' }],
        },
      ],
    },
  }),
  '{"type": "assistant", "message": {broken json',
  line({ type: 'file-history-snapshot', messageId: 'x' }),
  line({ type: 'brand-new-kind', uuid: 'n1' }),
  JSON.stringify({ type: 'summary', summary: 'Fixing the export dedup script', leafUuid: 'u2' }),
  line({
    type: 'system',
    uuid: 'sys1',
    timestamp: '2025-11-20T10:01:00Z',
    content: 'Conversation compacted',
  }),
].join('\n');

describe('Claude Code transcripts', () => {
  const parsed = parseClaudeTranscript(transcript);

  it('reads the session: id, cwd, branch, version, summary and time window', () => {
    expect(parsed).toMatchObject({
      sessionId: 's-1',
      cwd: '/work/app',
      gitBranch: 'main',
      version: '1.0.80',
      summary: 'Fixing the export dedup script',
      startedAt: '2025-11-20T10:00:00.000Z',
      endedAt: '2025-11-20T10:01:00.000Z',
    });
  });

  it('compares times as instants, whatever their offsets, and ignores times that are none', () => {
    const times = parseClaudeTranscript(
      [
        line({
          type: 'user',
          uuid: 'late',
          timestamp: '2025-11-20T10:30:00+00:00',
          message: { role: 'user', content: 'second' },
        }),
        // 09:00 at -05:00 is 14:00 UTC: the latest, although it reads as the earliest.
        line({
          type: 'user',
          uuid: 'latest',
          timestamp: '2025-11-20T09:00:00-05:00',
          message: { role: 'user', content: 'third' },
        }),
        line({
          type: 'user',
          uuid: 'first',
          timestamp: '2025-11-20 10:00:00Z',
          message: { role: 'user', content: 'first' },
        }),
        line({
          type: 'user',
          uuid: 'no-time',
          timestamp: 'yesterday',
          message: { role: 'user', content: 'fourth' },
        }),
        line({
          type: 'user',
          uuid: 'a-number',
          timestamp: 1732096800,
          message: { role: 'user', content: 'fifth' },
        }),
      ].join('\n'),
    );
    expect(times).toMatchObject({
      startedAt: '2025-11-20T10:00:00.000Z',
      endedAt: '2025-11-20T14:00:00.000Z',
    });
    expect(times.messages.map((m) => [m.externalId, m.timestamp])).toEqual([
      ['first', '2025-11-20T10:00:00.000Z'],
      ['late', '2025-11-20T10:30:00.000Z'],
      ['latest', '2025-11-20T14:00:00.000Z'],
      ['no-time', null],
      ['a-number', null],
    ]);
  });

  it('merges a streamed assistant response into one message with its thinking, tools and usage', () => {
    expect(parsed.messages.map((m) => [m.role, m.externalId])).toEqual([
      ['user', 'u1'],
      ['assistant', 'msg_1'],
      ['tool', 'u2'],
      ['system', 'sys1'],
    ]);
    const assistant = parsed.messages[1];
    expect(assistant).toMatchObject({
      content: 'Reading it now.',
      thinking: 'Look at the script.',
      model: 'claude-x',
      inputTokens: 120,
      outputTokens: 31,
      fileReferences: [{ path: 'scripts/export-dedup.py', operation: 'read' }],
      commands: ['python3 scripts/export-dedup.py --dry-run'],
    });
    expect(assistant?.toolCalls.map((c) => c.name)).toEqual(['Read', 'Bash']);
    expect(parsed.messages[2]?.content).toBe('def main(): ...');
    expect(parsed.messages[0]?.content).toBe('Fix the export — it fails 🙁');
  });

  it('counts broken lines and unknown types instead of failing', () => {
    expect(parsed.malformedLines).toEqual([6]);
    expect(parsed.unknownTypes).toEqual({ 'brand-new-kind': 1 });
    expect(parseClaudeTranscript('not json at all\n\n[]\n')).toMatchObject({
      messages: [],
      malformedLines: [1, 3],
    });
  });
});

describe('line identities', () => {
  it('are what the importer calls each message: the CLI sends only lines the server lacks', async () => {
    const { readTranscriptLines } = await import('@devctx/client/transcript-lines');
    const importer = parseClaudeTranscript(transcript).messages.map((m) => m.externalId);
    const cli = [
      ...new Set(
        readTranscriptLines(transcript)
          .map((l) => l.identity)
          .filter((id): id is string => typeof id === 'string'),
      ),
    ];
    expect(cli.sort()).toEqual([...importer].sort());
  });
});
