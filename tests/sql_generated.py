"""Random Spark SQL in the shape manifests write it, to compare the quick path's facts with sqlglot's.

The queries mix what ``sql/quick.py`` reads with what it must leave to sqlglot: names that are sqlglot
keywords or words its parser matches by their text, back-quoted names, every function name sqlglot
knows (with 0 to 3 arguments, ``*`` or ``DISTINCT``) and unknown ones, casts, CASE, intervals,
predicates, joins of every kind, GROUP BY, ORDER BY, LIMIT, unions, comments, and conditions on their
own. Most are nonsense to Spark's analyser and many do not parse; the point is only that wherever the
quick path reads one, its facts are sqlglot's. Seeded: the same queries every run.
"""

from __future__ import annotations

import random

from flare_ls.sql import sqlglot_names

_WORDS = sorted(sqlglot_names.KEYWORDS | sqlglot_names.TEXT_WORDS)
_FUNCTIONS = sorted(sqlglot_names.FUNCTIONS) + sorted(sqlglot_names.UNFOLLOWED)
_PLAIN = ["a", "b", "key", "value", "ts", "id", "t", "u", "x", "order_id", "Name", "now", "curdate", "data", "date"]
_OTHER_FUNCTIONS = ["my_udf", "from_avro", "json_tuple", "explode_outer", "decode", "hex", "string", "inline_outer"]
_TYPES = ["STRING", "INT", "DOUBLE", "DECIMAL(10,2)", "DATE", "TIMESTAMP", "BIGINT", "decimal(5)", "BOOLEAN", "LONG"]
_OPERATORS = ["+", "-", "*", "/", "%", "||", "=", "==", "!=", "<>", "<", ">=", "<=>"]
_JOINS = ["JOIN", "INNER JOIN", "LEFT JOIN", "LEFT OUTER JOIN", "RIGHT JOIN", "FULL OUTER JOIN", "CROSS JOIN"]
_JOINS += ["LEFT SEMI JOIN", "LEFT ANTI JOIN"]


