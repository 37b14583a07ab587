// "Flare: Show lineage": a webview beside the editor with the lineage picture the server draws (the request
// flare/lineage, server/flare_ls/lsp/lineage.py) of the manifest being edited and the manifests of its flow.
// It follows the editor: a cursor move (debounced), an edit, another YAML editor made active ask again,
// and the node under the cursor is drawn marked and scrolled into view. A click on a box opens where
// it is written. Closing the panel disposes every listener.
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import { ErrorCodes, LanguageClient, ResponseError } from 'vscode-languageclient/node';

export const SHOW_LINEAGE = 'flare.showLineage';
const METHOD = 'flare/lineage';
/** A cursor that moves again within this time asks once: holding an arrow key sends no burst of requests. */
const FOLLOW_DELAY_MS = 150;

/** The server's answer (docs/language-server.md). */
interface LineageAnswer {
  html: string;
  model: { nodes: { id: string; locations: { file: string; line: number }[] }[] };
  selected: string | null;
  files: { file: string; uri: string }[];
  message: string | null;
}

/** What the page's script posts: a click on the box or band of node `node`. */
interface OpenMessage {
  type: 'open';
  node: string;
}

// The page's own script (the server's page has none): scroll the selected node into view, and post a
// click on a node to the extension. Runs under a nonce, so nothing else on the page can run.
// The webview restores the previous page's vertical scroll position (and so scrolls back to the left) when
// the new page has loaded, in a load listener of its own that runs after this one: hence the timeout.
const SCRIPT = `(function () {
  const vscode = acquireVsCodeApi();
  function reveal() {
    const selected = document.querySelector('.selected');
    if (selected) selected.scrollIntoView({ block: 'center', inline: 'center' });
  }
  window.addEventListener('load', function () { setTimeout(reveal, 0); });
  document.addEventListener('click', function (event) {
    const node = event.target instanceof Element ? event.target.closest('[data-node]') : null;
    if (node) vscode.postMessage({ type: 'open', node: node.getAttribute('data-node') });
  });
})();`;

// The picture's colours are for a light page; the webview's own background follows the colour theme.
const STYLE = 'html, body { background: #ffffff; color: #202124; } [data-node] { cursor: pointer; }';

