// The VS Code client of flare-ls: starts the language server for YAML files (the server decides which
// are Flare manifests), passes it the `flare-ls.rules.*` settings, and restarts it on request or when the
// server settings change. "Flare: Show lineage" is lineage.ts.
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  ConfigurationParams,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { LineageView, SHOW_LINEAGE } from './lineage';

const SECTION = 'flare-ls';
/** What to do when no server can be found at all. */
const INSTALL_HINT =
  'Install Python 3.10 or newer for the server this extension carries, or install flare-ls ' +
  '(`pipx install git+https://github.com/flare-ls/flare-ls`) and point the setting ' +
  'flare-ls.server.command or flare-ls.server.pythonPath at it if it is not on PATH.';
/** What to do when a setting names a server that cannot run. */
const SETTING_HINT =
  'Correct the setting, or clear flare-ls.server.command and flare-ls.server.pythonPath to use the server ' +
  'this extension carries.';
const SETTINGS_QUERY = '@ext:flare-ls.flare-ls';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
/** Where the extension is installed: its bundled server lives under `bundled/`. */
let extensionPath = '';
/** Serialises start, stop and restart so that two restarts never race. */
let pending: Promise<void> = Promise.resolve();
/** The client a restart is about to stop. */
let retiring: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('flare-ls');
  extensionPath = context.extensionPath;
  // Asks the client of the moment: a restart replaces it while the view stays open.
  const lineage = new LineageView(() => client, output);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('flare-ls.restartServer', () => enqueue(restart)),
    vscode.commands.registerCommand('flare-ls.showOutput', () => output.show(true)),
    lineage,
    vscode.commands.registerCommand(SHOW_LINEAGE, () => lineage.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        // This listener runs before the client's own: it does not forward a change to a server on its way out.
        retiring = client;
        output.appendLine('flare-ls.server settings changed: restarting the server');
        void enqueue(restart);
      }
    }),
  );
  await enqueue(start);
}

export function deactivate(): Thenable<void> | undefined {
  return enqueue(stop);
}

function enqueue(step: () => Promise<void>): Promise<void> {
  pending = pending.then(step, step);
  return pending;
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function stop(): Promise<void> {
  const current = client;
  client = undefined;
  if (current === undefined) {
    return;
  }
  try {
    await current.stop(5000);
  } catch (error) {
    output.appendLine(`stopping the server: ${errorText(error)}`);
  }
  await current.dispose().catch(() => undefined);
}

async function start(): Promise<void> {
  let command: ServerCommand;
  try {
    command = await serverCommand();
  } catch (error) {
    reportMissing(errorText(error), INSTALL_HINT);
    return;
  }
  if (command.origin !== 'bundled' && resolveExecutable(command.command) === undefined) {
    reportMissing(`cannot find \`${command.command}\` (from ${command.origin}).`, SETTING_HINT);
    return;
  }
  if (command.args[0] === '-m' && command.args[1] === 'flare_ls') {
    // `python -m flare_ls` with a Python that lacks the package would die at once: say so plainly.
    const problem = await importProblem(command.command);
    if (problem !== undefined) {
      reportMissing(`\`${command.command}\` (from ${command.origin}) cannot run flare-ls: ${problem}.`, SETTING_HINT);
      return;
    }
  }
  const executable: Executable = {
    command: command.command,
    args: command.args,
    // vscode-languageclient appends --stdio for this transport; the server accepts it.
    transport: TransportKind.stdio,
    options: { cwd: workspaceRoot(), env: { ...process.env, PYTHONUNBUFFERED: '1' } },
  };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const self: { client?: LanguageClient } = {};
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'yaml' }],
    outputChannel: output,
    initializationOptions: serverSettings(),
    synchronize: { configurationSection: SECTION },
    middleware: {
      workspace: {
        didChangeConfiguration: (sections, next) =>
          self.client !== undefined && self.client === retiring ? Promise.resolve() : next(sections),
        // The server asks for the section `flare-ls` and wants `{"rules": {...}}` only: the default
        // answer (the whole section, `server` and `trace` included) fails its strict validation.
        configuration: async (params: ConfigurationParams, token, next) => {
          const defaults = await next(params, token);
          if (!Array.isArray(defaults)) {
            return defaults;
          }
          return params.items.map((item, index) =>
            item.section === SECTION ? serverSettings(item.scopeUri) : defaults[index],
          );
        },
      },
    },
  };
  const described = [command.command, ...command.args, '--stdio'].join(' ');
  output.appendLine(`starting ${described}`);
  const created = new LanguageClient(SECTION, 'flare-ls', serverOptions, clientOptions);
  self.client = created;
  client = created;
  try {
    await created.start();
  } catch (error) {
    output.appendLine(`the server did not start: ${errorText(error)}`);
    if (client === created) {
      client = undefined;
    }
    await created.dispose().catch(() => undefined);
    reportMissing(
      `the language server \`${described}\` stopped before it started (${errorText(error)}); its log says why.`,
      command.origin === 'bundled' || command.origin === 'PATH' ? INSTALL_HINT : SETTING_HINT,
      true,
    );
  }
}

