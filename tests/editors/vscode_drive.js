// Drive VS Code (code-server, with the flare-ls extension installed) in headless Chromium with
// playwright-core, and check what a person would see. Run by tests/editors/test_vscode.py:
//
//   NODE_PATH=<dir holding playwright-core> node vscode_drive.js URL SHOTS_DIR KAFKA_YAML NO_CHECKPOINT_YAML \
//     SETTINGS_JSON SQL_VIEWS_YAML LINEAGE_YAML
//
// URL opens code-server on the workspace folder that holds the manifests (absolute paths); SQL_VIEWS_YAML is
// a job whose step SQL reads a misspelt input; LINEAGE_YAML is tests/graph/workflow/ingest.yaml, whose
// flow goes on in report.yaml beside it; SETTINGS_JSON
// is the profile's remote (machine) settings file, which holds flare-ls.server.command and which the last
// check edits as a person would. Prints one
// JSON object per check on stdout ({"check", "ok", ...}), in order; the log goes to stderr. Each step
// saves a screenshot into SHOTS_DIR. Environment: CHROMIUM (default /usr/bin/chromium), CHECKS (the checks to
// run, comma-separated; default all).
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const [URL, SHOTS, KAFKA, NO_CHECKPOINT, SETTINGS, SQL_VIEWS, LINEAGE] = process.argv.slice(2);
if (!LINEAGE) {
  console.error(
    'usage: node vscode_drive.js URL SHOTS_DIR KAFKA_YAML NO_CHECKPOINT_YAML SETTINGS_JSON SQL_VIEWS_YAML LINEAGE_YAML',
  );
  process.exit(2);
}
// CHECKS=name,name runs only those checks (the bundled-server test needs the diagnostic alone).
const ONLY = process.env.CHECKS ? process.env.CHECKS.split(',') : null;
const t0 = Date.now();
const log = (...a) => console.error(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const report = (result) => console.log(JSON.stringify(result));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll `probe` until it returns a truthy value (returned) or `ms` pass (then undefined). */
async function until(probe, ms, every = 100) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value || Date.now() > deadline) return value;
    await sleep(every);
  }
}