export class LineageView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  /** The manifest followed: the active YAML editor's, kept while the focus is elsewhere (the panel). */
  private document: vscode.TextDocument | undefined;
  private position = new vscode.Position(0, 0);
  private column: vscode.ViewColumn | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The number of the last request sent: an answer to an older one is dropped. */
  private asked = 0;
  /** The page shown (as the server drew it), so that an answer that changes nothing does not reload it. */
  private shown: string | undefined;
  private answer: LineageAnswer | undefined;
  private listeners: vscode.Disposable[] = [];

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly output: vscode.OutputChannel,
  ) {}

  show(): void {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined || !isManifest(editor.document)) {
      void vscode.window.showInformationMessage('Flare: open a YAML manifest to show its lineage.');
      return;
    }
    this.follow(editor);
    if (this.panel !== undefined) {
      this.panel.reveal(undefined, true);
    } else {
      this.panel = vscode.window.createWebviewPanel(
        'flare.lineage',
        'Lineage',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, enableFindWidget: true, localResourceRoots: [] },
      );
      this.listen(this.panel);
    }
    this.panel.title = `Lineage: ${basename(editor.document.uri)}`;
    this.schedule(0);
  }

  dispose(): void {
    this.panel?.dispose(); // its onDidDispose drops the listeners
  }

  private listen(panel: vscode.WebviewPanel): void {
    this.listeners.push(
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (isManifest(event.textEditor.document)) {
          this.follow(event.textEditor);
          this.schedule(FOLLOW_DELAY_MS);
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor !== undefined && isManifest(editor.document)) {
          this.follow(editor);
          this.schedule(0);
        }
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        // The followed manifest, or another one the picture draws (its open text is what is drawn).
        const uri = event.document.uri.toString();
        if (event.document === this.document || this.answer?.files.some((f) => this.asCodeUri(f.uri) === uri)) {
          this.schedule(FOLLOW_DELAY_MS);
        }
      }),
      panel.webview.onDidReceiveMessage((message: OpenMessage) => {
        if (message?.type === 'open' && typeof message.node === 'string') {
          void this.open(message.node);
        }
      }),
      panel.onDidDispose(() => {
        clearTimeout(this.timer);
        for (const listener of this.listeners.splice(0)) {
          listener.dispose();
        }
        this.panel = undefined;
        this.shown = undefined;
        this.answer = undefined;
      }),
    );
  }

  private follow(editor: vscode.TextEditor): void {
    this.document = editor.document;
    this.position = editor.selection.active;
    this.column = editor.viewColumn;
    if (this.panel !== undefined) {
      this.panel.title = `Lineage: ${basename(editor.document.uri)}`;
    }
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  private async refresh(): Promise<void> {
    const client = this.client();
    const document = this.document;
    if (this.panel === undefined || document === undefined) {
      return;
    }
    const serial = ++this.asked;
    if (client === undefined || !client.isRunning()) {
      this.render(messagePage('The flare-ls language server is not running: the command "flare-ls: Show server log" says why.'));
      return;
    }
    const params = {
      textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
      position: client.code2ProtocolConverter.asPosition(this.position),
    };
    try {
      const answer = await client.sendRequest<LineageAnswer>(METHOD, params);
      if (serial === this.asked && this.panel !== undefined) {
        this.answer = answer;
        this.render(answer.html);
      }
    } catch (error) {
      if (serial !== this.asked || this.panel === undefined) {
        return;
      }
      if (error instanceof ResponseError && error.code === ErrorCodes.MethodNotFound) {
        this.render(
          messagePage(
            'This flare-ls language server draws no lineage: it is older than the extension. Upgrade it, or set ' +
              'flare-ls.server.importStrategy to useBundled to run the server the extension carries.',
          ),
        );
        return;
      }
      this.output.appendLine(`flare/lineage: ${error instanceof Error ? error.message : String(error)}`);
      this.render(messagePage('The lineage could not be drawn: the command "flare-ls: Show server log" says why.'));
    }
  }

  /** Shows `html` (a page as the server draws it) with this extension's script allowed by its nonce. */
  private render(html: string): void {
    if (this.panel === undefined || html === this.shown) {
      return;
    }
    this.shown = html;
    this.panel.webview.html = withScript(html);
  }

  /** Opens where node `id` is written: in the followed manifest when it is there, else its first place. */
  private async open(id: string): Promise<void> {
    const answer = this.answer;
    const node = answer?.model.nodes.find((n) => n.id === id);
    if (answer === undefined || node === undefined || node.locations.length === 0) {
      return;
    }
    const uris = new Map(answer.files.map((f) => [f.file, this.asCodeUri(f.uri)]));
    const current = this.document?.uri.toString();
    const location = node.locations.find((l) => uris.get(l.file) === current) ?? node.locations[0];
    const uri = uris.get(location.file);
    if (uri === undefined) {
      return;
    }
    const line = Math.max(location.line - 1, 0);
    await vscode.window.showTextDocument(vscode.Uri.parse(uri), {
      viewColumn: this.column ?? vscode.ViewColumn.One,
      selection: new vscode.Range(line, 0, line, 0),
    });
  }

  private asCodeUri(uri: string): string {
    const client = this.client();
    return client !== undefined ? client.protocol2CodeConverter.asUri(uri).toString() : uri;
  }
}

/** The manifests the server reads: YAML files on disk (the client syncs no other documents). */
function isManifest(document: vscode.TextDocument): boolean {
  return document.languageId === 'yaml' && document.uri.scheme === 'file';
}

function basename(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/**
 * `html` with a Content-Security-Policy that allows only inline styles and the one script carrying a fresh
 * nonce, which is added. The server's page forbids every script by its own policy; both would apply, so
 * its policy is replaced rather than joined.
 */
function withScript(html: string): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const policy =
    '<meta http-equiv="Content-Security-Policy" ' +
    `content="default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'">`;
  const head = `${policy}\n<style>${STYLE}</style>`;
  let page = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/gi, '');
  const opened = page.search(/<head>/i);
  page = opened < 0 ? `${head}\n${page}` : `${page.slice(0, opened + 6)}\n${head}${page.slice(opened + 6)}`;
  const end = page.toLowerCase().lastIndexOf('</body>');
  const script = `<script nonce="${nonce}">${SCRIPT}</script>\n`;
  return end < 0 ? page + script : page.slice(0, end) + script + page.slice(end);
}

function messagePage(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Flare lineage</title></head><body><p>${escaped}</p></body></html>`;
}
