#!/usr/bin/env python3
"""Writes test/fixtures/retention/difflib-ratios.json: pairs of (inserted, current) texts shaped like real
edits of AI-inserted code, with Python's difflib.SequenceMatcher ratios, so the TypeScript survival measure
(src/core/retention/similarity.ts) can be checked against the reference implementation.

Run: python3 scripts/retention-ratio-reference.py  (Python 3.8+, standard library only)
Texts are compared after normalizing line endings, like the TypeScript side.
"""
import difflib
import json
import os

FUNC = (
    "export function total(items: Item[]): number {\n"
    "  let sum = 0;\n"
    "  for (const item of items) {\n"
    "    if (item.price > 0) {\n"
    "      sum += item.price * item.quantity;\n"
    "    }\n"
    "  }\n"
    "  return sum;\n"
    "}\n"
)

PY = (
    "def parse(line):\n"
    "    parts = line.split(',')\n"
    "    if len(parts) < 3:\n"
    "        raise ValueError('short line')\n"
    "    return {'id': parts[0], 'name': parts[1], 'qty': int(parts[2])}\n"
)

PAIRS = [
    ("identical", FUNC, FUNC),
    ("rename-variable", FUNC, FUNC.replace("sum", "acc")),
    ("delete-two-lines", FUNC, FUNC.replace("    if (item.price > 0) {\n", "").replace("    }\n  }\n", "  }\n")),
    ("add-lines-inside", FUNC, FUNC.replace("  return sum;\n", "  if (sum > 1000) {\n    log('large', sum);\n  }\n  return sum;\n")),
    ("reindent", FUNC, "".join("  " + l + "\n" for l in FUNC.splitlines())),
    ("edit-one-char", FUNC, FUNC.replace("> 0", ">= 0")),
    ("delete-all", FUNC, ""),
    ("both-empty", "", ""),
    ("rewritten", FUNC, PY),
    ("keep-first-half", FUNC, "".join(FUNC.splitlines(True)[:4])),
    ("partial-first-line", "price * item.quantity;\n    }\n", "price * qty;\n    }\n"),
    ("python-edit", PY, PY.replace("raise ValueError('short line')", "return None").replace("int(parts[2])", "int(parts[2].strip())")),
    ("joined-lines", PY, PY.replace("    parts = line.split(',')\n    if", "    parts = line.split(','); if")),
    ("unicode", "const greeting = 'héllo wörld 😀';\nconst n = 1;\n", "const greeting = 'hello world 😀!';\nconst n = 2;\n"),
    ("crlf-vs-lf", FUNC.replace("\n", "\r\n"), FUNC.replace("sum", "total")),
    ("comment-added", FUNC, "// Sums priced items.\n" + FUNC),
    ("single-line", "return items.filter((x) => x.ok).length;", "return items.filter((x) => x.ok && !x.hidden).length;"),
]


def norm(s):
    return s.replace("\r\n", "\n").replace("\r", "\n")


def main():
    out = []
    for name, a, b in PAIRS:
        na, nb = norm(a), norm(b)
        out.append({
            "name": name,
            "inserted": a,
            "current": b,
            "difflib_ratio": difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio(),
            "difflib_ratio_autojunk": difflib.SequenceMatcher(None, na, nb).ratio(),
        })
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "test", "fixtures", "retention", "difflib-ratios.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"generator": "scripts/retention-ratio-reference.py", "pairs": out}, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print("wrote", os.path.normpath(path), len(out), "pairs")


if __name__ == "__main__":
    main()
