"""Code actions: each finding's fix, "fix all" for the safe ones, and silencing a rule on a line.

A fix is offered only when it holds (``analyze.fix_holds``: its result reads as well as the text and
its finding is gone), judged once per fix and version; "fix all" takes one round of ``--fix``."""

from __future__ import annotations

from lsprotocol import types

from ..analyze import fix_holds
from ..findings import Fix
from ..fixing import fix_round
from ..parsing.yamltree import ParsedText
from ..suppressions import disable_fix
from .convert import SOURCE, Converter, fix_from_data
from .server import Analysis, FlareServer, guarded, tree_of

FIX_ALL = types.CodeActionKind.SourceFixAll


def register(server: FlareServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False),
    )
    @guarded([])
    async def code_action(ls: FlareServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        current = await ls.current(uri)
        if current is None:
            return []
        text, analysis = current
        convert = ls.converter(uri, text)
        wanted = params.context.only
        actions: list[types.CodeAction] = []
        if not wanted or any(k.startswith(types.CodeActionKind.QuickFix) for k in wanted):
            for diag in params.context.diagnostics:
                if diag.source != SOURCE or not isinstance(diag.code, str):
                    continue
                # A fix from any version is offered when the current analysis has a finding with that
                # very fix (same edits at the same places): it is then right for the current text.
                fix = fix_from_data(diag.data)
                if fix is not None and analysis is not None and _holds(analysis, diag.code, fix):
                    actions.append(_quick_fix(uri, fix, diag, convert))
                actions.append(_disable(uri, tree_of(text, analysis), diag, convert))
        if not wanted or any(FIX_ALL.startswith(k) or k.startswith(FIX_ALL) for k in wanted):
            fix_all = _fix_all(uri, analysis, convert) if analysis is not None else None
            if fix_all is not None:
                actions.append(fix_all)
        return actions


def _holds(result: Analysis, code: str, fix: Fix) -> bool:
    """Whether the fix a diagnostic carries holds on the current text (judged once per version)."""
    if fix not in result.holds:
        finding = next((f for f in result.findings if f.code == code and f.fix == fix), None)
        result.holds[fix] = finding is not None and fix_holds(result.text, finding, result.config, result.findings)
    return result.holds[fix]


def _quick_fix(uri: str, fix: Fix, diag: types.Diagnostic, convert: Converter) -> types.CodeAction:
    return types.CodeAction(
        title=fix.message + ("" if fix.safe else " (check the result)"),
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        is_preferred=fix.safe,
        edit=types.WorkspaceEdit(changes={uri: convert.text_edits(fix)}),
    )


def _disable(uri: str, parsed: ParsedText | None, diag: types.Diagnostic, convert: Converter) -> types.CodeAction:
    """A suppression comment for the finding: on its line, or on the key line of the value it is in."""
    roots = [document.root for document in parsed.documents] if parsed is not None else []
    fix = disable_fix(convert.lines, convert.from_client(diag.range.start)[0], str(diag.code), roots)
    return types.CodeAction(
        title=fix.message,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        edit=types.WorkspaceEdit(changes={uri: convert.text_edits(fix)}),
    )


def _fix_all(uri: str, result: Analysis, convert: Converter) -> types.CodeAction | None:
    """Every safe fix of the document that holds, as one round of ``flare-ls --fix`` takes them."""
    if result.fix_all is None:
        chosen, _, _ = fix_round(result.text, result.findings, result.config, unsafe=False)
        result.fix_all = tuple(edit for fix in chosen for edit in fix)
    edits = result.fix_all
    if not edits:
        return None
    fix = Fix("Fix all safe flare-ls findings", edits, True)
    return types.CodeAction(
        title=fix.message, kind=FIX_ALL, edit=types.WorkspaceEdit(changes={uri: convert.text_edits(fix)})
    )