/** The settings the server reads: `{"rules": {"select", "ignore", "severity"}}`. */
interface ServerSettings {
  rules: { select: string[] | null; ignore: string[]; severity: Record<string, string> };
}

function serverSettings(scopeUri?: string): ServerSettings {
  const scope = scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const select = config.get<string[] | null>('rules.select', null);
  return {
    rules: {
      select: Array.isArray(select) ? [...select] : null,
      ignore: [...(config.get<string[]>('rules.ignore') ?? [])],
      severity: { ...(config.get<Record<string, string>>('rules.severity') ?? {}) },
    },
  };
}

interface ServerCommand {
  command: string;
  args: string[];
  /** Where the command came from, for messages: a setting, `PATH` or `bundled`. */
  origin: string;
}

/**
 * The server to start: the one a setting names; else, by `flare-ls.server.importStrategy`, `flare-ls` from
 * PATH (`fromEnvironment`, the default) or, when there is none or with `useBundled`, the server this
 * extension carries, run by a Python it finds. Throws, with what was tried, when there is none.
 */
async function serverCommand(): Promise<ServerCommand> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const setting = config.get<string[] | string>('server.command');
  if (Array.isArray(setting) && setting.length > 0) {
    const [command, ...args] = setting.map((part) => expand(String(part)));
    if (!command) {
      throw new Error('the setting flare-ls.server.command starts with an empty string');
    }
    return { command, args, origin: 'the setting flare-ls.server.command' };
  }
  if (typeof setting === 'string' && setting.trim() !== '') {
    return { command: expand(setting.trim()), args: [], origin: 'the setting flare-ls.server.command' };
  }
  const python = config.get<string>('server.pythonPath', '').trim();
  if (python !== '') {
    return { command: expand(python), args: ['-m', 'flare_ls'], origin: 'the setting flare-ls.server.pythonPath' };
  }
  const strategy = config.get<string>('server.importStrategy', 'fromEnvironment');
  if (strategy !== 'useBundled' && resolveExecutable('flare-ls') !== undefined) {
    return { command: 'flare-ls', args: [], origin: 'PATH' };
  }
  const bundled = await bundledServer();
  if (typeof bundled === 'string') {
    const onPath = strategy === 'useBundled' ? '' : '`flare-ls` is not on PATH, and ';
    throw new Error(`cannot find the flare-ls language server: ${onPath}${bundled}.`);
  }
  return bundled;
}

/**
 * The server in `bundled/` (its packages per CPython version in `bundled/libs/cpXY`, see
 * scripts/bundle_server.py), run by the first Python that has packages there: the Python extension's
 * interpreter for this workspace, then `python3` and `python` from PATH. A string says why there is none.
 */
async function bundledServer(): Promise<ServerCommand | string> {
  const tool = path.join(extensionPath, 'bundled', 'tool', 'flare_ls_server.py');
  let tags: string[];
  try {
    tags = fs.readdirSync(path.join(extensionPath, 'bundled', 'libs')).filter((name) => /^cp\d+$/.test(name));
  } catch {
    tags = [];
  }
  if (!fs.existsSync(tool) || tags.length === 0) {
    return 'this build of the extension carries no server';
  }
  const versions = tags.map((tag) => `${tag[2]}.${tag.slice(3)}`).sort();
  const tried: string[] = [];
  for (const python of await pythonCandidates()) {
    const tag = await pythonTag(python);
    tried.push(`${python} (${tag === undefined ? 'does not run' : `Python ${tag.slice(2, 3)}.${tag.slice(3)}`})`);
    if (tag !== undefined && tags.includes(tag)) {
      // -I: neither PYTHONPATH nor the user's site-packages can shadow the bundled packages.
      return { command: python, args: ['-I', tool], origin: 'bundled' };
    }
  }
  const found = tried.length > 0 ? `found ${tried.join(', ')}` : 'found no Python';
  return `the server this extension carries needs Python ${versions.join(', ')}; ${found}`;
}

