"""The SQL oracle's material: every Spark SQL text we have, and mutations of them.

Shared by ``tests/test_sql_oracle.py`` (which asserts flare-ls agrees with Spark's parser) and
``bench/sql_oracle.py`` (which prints the confusion matrix). A text is judged as flare-ls judges it:
placeholders masked (Flare fills them in before Spark sees the text), then FL401's verdict, "parses"
or "does not parse", against ``SparkSqlParser.parsePlan`` (``parseExpression`` for an action's
``deleteWhere``, which is a condition, not a statement).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flare_ls.parsing.yamltree import YMap, parse
from flare_ls.queries import job_queries
from flare_ls.sql import CONDITION, SqlProblem, analyze_sql, mask_placeholders
from flare_ls.views import build_view

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SOURCES = (SHARED / "corpus", SHARED / "seed", ROOT / "examples", ROOT / "tests" / "fixtures", ROOT / "tests" / "data")

CONSTRUCTS = ROOT / "tests" / "data" / "spark-sql-constructs.txt"

#: How many mutations the test and the benchmark judge (seeded: the same ones every run).
MUTATIONS = 3000
SEED = 20261203


@dataclass(frozen=True)
class SqlText:
    """One SQL text as Spark would receive it (placeholders masked), and where it came from."""

    text: str
    #: "statement", or "expression" for an action's `deleteWhere`.
    kind: str
    origin: str


def manifests() -> Iterator[Path]:
    for source in SOURCES:
        if source.is_dir():
            yield from sorted(p for p in source.rglob("*") if p.suffix in (".yaml", ".yml"))


def _texts_of_markdown(path: Path) -> Iterator[str]:
    """The YAML blocks of a Markdown file (the seed specification keeps its manifests in them)."""
    yield from re.findall(r"```ya?ml\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def real_queries() -> list[SqlText]:
    """Every Spark SQL text of every manifest we have, once each."""
    seen: dict[tuple[str, str], SqlText] = {}
    documents: list[tuple[str, str]] = []
    for path in manifests():
        try:
            documents.append((str(path.relative_to(ROOT.parent)), path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    for path in sorted((SHARED / "seed").glob("*.md")) if (SHARED / "seed").is_dir() else []:
        documents += [(f"{path.relative_to(ROOT.parent)}#{i}", t) for i, t in enumerate(_texts_of_markdown(path))]
    for origin, text in documents:
        for sql, kind in _queries_in(text):
            seen.setdefault((sql, kind), SqlText(sql, kind, origin))
    # Constructs the manifests do not show (hints, PIVOT, lambdas, time travel, typed literals, ...).
    lines = CONSTRUCTS.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if line.strip() and not line.startswith("#"):
            seen.setdefault((line, "statement"), SqlText(line, "statement", f"{CONSTRUCTS.name}:{number}"))
    return list(seen.values())


def _queries_in(text: str) -> Iterator[tuple[str, str]]:
    try:
        parsed = parse(text)
    except Exception:  # noqa: BLE001 - a manifest the fixtures break on purpose
        return
    for document in parsed.documents:
        if not isinstance(document.root, YMap):
            continue
        for job in build_view(document.root).jobs:
            for query in job_queries(job):
                if query.dialect != "spark":
                    continue
                masked, _ = mask_placeholders(query.node.value)
                if masked.strip():
                    yield masked, "expression" if query.kind == "condition" else "statement"


# Tokens for mutation: words, numbers, quoted strings, and single punctuation characters.
_TOKEN = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|\w+|[^\w\s]")
_KEYWORDS = frozenset(
    "select from where group by order having join left right inner outer on as and or not in is null "
    "case when then else end union all distinct limit with cast over partition".split()
)


def _misspell(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word + word[-1]
    i = rng.randrange(len(word) - 1)
    choice = rng.randrange(3)
    if choice == 0:
        return word[:i] + word[i + 1 :]  # a letter dropped
    if choice == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two letters swapped
    return word[:i] + word[i] + word[i:]  # a letter doubled


def mutate(text: str, rng: random.Random) -> str | None:
    """One ordinary mistake made in ``text``: a token dropped, duplicated or swapped with the next, a
    comma added or removed, a keyword misspelt, a parenthesis added or removed."""
    tokens = list(_TOKEN.finditer(text))
    if len(tokens) < 2:
        return None
    kind = rng.choice(("drop", "duplicate", "swap", "comma+", "comma-", "misspell", "paren+", "paren-"))
    if kind == "comma-":
        commas = [t for t in tokens if t.group() == ","]
        if not commas:
            return None
        t = rng.choice(commas)
        return text[: t.start()] + text[t.end() :]
    if kind == "paren-":
        parens = [t for t in tokens if t.group() in "()"]
        if not parens:
            return None
        t = rng.choice(parens)
        return text[: t.start()] + text[t.end() :]
    if kind == "misspell":
        words = [t for t in tokens if t.group().lower() in _KEYWORDS]
        if not words:
            return None
        t = rng.choice(words)
        return text[: t.start()] + _misspell(t.group(), rng) + text[t.end() :]
    i = rng.randrange(len(tokens))
    t = tokens[i]
    if kind == "drop":
        return text[: t.start()] + text[t.end() :]
    if kind == "duplicate":
        return text[: t.end()] + " " + t.group() + text[t.end() :]
    if kind == "comma+":
        return text[: t.end()] + "," + text[t.end() :]
    if kind == "paren+":
        return text[: t.start()] + rng.choice("()") + text[t.start() :]
    if i + 1 >= len(tokens):
        return None
    u = tokens[i + 1]  # swap with the next token
    return text[: t.start()] + u.group() + text[t.end() : u.start()] + t.group() + text[u.end() :]


def mutations(queries: Iterable[SqlText], count: int = MUTATIONS, seed: int = SEED) -> list[SqlText]:
    """``count`` distinct mutations of the statement queries, the same on every run."""
    rng = random.Random(seed)
    statements = sorted((q for q in queries if q.kind == "statement"), key=lambda q: (q.origin, q.text))
    originals = {q.text for q in statements}
    found: dict[str, SqlText] = {}
    attempts = 0
    while len(found) < count and statements and attempts < count * 20:
        attempts += 1
        query = rng.choice(statements)
        text = mutate(query.text, rng)
        if text is None or text in originals or text in found or not text.strip():
            continue
        found[text] = SqlText(text, "statement", f"mutation of {query.origin}")
    return list(found.values())


def _error(query: SqlText) -> SqlProblem | None:
    return analyze_sql(query.text, CONDITION if query.kind == "expression" else "spark").error


def keyword_name(query: SqlText) -> SqlProblem | None:
    """FL410's finding: a clause keyword Spark reads as a name in a text it parses."""
    return analyze_sql(query.text, CONDITION if query.kind == "expression" else "spark").keyword_name


def flare_ls_parses(query: SqlText) -> bool:
    """FL401's verdict: False when flare-ls reports a syntax error."""
    return _error(query) is None


def flare_ls_message(query: SqlText) -> str:
    error = _error(query)
    return error.message if error is not None else ""