/** 1-based line of the first line containing `needle`, and the column of `needle` in it. */
function find(file, needle) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`${needle} not in ${file}`);
  return { line: index + 1, column: lines[index].indexOf(needle) + 1, text: lines[index] };
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  log('browser', browser.version());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => log('pageerror', String(e).slice(0, 200)));
  /** A screenshot of the page (`clip`: of that part of it) saved as SHOTS/name. */
  const shot = async (name, clip) => {
    const file = path.join(SHOTS, name);
    await page.screenshot({ path: file, animations: 'disabled', clip });
    log('screenshot', file);
    return file;
  };

  const EDITOR = '.part.editor .monaco-editor';
  const viewLine = (text) => page.locator(`${EDITOR} .view-lines .view-line`, { hasText: text }).first();
  // Monaco renders spaces as no-break spaces: normalise them.
  const editorLines = async () =>
    (await page.locator(`${EDITOR} .view-lines .view-line`).allInnerTexts()).map((l) => l.replace(/\u00a0/g, ' '));
  const problemRows = () => page.locator('.markers-panel .monaco-list-row').allInnerTexts();

  async function openFile(file) {
    const name = path.basename(file);
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 20000 });
    await page.keyboard.press('Enter');
    await page.locator('.part.editor .tab.active', { hasText: name }).waitFor({ timeout: 20000 });
    await page.locator(`${EDITOR} .view-lines .view-line`).first().waitFor({ timeout: 20000 });
    log('opened', name);
  }

  /** Go to `line` (and `column`) with Ctrl+G: scrolls it into view and puts the cursor there. */
  async function goTo(line, column) {
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    // Ctrl+G opens Quick Open with `:`; filling replaces it, so it is part of the value.
    await input.fill(column ? `:${line}:${column}` : `:${line}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /** Move the focus of the open list (suggestions, code actions) down to the row matching `text`, then Enter. */
  async function choose(rowsSelector, text) {
    const focused = page.locator(`${rowsSelector}.focused`);
    for (let i = 0; i < 20; i++) {
      const current = await focused.first().innerText().catch(() => '');
      if (text.test(current)) {
        await page.keyboard.press('Enter');
        return;
      }
      await page.keyboard.press('ArrowDown');
      await sleep(50);
    }
    throw new Error(`no row matching ${text} could be focused in ${rowsSelector}`);
  }

  async function check(name, body) {
    if (ONLY && !ONLY.includes(name)) return;
    const started = Date.now();
    try {
      const result = await body();
      report({ check: name, ok: true, seconds: (Date.now() - started) / 1000, ...result });
    } catch (error) {
      log(`check ${name} failed:`, error);
      await shot(`failed-${name}.png`).catch(() => undefined);
      report({ check: name, ok: false, seconds: (Date.now() - started) / 1000, error: String(error).slice(0, 2000) });
      for (let i = 0; i < 3; i++) await page.keyboard.press('Escape').catch(() => undefined);
    }
  }

  await page.goto(URL);
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
  log('workbench loaded');
  // Keyboard focus in the workbench (not the page body) before the first shortcut.
  await page.locator('.explorer-folders-view .monaco-list-row').first().click();

  // 1. The Kafka manifest: its `triggerMode: Continous` is reported in the Problems panel.
  await check('diagnostic', async () => {
    await openFile(KAFKA);
    await page.locator(`${EDITOR} .squiggly-error`).first().waitFor({ timeout: 60000 });
    log('squiggle visible');
    await page.keyboard.press('Control+Shift+M');
    const row = await until(async () => (await problemRows()).find((r) => r.includes('Continous')), 20000);
    log('problems:', JSON.stringify(await problemRows()));
    if (!row) throw new Error(`no Continous row in the Problems panel: ${JSON.stringify(await problemRows())}`);
    await shot('diagnostics.png');
    return { row, rows: await problemRows() };
  });

  // 2. Hover on `checkpointLocation` shows the attribute's documentation.
  await check('hover', async () => {
    const where = find(KAFKA, 'checkpointLocation:');
    await goTo(where.line);
    const line = viewLine('checkpointLocation:');
    await line.waitFor({ timeout: 10000 });
    // The key's own token (Monaco renders a line as spans of spans); the line's start when not found.
    const token = line.locator('span > span', { hasText: /^checkpointLocation$/ }).first();
    const box = (await token.count()) ? await token.boundingBox() : null;
    const lineBox = await line.boundingBox();
    const x = box ? box.x + box.width / 2 : lineBox.x + 8 * (where.column + 4);
    const y = (box || lineBox).y + (box || lineBox).height / 2;
    await page.mouse.move(x, y - 40);
    await page.mouse.move(x, y, { steps: 4 });
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'checkpointLocation' }).first();
    await hover.waitFor({ state: 'visible', timeout: 20000 });
    const text = await until(async () => {
      const t = await hover.innerText();
      return t.includes('Directory where the query keeps offsets') ? t : undefined;
    }, 5000);
    await shot('hover.png');
    if (!text) throw new Error(`hover without the documentation: ${JSON.stringify(await hover.innerText())}`);
    return { text };
  });

  // 3. Completion of a new `triggerMode` value offers the four trigger modes; accepting one fixes FL102.
  await check('completion', async () => {
    await page.mouse.move(5, 450);
    await page.keyboard.press('Escape');
    const where = find(KAFKA, 'triggerMode:');
    await goTo(where.line);
    await page.keyboard.press('End');
    await page.keyboard.press('Control+Backspace'); // deletes `Continous`
    const cleared = await until(async () => {
      const lines = await editorLines();
      return lines.some((l) => /^\s*triggerMode:\s*$/.test(l));
    }, 5000);
    if (!cleared) throw new Error(`triggerMode's value not deleted: ${JSON.stringify(await editorLines())}`);
    await page.keyboard.press('Control+Space');
    const want = ['ProcessingTime', 'Once', 'AvailableNow', 'Continuous'];
    const rows = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
    const labels = await until(async () => {
      const all = await rows.evaluateAll((els) => els.map((e) => (e.querySelector('.label-name') || e).textContent.trim()));
      return want.every((w) => all.includes(w)) ? all : undefined;
    }, 20000);
    await shot('completion.png');
    if (!labels) {
      throw new Error(`completion offered ${JSON.stringify(await rows.allInnerTexts().catch(() => []))}`);
    }
    // Accept `Continuous`: the line reads `triggerMode: Continuous`, and the server analyses it (the
    // Problems panel changes from what it showed for the empty value, which has no `Continous` either).
    const emptyValue = await until(async () => {
      const rows = await problemRows();
      return rows.length > 0 && !rows.some((r) => r.includes('Continous')) ? rows.join('\n') : undefined;
    }, 10000);
    await choose('.editor-widget.suggest-widget.visible .monaco-list-row', /^\s*Continuous/);
    const accepted = await until(async () => (await editorLines()).some((l) => /^\s*triggerMode: Continuous\s*$/.test(l)), 5000);
    const after = await until(async () => {
      const rows = await problemRows();
      return rows.join('\n') !== emptyValue ? rows : undefined;
    }, 10000);
    return { labels, accepted: Boolean(accepted), reanalysed: Boolean(emptyValue && after), problemsAfter: after || [] };
  });

  // 4. A streaming job without checkpointLocation: the FL202 quick fix adds one, and saving writes it.
  await check('quick-fix', async () => {
    await openFile(NO_CHECKPOINT);
    await page.locator(`${EDITOR} .squiggly-error`).first().waitFor({ timeout: 60000 });
    const row = await until(async () => (await problemRows()).find((r) => r.includes('FL202')), 20000);
    if (!row) throw new Error(`no FL202 in the Problems panel: ${JSON.stringify(await problemRows())}`);
    const where = find(NO_CHECKPOINT, 'streaming:');
    await goTo(where.line, where.column + 1);
    await page.keyboard.press('Control+.');
    const title = /Add a .checkpointLocation. to .streaming./;
    const action = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    await action.waitFor({ state: 'visible', timeout: 20000 });
    const actions = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
    log('actions:', JSON.stringify(actions));
    await shot('quick-fix.png');
    // (A click on the row is swallowed by the context view's pointer block: choose with the keyboard.)
    await choose('.action-widget .monaco-list-row', title);
    const inserted = await until(async () => (await editorLines()).find((l) => /^\s*checkpointLocation: \S/.test(l)), 10000);
    if (!inserted) throw new Error(`no checkpointLocation in the editor: ${JSON.stringify(await editorLines())}`);
    await page.keyboard.press('Control+S');
    const onDisk = await until(async () => {
      const text = fs.readFileSync(NO_CHECKPOINT, 'utf8');
      return text.includes('checkpointLocation:') ? text : undefined;
    }, 10000);
    if (!onDisk) throw new Error('the saved file has no checkpointLocation');
    const cleared = await until(async () => !(await problemRows()).some((r) => r.includes('FL202')), 10000);
    await page.mouse.move(5, 450);
    await shot('quick-fix-applied.png');
    return { row, actions, inserted: inserted.trim(), saved: true, diagnosticCleared: Boolean(cleared) };
  });

  // 5. SQL: the misspelt view in a step's query is flagged in place, hover on a view in SQL describes the
  //    input, the quick fix corrects the name, and F2 on a view in SQL renames it in YAML and SQL alike.
  await check('sql', async () => {
    // From the Explorer (a double click opens it pinned): Quick Open right after the quick fix's save
    // opened this file as a background preview in some runs.
    const name = path.basename(SQL_VIEWS);
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().dblclick();
    await page.locator('.part.editor .tab.active', { hasText: name }).waitFor({ timeout: 20000 });
    await page.locator(`${EDITOR} .squiggly-error`).first().waitFor({ timeout: 60000 });
    const row = await until(async () => (await problemRows()).find((r) => r.includes('FL402')), 20000);
    if (!row) throw new Error(`no FL402 in the Problems panel: ${JSON.stringify(await problemRows())}`);
    // The extension's grammar colours the SQL of the block as SQL: its tokens get several colours
    // (a YAML block scalar alone is one string colour).
    const colours = await viewLine('SELECT c.name').locator('span > span')
      .evaluateAll((els) => [...new Set(els.filter((e) => e.textContent.trim()).map((e) => e.className))]);

    // Hover (Ctrl+K Ctrl+I: the keyboard's hover) on `orders` in `FROM orders o`.
    const from = find(SQL_VIEWS, 'FROM orders');
    await goTo(from.line, from.column + 6);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'orders' }).first();
    await hover.waitFor({ state: 'visible', timeout: 20000 });
    const hoverText = await until(async () => {
      const t = await hover.innerText();
      return t.includes('dataos://lakehouse:retail/orders') ? t : undefined;
    }, 5000);
    await shot('sql.png');
    if (!hoverText) throw new Error(`hover without the input's dataset: ${JSON.stringify(await hover.innerText())}`);
    await page.keyboard.press('Escape');

    // The quick fix on `custmers`.
    const typo = find(SQL_VIEWS, 'custmers');
    await goTo(typo.line, typo.column + 2);
    await page.keyboard.press('Control+.');
    const title = /Read .customers./;
    await page.locator('.action-widget .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 20000 });
    await choose('.action-widget .monaco-list-row', title);
    const fixed = await until(async () => (await editorLines()).find((l) => /JOIN customers c/.test(l)), 10000);
    if (!fixed) throw new Error(`the fix did not change the SQL: ${JSON.stringify(await editorLines())}`);
    const cleared = await until(async () => !(await problemRows()).some((r) => r.includes('FL402')), 10000);

    // F2 on `orders` in the SQL, as a person renames a symbol.
    await goTo(from.line, from.column + 6);
    await page.keyboard.press('F2');
    const box = page.locator('.rename-box input').first();
    await box.waitFor({ state: 'visible', timeout: 20000 });
    const placeholder = await box.inputValue();
    await box.fill('sales_orders');
    await shot('rename.png');
    await page.keyboard.press('Enter');
    const renamed = await until(async () => {
      const lines = await editorLines();
      return lines.some((l) => /^\s*- name: sales_orders\s*$/.test(l)) && lines.some((l) => /FROM sales_orders o/.test(l))
        ? lines : undefined;
    }, 10000);
    if (!renamed) throw new Error(`the rename did not reach YAML and SQL: ${JSON.stringify(await editorLines())}`);
    await page.keyboard.press('Control+S');
    const onDisk = await until(async () => {
      const text = fs.readFileSync(SQL_VIEWS, 'utf8');
      return text.includes('FROM sales_orders o') ? text : undefined;
    }, 10000);
    return {
      row, colours, hover: hoverText, fixed: fixed.trim(), diagnosticCleared: Boolean(cleared), placeholder,
      saved: Boolean(onDisk),
    };
  });

  // 6. Format Document (from the Command Palette, as a person finds it) on the SQL manifest, whose outputs
  //    are an unindented sequence: the server's edits indent it, and the SQL block keeps its bytes.
  await check('format', async () => {
    const before = fs.readFileSync(SQL_VIEWS, 'utf8');
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Format Document');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Format Document' }).first().waitFor();
    await choose('.quick-input-list .monaco-list-row', /^Format Document\b(?! With)/);
    const formatted = await until(async () => (await editorLines()).some((l) => /^ {14}- name: daily_orders/.test(l)), 20000);
    if (!formatted) throw new Error(`Format Document changed nothing: ${JSON.stringify(await editorLines())}`);
    await page.keyboard.press('Control+S');
    const after = await until(async () => {
      const text = fs.readFileSync(SQL_VIEWS, 'utf8');
      return text !== before ? text : undefined;
    }, 10000);
    if (!after) throw new Error('the formatted document was not saved');
    return { before, after };
  });

  // 7. "Flare: Show lineage" from the Command Palette: a webview beside the editor draws the workflow of
  //    ingest.yaml and report.yaml (the SVG's text names their jobs), marks the node under the cursor, and
  //    follows the cursor to another job; a click on a box opens the file it is written in.
  await check('lineage', async () => {
    /** The lineage page's SVG text and its selected node, from whichever frame holds it (a webview is an
     *  iframe in an iframe, and each update of the page replaces the inner one). */
    const picture = async () => {
      for (const frame of page.frames()) {
        const found = await frame.evaluate(() => {
          const svg = document.querySelector('svg[role="img"]');
          if (!svg) return null;
          const selected = document.querySelector('.selected');
          const box = selected ? selected.getBoundingClientRect() : null;
          return {
            texts: [...svg.querySelectorAll('text')].map((t) => t.textContent),
            selected: selected ? selected.getAttribute('data-node') : null,
            // Scrolled into view: its middle inside the page's window (a job's band may be wider than it).
            inView: Boolean(box && Math.abs(box.left + box.width / 2 - innerWidth / 2) < innerWidth / 2
              && Math.abs(box.top + box.height / 2 - innerHeight / 2) < innerHeight / 2),
          };
        }).catch(() => null);
        if (found) return { frame, ...found };
      }
      return undefined;
    };
    const selectedBecomes = async (id) => {
      const seen = await until(async () => {
        const now = await picture();
        return now && now.selected === id && now.inView ? now : undefined;
      }, 20000);
      if (!seen) {
        const now = await picture();
        throw new Error(`the selected node did not become ${id}, in view: ${JSON.stringify(now && [now.selected, now.inView])}`);
      }
      return seen;
    };

    await openFile(LINEAGE);
    const input = find(LINEAGE, '- name: crm_orders');
    await goTo(input.line, input.column + 8);
    await page.keyboard.press('Control+Shift+P');
    const palette = page.locator('.quick-input-widget input');
    await palette.waitFor({ state: 'visible' });
    await palette.fill('>Flare: Show lineage');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Flare: Show lineage' }).first().waitFor();
    await choose('.quick-input-list .monaco-list-row', /Flare: Show lineage/);
    await page.locator('.part.editor .tab', { hasText: 'Lineage: ingest.yaml' }).first().waitFor({ timeout: 20000 });
    const first = await selectedBecomes('job:ingest.yaml/land-orders/input/0');
    const focusStayed = await page.locator('.part.editor .tab.active', { hasText: 'ingest.yaml' }).count() > 0
      && (await page.evaluate(() => Boolean(document.activeElement && document.activeElement.closest('.monaco-editor'))));

    // Down to a step of the other job, as a person moves the cursor: the picture follows.
    const selected = [first.selected];
    const step = find(LINEAGE, '- name: deduplicated');
    await goTo(step.line, step.column + 8);
    selected.push((await selectedBecomes('job:ingest.yaml/clean-orders/step/1')).selected);
    const job = find(LINEAGE, '- name: clean-orders');
    await goTo(job.line + 1, 1); // `dependencies:` of that job: in the job, in none of its parts
    selected.push((await selectedBecomes('job:ingest.yaml/clean-orders')).selected);
    await goTo(step.line, step.column + 8);
    selected.push((await selectedBecomes('job:ingest.yaml/clean-orders/step/1')).selected);
    // The side bar and the Problems panel away, for room: the screenshot is docs/lineage.md's picture.
    await page.keyboard.press('Control+B');
    await page.keyboard.press('Control+J');
    await sleep(500);
    await shot('lineage.png', { x: 0, y: 0, width: 1400, height: 580 });
    await page.keyboard.press('Control+B');
    await page.keyboard.press('Control+J');

    // A click on the box of report.yaml's input opens report.yaml where that input is written.
    const shown = await picture();
    if (!shown) throw new Error('the lineage page went away');
    const box = shown.frame.locator('[data-node="job:report.yaml/daily-sales/input/0"]').first();
    await box.scrollIntoViewIfNeeded();
    await box.click();
    const opened = await until(async () => page.locator('.part.editor .tab.active', { hasText: 'report.yaml' }).count(), 20000);
    const customers = find(path.join(path.dirname(LINEAGE), 'report.yaml'), '- name: customers');
    const cursor = await page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first().innerText().catch(() => '');
    // Closed, the view is gone (and with it its listeners): the next check has the whole editor area.
    const tab = page.locator('.part.editor .tab', { hasText: 'Lineage:' }).first();
    await tab.hover();
    await tab.locator('.codicon-close').first().click();
    const closed = await until(async () => (await page.locator('.part.editor .tab', { hasText: 'Lineage:' }).count()) === 0, 10000);
    return {
      texts: first.texts,
      selected,
      focusStayed,
      opened: Boolean(opened),
      closed: Boolean(closed),
      cursor,
      customersLine: customers.line,
    };
  });

  // 8. Pointing flare-ls.server.command at nothing restarts the server and says how to install it,
  //    with a button that opens the extension's settings.
  await check('server-not-found', async () => {
    const missing = path.join(path.dirname(SETTINGS), 'no-such-dir', 'flare-ls');
    const settings = JSON.parse(fs.readFileSync(SETTINGS, 'utf8'));
    settings['flare-ls.server.command'] = [missing];
    // Edit the settings in VS Code (code-server does not notice a change made behind its back). The
    // setting is machine-overridable: in a remote window (code-server is one) it lives in the Remote settings.
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Preferences: Open Remote Settings (JSON)');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Remote Settings (JSON)' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.part.editor .tab.active', { hasText: 'settings.json' }).waitFor({ timeout: 20000 });
    await page.locator(`${EDITOR} .view-lines .view-line`).first().waitFor();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(JSON.stringify(settings));
    // Whatever the editor auto-closed after the cursor goes.
    await page.keyboard.press('Control+Shift+End');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Control+S');
    const written = await until(async () => {
      const saved = JSON.parse(fs.readFileSync(SETTINGS, 'utf8'));
      return saved['flare-ls.server.command'][0] === missing;
    }, 10000);
    if (!written) throw new Error(`settings.json not saved: ${fs.readFileSync(SETTINGS, 'utf8')}`);
    const toast = page.locator('.notification-toast', { hasText: 'Correct the setting' }).first();
    await toast.waitFor({ state: 'visible', timeout: 20000 });
    const message = await toast.innerText();
    await shot('server-not-found.png');
    await toast.locator('.monaco-button', { hasText: 'Open Settings' }).first().click();
    await page.locator('.settings-editor').first().waitFor({ state: 'visible', timeout: 20000 });
    const shown = await until(async () => {
      const text = await page.locator('.settings-editor').first().innerText();
      return text.includes('Server: Command') && text.includes('Server: Python Path') ? text : undefined;
    }, 10000);
    await shot('settings.png');
    return { message, missing, settingsOpened: Boolean(shown) };
  });

  await browser.close();
  log('done');
})().catch((e) => {
  console.error('FAIL', e);
  process.exit(1);
});
