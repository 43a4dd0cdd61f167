import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { readSaved, resolveSettings, save } from './config.ts';
import { CliError, EXIT } from './errors.ts';
import { installHooks, settingsFile, uninstallHooks } from './hooks/claude-settings.ts';
import { hookCommands } from './hooks/hook-script.ts';
import { type HookKind, runHook } from './hooks/run-hook.ts';
import { stateDir } from './hooks/state.ts';
import { api, describe } from './http.ts';
import { listImports, showImport, summarise } from './imports.ts';
import { mcpCommand } from './mcp.ts';
import { progress } from './progress.ts';
import { callersDir, describePushed, push } from './push.ts';

/**
 * devctx — the Dev Context command line. Every command answers in one line on failure
 * (a stack trace only with --verbose) and exits with a code that says what went wrong
 * (cli/errors.ts).
 */
export function program(out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {
  const cli = new Command('devctx')
    .description('Keep what your team did with AI assistants: push sessions, follow imports.')
    .addOption(
      new Option(
        '--url <url>',
        'the server (default: DEVCTX_URL, then the saved one, then http://localhost:8080)',
      ),
    )
    .addOption(
      new Option('--key <key>', 'an API key dck_… (default: DEVCTX_API_KEY, then the saved one)'),
    )
    .option('--verbose', 'on failure, print the stack trace too')
    .showHelpAfterError('(devctx --help shows every command)')
    .exitOverride();
  const settings = () => resolveSettings(cli.opts());

  cli
    .command('login')
    .description(
      'Check a server and key, and save them for later commands (~/.config/devctx, mode 600)',
    )
    .action(async () => {
      const saved = await readSaved();
      const chosen = await resolveSettings({
        url: cli.opts().url ?? saved.url,
        key: cli.opts().key,
      });
      const answer = await api(chosen)<{ items: unknown[] }>('GET', '/v1/imports?limit=1');
      if (!answer.ok) {
        throw new CliError(
          `${chosen.url} answered ${describe(answer.problem)} (a push key needs sessions:write and sessions:read).`,
          EXIT.permission,
        );
      }
      out(`Saved ${chosen.url} and the key to ${await save(chosen)}.`);
    });

  cli
    .command('push')
    .description(
      'Push Claude Code transcripts (.jsonl files or folders of them) or a v1 export folder',
    )
    .argument('<paths...>', 'files and folders')
    .option('--project <id>', 'file the sessions under this project')
    .action(async (paths: string[], options: { project?: string }) => {
      let bar = progress(0);
      const results = await push(
        api(await settings()),
        paths,
        {
          start: (total) => {
            bar = progress(total);
          },
          step: (label) => bar.step(label),
          done: (result) => {
            bar.say(describePushed(result));
            bar.advance('');
          },
        },
        { projectId: options.project },
      );
      bar.end();
      const failed = results.filter((r) => r.outcome === 'refused' || r.view?.status === 'failed');
      const uploaded = results.filter((r) => r.outcome === 'uploaded').length;
      out(
        `${results.length} checked, ${uploaded} imported, ${results.length - uploaded - failed.length} skipped, ${failed.length} failed.`,
      );
      if (failed.length > 0) process.exitCode = EXIT.partial;
    });

  cli
    .command('imports')
    .description('Your tenant’s imports, newest first')
    .option('--status <status>', 'only queued, running, succeeded or failed ones')
    .option('--limit <n>', 'how many', '20')
    .action(async (options: { status?: string; limit: string }) => {
      const items = await listImports(api(await settings()), Number(options.limit), options.status);
      if (items.length === 0) out('No imports.');
      for (const item of items)
        out(
          `${item.id}  ${item.createdAt.slice(0, 16).replace('T', ' ')}  ${item.kind.padEnd(11)}  ${item.createdBy?.name ?? ''}  ${summarise(item)}`,
        );
    });

  cli
    .command('import')
    .description('One import: its status and what it did')
    .argument('<id>', 'the import’s id')
    .action(async (id: string) => {
      const view = await showImport(api(await settings()), id);
      out(
        `${view.id} (${view.kind}), ${view.status}, started ${view.createdAt}${view.finishedAt ? `, ended ${view.finishedAt}` : ''}`,
      );
      out(summarise(view));
      if (view.report) out(JSON.stringify(view.report, null, 2));
      if (view.status === 'failed') process.exitCode = EXIT.partial;
    });

  const hook = cli
    .command('hook')
    .description('Claude Code hooks: capture every session, and brief the next one at its start');
  for (const [name, description] of [
    ['session-start', 'SessionStart: print the brief of this working copy’s repository'],
    ['capture', 'PreCompact, Stop, SessionEnd: send what is new in the transcript'],
  ] as const)
    hook
      .command(name)
      .description(`${description} (reads the hook’s JSON on stdin; always exits 0)`)
      .action(() => runHook(name satisfies HookKind, cli.opts(), out));
  hook
    .command('install')
    .description('Add the hooks to ~/.claude/settings.json, keeping everything else in it')
    .option(
      '--project [folder]',
      'to a project’s .claude/settings.json instead (the folder npm ran in, or the one named)',
    )
    .action(async (options: { project?: boolean | string }) => {
      const settings = await settingsFile(projectFolder(options.project));
      const changed = await installHooks(settings, await hookCommands(stateDir()), stateDir());
      out(
        changed
          ? `Added the devctx hooks to ${settings.named}.`
          : `${settings.named} has the devctx hooks already.`,
      );
      await resolveSettings(cli.opts()).catch(() =>
        out(
          'No server or key saved yet: run `devctx login --url … --key dck_…` before the next session.',
        ),
      );
    });
  hook
    .command('uninstall')
    .description('Remove the hooks install added, and nothing else')
    .option('--project [folder]', 'from a project’s .claude/settings.json instead')
    .action(async (options: { project?: boolean | string }) => {
      const settings = await settingsFile(projectFolder(options.project));
      out(
        (await uninstallHooks(settings, stateDir()))
          ? `Removed the devctx hooks from ${settings.named}.`
          : `${settings.named} has no devctx hooks.`,
      );
    });

  cli
    .command('mcp')
    .description('The configuration that connects Claude Code to this server’s MCP endpoint')
    .option(
      '--install [folder]',
      'write it to a project’s .mcp.json (the folder npm ran in, or the one named)',
    )
    .action(async (options: { install?: boolean | string }) => {
      for (const line of await mcpCommand(await settings(), projectFolder(options.install)))
        out(line);
    });

  return cli;
}

/**
 * The project folder an option names: `--project ~/code/app`, or a bare `--project` for
 * the folder npm was run in (npm runs the CLI in this checkout, so `npm run devctx` from a
 * project needs `npm --prefix <checkout>`, or the folder given).
 */
function projectFolder(option: boolean | string | undefined): string | undefined {
  if (option === undefined || option === false) return undefined;
  return option === true ? callersDir() : path.resolve(callersDir(), option);
}

/** Runs the CLI and ends the process with its exit code. */
export async function main(argv: string[]) {
  const cli = program();
  try {
    await cli.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with 0; a usage mistake (already printed) with 64.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT.usage;
      return;
    }
    const verbose = cli.opts().verbose === true;
    process.stderr.write(`devctx: ${error instanceof Error ? error.message : String(error)}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : EXIT.internal;
  }
}
