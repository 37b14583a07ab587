"""Code actions: each finding's fix, "fix all" for the safe ones, and silencing a rule on a line."""

from __future__ import annotations

from lsprotocol import types

from ..analyze import SUPPRESSION
from ..findings import Fix, TextEdit
from ..fixing import choose_fixes
from .convert import SOURCE, Converter, fix_from_data
from .server import FlareServer, guarded

FIX_ALL = types.CodeActionKind.SourceFixAll


def register(server: FlareServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False),
    )
    @guarded([])
    def code_action(ls: FlareServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        current = ls.text_of(uri)
        if current is None:
            return []
        text, version = current
        convert = ls.converter(uri, text)
        wanted = params.context.only
        actions: list[types.CodeAction] = []
        if not wanted or any(k.startswith(types.CodeActionKind.QuickFix) for k in wanted):
            for diag in params.context.diagnostics:
                if diag.source != SOURCE or not isinstance(diag.code, str):
                    continue
                data = diag.data if isinstance(diag.data, dict) else {}
                fix = fix_from_data(data) if data.get("version") == version else None
                if fix is not None:
                    actions.append(_quick_fix(uri, fix, diag, convert))
                actions.append(_disable(uri, diag, convert))
        if not wanted or any(FIX_ALL.startswith(k) or k.startswith(FIX_ALL) for k in wanted):
            fix_all = _fix_all(ls, uri, convert)
            if fix_all is not None:
                actions.append(fix_all)
        return actions


def _quick_fix(uri: str, fix: Fix, diag: types.Diagnostic, convert: Converter) -> types.CodeAction:
    return types.CodeAction(
        title=fix.message + ("" if fix.safe else " (check the result)"),
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        is_preferred=fix.safe,
        edit=types.WorkspaceEdit(changes={uri: convert.text_edits(fix)}),
    )


def _disable(uri: str, diag: types.Diagnostic, convert: Converter) -> types.CodeAction:
    """``# flare-ls: disable=CODE`` at the end of the finding's first line (added to one already there)."""
    code = str(diag.code)
    line = convert.from_client(diag.range.start)[0]
    text = convert.lines[line]
    match = SUPPRESSION.search(text)
    if match is not None:
        end = match.end(1)
        while end > match.start(1) and text[end - 1].isspace():
            end -= 1
        edit = TextEdit((line, end), (line, end), f",{code}")
    else:
        end = len(text.rstrip())
        edit = TextEdit((line, end), (line, end), f"  # flare-ls: disable={code}")
    fix = Fix(f"Disable {code} on this line", (edit,), False)
    return types.CodeAction(
        title=fix.message,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        edit=types.WorkspaceEdit(changes={uri: convert.text_edits(fix)}),
    )


def _fix_all(ls: FlareServer, uri: str, convert: Converter) -> types.CodeAction | None:
    """Every safe fix of the document at once, chosen as one round of ``flare-ls --fix`` chooses them."""
    result = ls.analysis(uri)
    if result is None:
        return None
    edits = tuple(edit for fix in choose_fixes(result.findings, unsafe=False) for edit in fix)
    if not edits:
        return None
    fix = Fix("Fix all safe flare-ls findings", edits, True)
    return types.CodeAction(
        title=fix.message, kind=FIX_ALL, edit=types.WorkspaceEdit(changes={uri: convert.text_edits(fix)})
    )
