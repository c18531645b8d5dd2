"""Every stylesheet of Hearth's own parses as its author meant, checked with a real CSS parser.

A block left open does not make a browser complain: it quietly swallows every rule after it,
so the page looks wrong with no error anywhere. These tests make the build fail instead.
Hearth's stylesheets do not use CSS nesting, so a rule inside a style rule means a `}` is
missing above it. Vendored stylesheets (static/vendor/) are not ours and are not checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
import tinycss2
from tinycss2 import ast

CSS_ROOT = Path(__file__).resolve().parent.parent / "static" / "css"
STYLESHEETS = sorted(CSS_ROOT.rglob("*.css"))

# At-rules whose block holds rules, holds declarations, holds keyframes, or that have no block.
RULE_GROUPS = {"media", "supports", "container", "layer", "scope", "starting-style"}
DECLARATION_BLOCKS = {"font-face", "page", "property", "counter-style", "font-palette-values"}
KEYFRAMES = {"keyframes"}
STATEMENTS = {"import", "charset", "namespace", "layer"}


def where(node: ast.Node) -> str:
    return f"line {node.source_line}"


def text(tokens: Iterable[ast.Node]) -> str:
    serialized: str = tinycss2.serialize(tokens)  # tinycss2 ships no types
    return serialized.strip()


def meaningful(tokens: Iterable[ast.Node]) -> list[ast.Node]:
    return [token for token in tokens if token.type not in ("whitespace", "comment")]


def unclosed_blocks(css: str) -> list[str]:
    """Each block the file ends inside, outermost first.

    The parser closes such blocks silently at the end of the file, so its serialization is the
    source with one closing bracket added per unclosed block; those blocks are the outermost
    ones on the chain of last components (the end of the file is inside each of them)."""
    tokens = tinycss2.parse_component_value_list(css)
    missing = len(tinycss2.serialize(tokens)) - len(css)
    found: list[str] = []
    while len(found) < missing:
        last = meaningful(tokens)[-1]
        inner = getattr(last, "content", None)
        if inner is None:
            inner = getattr(last, "arguments", None)
        if inner is None:
            break
        found.append(f"{where(last)}: the block opened here is never closed")
        tokens = inner
    return found


def declaration_problems(content: list[ast.Node], owner: str) -> list[str]:
    """A declaration list holds declarations only: no rule, no block, no stray token."""
    problems = []
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if isinstance(item, ast.ParseError):
            problems.append(f"{where(item)}: in {owner}: {item.message}")
        elif isinstance(item, ast.QualifiedRule | ast.AtRule):
            prelude = text(item.prelude)
            problems.append(
                f"{where(item)}: the rule {prelude!r} sits inside {owner}, "
                "whose block is not closed before it"
            )
        elif isinstance(item, ast.Declaration):
            value = meaningful(item.value)
            if not value:
                problems.append(f"{where(item)}: {item.name} in {owner} has no value")
            if any(isinstance(token, ast.CurlyBracketsBlock) for token in value):
                problems.append(f"{where(item)}: {item.name} in {owner} holds a {{}} block")
    return problems


def rule_problems(rules: Iterable[ast.Node], *, keyframes: bool = False) -> list[str]:
    problems = []
    for rule in rules:
        if isinstance(rule, ast.ParseError):
            problems.append(f"{where(rule)}: {rule.message}")
        elif isinstance(rule, ast.QualifiedRule):
            prelude = meaningful(rule.prelude)
            selector = text(rule.prelude)
            if not prelude:
                problems.append(f"{where(rule)}: a block with no selector")
            if any(token == ";" or isinstance(token, ast.CurlyBracketsBlock) for token in prelude):
                problems.append(
                    f"{where(rule)}: the selector {selector!r} swallowed a declaration or rule"
                )
            owner = f"keyframe {selector!r}" if keyframes else f"{selector!r}"
            problems.extend(declaration_problems(rule.content, owner))
        elif isinstance(rule, ast.AtRule):
            problems.extend(at_rule_problems(rule))
    return problems


def at_rule_problems(rule: ast.AtRule) -> list[str]:
    name = rule.lower_at_keyword.removeprefix("-webkit-")
    if rule.content is None:
        if name in STATEMENTS:
            return []
        return [f"{where(rule)}: @{rule.at_keyword} needs a block"]
    if name in RULE_GROUPS:
        return rule_problems(
            tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
        )
    if name in KEYFRAMES:
        return rule_problems(
            tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
            keyframes=True,
        )
    if name in DECLARATION_BLOCKS:
        return declaration_problems(rule.content, f"@{rule.at_keyword}")
    return [f"{where(rule)}: @{rule.at_keyword} is not an at-rule this test knows"]


def stylesheet_problems(css: str) -> list[str]:
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return unclosed_blocks(css) + rule_problems(rules)


def test_the_stylesheets_are_found() -> None:
    assert {path.name for path in STYLESHEETS} >= {"hearth.css", "toolkit-print.css"}


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: str(path.relative_to(CSS_ROOT)))
def test_the_stylesheet_parses_with_every_block_closed_and_every_rule_on_its_own(
    path: Path,
) -> None:
    problems = stylesheet_problems(path.read_text(encoding="utf-8"))
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_a_well_formed_stylesheet_has_no_problem() -> None:
    css = """
    @import url("other.css");
    :root { --gap: 1rem; }
    a:focus-visible, .b > c[d="{;}"] { outline: 3px solid red !important; content: "}"; }
    @media (max-width: 40rem) { .e { gap: var(--gap); } }
    @keyframes breathe { 0%, 100% { transform: scale(1); } 40% { transform: scale(2); } }
    @font-face { font-family: x; src: url(x.woff2); }
    """
    assert stylesheet_problems(css) == []


def test_a_style_rule_left_open_is_found_with_the_rule_it_swallowed() -> None:
    css = ".actions {\n  gap: 1rem;\n.items {\n  padding: 0;\n}\n"
    assert stylesheet_problems(css) == [
        "line 1: the block opened here is never closed",
        "line 3: the rule '.items' sits inside '.actions', whose block is not closed before it",
    ]


def test_a_media_query_left_open_is_found() -> None:
    css = "@media (prefers-reduced-motion: reduce) {\n  .a { animation: none; }\n.b { gap: 0; }\n"
    assert stylesheet_problems(css) == ["line 1: the block opened here is never closed"]


def test_every_unclosed_block_is_named_outermost_first() -> None:
    css = "@media print {\n.a {\n  gap: 0;\n.b {\n  gap: 0;\n"
    assert stylesheet_problems(css)[:3] == [
        "line 1: the block opened here is never closed",
        "line 2: the block opened here is never closed",
        "line 4: the block opened here is never closed",
    ]


def test_a_selector_that_swallowed_a_declaration_is_found() -> None:
    css = ".a { gap: 0; }\n}\ncolor: red; .b { gap: 0; }"
    problems = stylesheet_problems(css)
    assert any("swallowed a declaration or rule" in problem for problem in problems), problems


def test_a_stray_closing_brace_is_found() -> None:
    assert stylesheet_problems(".a { gap: 0; }\n}\n") != []


def test_a_declaration_without_a_value_or_a_name_is_found() -> None:
    assert stylesheet_problems(".a { gap: ; }") == ["line 1: gap in '.a' has no value"]
    assert stylesheet_problems(".a { 12px; }") != []


def test_an_at_rule_this_test_does_not_know_is_reported_rather_than_passed() -> None:
    assert stylesheet_problems("@mdia screen { .a { gap: 0; } }") == [
        "line 1: @mdia is not an at-rule this test knows"
    ]