class Generator:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def name(self) -> str:
        r = self.r
        chance = r.random()
        if chance < 0.6:
            return r.choice(_PLAIN)
        if chance < 0.9:
            word = r.choice(_WORDS)
            return word.lower() if r.random() < 0.5 else word
        return "`" + r.choice([*_PLAIN, "a b", "x.y"]) + "`"

    def column(self) -> str:
        return ".".join(self.name() for _ in range(self.r.choice([1, 1, 1, 2, 2, 3])))

    def expression(self, depth: int = 0) -> str:  # noqa: PLR0911 - one branch per construct
        r = self.r
        chance = r.random()
        if depth > 3 or chance < 0.3:
            return self.column()
        if chance < 0.4:
            return r.choice(["1", "2.5", "'s'", '"q"', "NULL", "TRUE", "'it'", "0"])
        if chance < 0.55:
            return self.call(depth)
        if chance < 0.62:
            return f"CAST({self.expression(depth + 1)} AS {r.choice(_TYPES)})"
        if chance < 0.68:
            parts = [self.expression(depth + 1) for _ in range(3)]
            return f"CASE WHEN {parts[0]} THEN {parts[1]} ELSE {parts[2]} END"
        if chance < 0.72:
            return f"({self.expression(depth + 1)})"
        if chance < 0.75:
            return r.choice(
                [
                    "CURRENT_DATE",
                    "CURRENT_TIMESTAMP",
                    "current_timestamp()",
                    "now()",
                    "INTERVAL '1' DAY",
                    "INTERVAL 10 MINUTES",
                ]
            )
        if chance < 0.8:
            return f"-{self.expression(depth + 1)}"
        if chance < 0.88:
            return f"{self.expression(depth + 1)} {r.choice(_OPERATORS)} {self.expression(depth + 1)}"
        if chance < 0.92:
            return f"{self.expression(depth + 1)} IS {r.choice(['', 'NOT '])}NULL"
        if chance < 0.95:
            inner = f"{self.expression(depth + 1)}, {self.expression(depth + 1)}"
            return f"{self.expression(depth + 1)} {r.choice(['', 'NOT '])}IN ({inner})"
        if chance < 0.97:
            bounds = [self.expression(depth + 1) for _ in range(3)]
            return f"{bounds[0]} BETWEEN {bounds[1]} AND {bounds[2]}"
        return f"{self.expression(depth + 1)} {r.choice(['LIKE', 'RLIKE', 'NOT LIKE'])} 'x%'"

    def call(self, depth: int) -> str:
        r = self.r
        name = r.choice(_FUNCTIONS) if r.random() < 0.7 else r.choice(_OTHER_FUNCTIONS)
        count = r.choice([0, 1, 1, 1, 2, 2, 3])
        if count == 1 and r.random() < 0.1:
            arguments = "*"
        elif count == 1 and r.random() < 0.1:
            arguments = "DISTINCT " + self.expression(depth + 1)
        else:
            arguments = ", ".join(self.expression(depth + 1) for _ in range(count))
        return f"{name.lower() if r.random() < 0.5 else name}({arguments})"

    def condition(self) -> str:
        text = self.expression()
        for _ in range(self.r.choice([0, 0, 1, 2])):
            text += f" {self.r.choice(['AND', 'OR'])} {self.r.choice(['', 'NOT '])}{self.expression()}"
        return text

    def item(self) -> str:
        chance = self.r.random()
        if chance < 0.1:
            return "*"
        if chance < 0.17:
            return f"{self.name()}.*"
        return self.aliased(self.expression(), 0.3, 0.15)

    def relation(self) -> str:
        return self.aliased(".".join(self.name() for _ in range(self.r.choice([1, 1, 1, 2]))), 0.2, 0.3)

    def aliased(self, text: str, with_as: float, without: float) -> str:
        """``text``, with an alias after AS or without it by those chances."""
        chance = self.r.random()
        if chance < with_as:
            return f"{text} AS {self.name()}"
        if chance < with_as + without:
            return f"{text} {self.name()}"
        return text

    def select(self, last: bool = True) -> str:
        r = self.r
        items = ", ".join(self.item() for _ in range(r.choice([1, 1, 2, 3, 4])))
        text = "SELECT " + ("DISTINCT " if r.random() < 0.1 else "") + items
        if r.random() < 0.9:
            text += " FROM " + self.relation()
            for _ in range(r.choice([0, 0, 0, 1, 2])):
                if r.random() < 0.2:
                    text += ", " + self.relation()
                else:
                    text += f" {r.choice(_JOINS)} {self.relation()}"
                    text += f" ON {self.condition()}" if r.random() < 0.8 else ""
        if r.random() < 0.4:
            text += " WHERE " + self.condition()
        if r.random() < 0.2:
            text += " GROUP BY " + ", ".join(self.expression() for _ in range(r.choice([1, 2])))
        if r.random() < 0.1:
            text += " HAVING " + self.condition()
        if last and r.random() < 0.2:
            keys = (self.expression() + r.choice(["", " DESC", " ASC"]) for _ in range(r.choice([1, 2])))
            text += " ORDER BY " + ", ".join(keys)
        if last and r.random() < 0.1:
            text += " LIMIT 10"
        return text

    def query(self) -> tuple[str, bool]:
        """A query and whether it is a condition (an action's ``deleteWhere``) rather than a statement."""
        r = self.r
        if r.random() < 0.1:
            return self.condition(), True
        text = self.select(last=r.random() < 0.8)
        while r.random() < 0.12:
            text += f" UNION {r.choice(['', 'ALL ', 'DISTINCT '])}" + self.select()
        if r.random() < 0.05:
            text = "/* c */ " + text
        if r.random() < 0.05:
            text = text.replace(" FROM", "\n-- x\nFROM", 1)
        if r.random() < 0.1:
            text = text.lower()
        return text, False


def queries(count: int, seed: int) -> list[tuple[str, bool]]:
    generator = Generator(seed)
    return [generator.query() for _ in range(count)]