async function pythonCandidates(): Promise<string[]> {
  const candidates: string[] = [];
  const pythonExtension = vscode.extensions.getExtension('ms-python.python');
  if (pythonExtension !== undefined) {
    try {
      const api = pythonExtension.isActive ? pythonExtension.exports : await pythonExtension.activate();
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const active = api?.environments?.getActiveEnvironmentPath?.(folder);
      if (typeof active?.path === 'string' && active.path !== '') {
        candidates.push(active.path);
      }
    } catch (error) {
      output.appendLine(`the Python extension did not name an interpreter: ${errorText(error)}`);
    }
  }
  for (const name of process.platform === 'win32' ? ['python', 'python3'] : ['python3', 'python']) {
    const found = resolveExecutable(name);
    if (found !== undefined && !candidates.includes(found)) {
      candidates.push(found);
    }
  }
  return candidates;
}

/** `cpXY` for the CPython that `python` runs, or undefined when it does not run (or is not CPython). */
function pythonTag(python: string): Promise<string | undefined> {
  const code = "import sys; print('cp%d%d' % sys.version_info[:2] if sys.implementation.name == 'cpython' else '')";
  return new Promise((resolve) => {
    cp.execFile(python, ['-I', '-c', code], { timeout: 20000 }, (error, stdout) => {
      const tag = String(stdout).trim();
      resolve(error === null && /^cp\d+$/.test(tag) ? tag : undefined);
    });
  });
}

function workspaceRoot(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

/** Why `python` cannot import flare_ls (its last line of error output), or undefined when it can. */
function importProblem(python: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    cp.execFile(python, ['-c', 'import flare_ls'], { timeout: 20000, cwd: workspaceRoot() }, (error, _stdout, stderr) => {
      if (error === null) {
        resolve(undefined);
        return;
      }
      const lines = String(stderr).trim().split(/\r?\n/);
      resolve(lines[lines.length - 1] || error.message);
    });
  });
}

/** `~`, `${userHome}` and `${workspaceFolder}` in a setting. */
function expand(value: string): string {
  let out = value.replace(/\$\{userHome\}/g, os.homedir());
  const root = workspaceRoot();
  if (root !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, root);
  }
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
    out = path.join(os.homedir(), out.slice(1));
  }
  return out;
}

/** The file that `command` runs (a path, or looked up on PATH), or undefined when there is none. */
function resolveExecutable(command: string): string | undefined {
  const windows = process.platform === 'win32';
  const extensions = windows ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';')] : [''];
  const candidates: string[] = [];
  if (path.isAbsolute(command) || command.includes('/') || (windows && command.includes('\\'))) {
    const full = path.resolve(workspaceRoot() ?? process.cwd(), command);
    candidates.push(...extensions.map((ext) => full + ext));
  } else {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
      if (dir) {
        candidates.push(...extensions.map((ext) => path.join(dir, command + ext)));
      }
    }
  }
  return candidates.find(isExecutableFile);
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Tells the user the server cannot be started, and what to do; does not wait for an answer. */
function reportMissing(problem: string, hint: string, offerLog = false): void {
  output.appendLine(problem);
  const openSettings = 'Open Settings';
  const showLog = 'Show Log';
  void vscode.window
    .showErrorMessage(
      `flare-ls: ${problem} ${hint}`,
      openSettings,
      ...(offerLog ? [showLog] : []),
    )
    .then((choice) => {
      if (choice === openSettings) {
        // The server settings are machine-overridable: in a remote window (SSH, WSL, a container,
        // code-server) VS Code reads them from the Remote settings, so open those.
        const command = vscode.env.remoteName ? 'workbench.action.openRemoteSettings' : 'workbench.action.openSettings';
        void vscode.commands.executeCommand(command, { query: SETTINGS_QUERY });
      } else if (choice === showLog) {
        output.show(true);
      }
    });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
