"""Words in one place (issue #12, item 5): a management command does not build the
sentences a person reads. It hands a typed result to its app's `presentation` module
(or `arrears.words.say` for a refusal) and writes what comes back.

The check walks each command's syntax tree. What a command writes with
`self.stdout.write` / `self.stderr.write`, or raises as `CommandError(...)`, may not
contain an f-string with words in it; a name written there that the same function
assigned from such an f-string counts too. Allowed:

- calls to functions imported from a presentation module (or `arrears.words`), whatever
  their arguments;
- constants imported from a presentation module (they are not f-strings);
- f-strings with no letters outside their fields (layout: an indent, "a: b");
- the few entries of ALLOWED below, each with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import arrears

COMMANDS = sorted((Path(arrears.__file__).parent / "apps").glob("*/management/commands/*.py"))

# (command file, a piece of the f-string's source) -> why it may stay in the command.
ALLOWED: dict[tuple[str, str], str] = {
    ("sender.py", "has no sender details: `arrears sender set`"): (
        "names the terminal command that fixes it; the web says it with a link"
    ),
    ("worklist.py", "messages to settle ({len(settle)}): `arrears outbox`"): (
        "names the terminal command that lists them; the web page has its own section"
    ),
    ("generate_demo.py", '{paths[kind]}\\t{ledger.frame(kind).height} rows"'): (
        "a developer's tool that prints the files it wrote, not a person's page"
    ),
}

WORD_MODULES = ("presentation", "words")


def _is_words_module(module: str | None) -> bool:
    return module is not None and module.rsplit(".", 1)[-1] in WORD_MODULES


def _imported_words(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _is_words_module(node.module):
            names.update(a.asname or a.name for a in node.names)
    return names


def _is_output(call: ast.Call) -> bool:
    f = call.func
    if isinstance(f, ast.Name) and f.id == "CommandError":
        return True
    return (
        isinstance(f, ast.Attribute)
        and f.attr == "write"
        and isinstance(f.value, ast.Attribute)
        and f.value.attr in ("stdout", "stderr")
    )


def _has_words(fstring: ast.JoinedStr) -> bool:
    return any(
        isinstance(v, ast.Constant) and any(ch.isalpha() for ch in str(v.value))
        for v in fstring.values
    )


def _sentences(node: ast.AST, words: set[str], assigned: dict[str, list[ast.AST]]):
    """The f-strings with words that `node` builds, not looking inside calls to
    presentation functions; a name is followed to what its function assigned to it."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in words:
        return
    if isinstance(node, ast.JoinedStr):
        if _has_words(node):
            yield node
        return
    if isinstance(node, ast.Name) and node.id in assigned:
        for value in assigned.pop(node.id):
            yield from _sentences(value, words, assigned)
        return
    for child in ast.iter_child_nodes(node):
        yield from _sentences(child, words, assigned)


def _assignments(func: ast.AST) -> dict[str, list[ast.AST]]:
    out: dict[str, list[ast.AST]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out.setdefault(target.id, []).append(node.value)
        elif (
            isinstance(node, ast.AnnAssign | ast.AugAssign)
            and node.value is not None
            and isinstance(node.target, ast.Name)
        ):
            out.setdefault(node.target.id, []).append(node.value)
    return out


def built_sentences(path: Path) -> list[tuple[int, str]]:
    source = path.read_text()
    tree = ast.parse(source)
    words = _imported_words(tree)
    found: list[tuple[int, str]] = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef):
            continue
        for call in ast.walk(func):
            if not (isinstance(call, ast.Call) and _is_output(call)):
                continue
            for arg in call.args:
                for s in _sentences(arg, words, _assignments(func)):
                    text = ast.get_source_segment(source, s) or ""
                    if not any(path.name == name and piece in text for name, piece in ALLOWED):
                        found.append((s.lineno, text))
    return sorted(set(found))


def test_commands_are_found():
    assert len(COMMANDS) > 40
    assert all(reason for reason in ALLOWED.values())


def test_no_command_builds_a_sentence():
    offences = [
        f"{path.relative_to(Path(arrears.__file__).parent.parent)}:{line}: {text}"
        for path in COMMANDS
        for line, text in built_sentences(path)
    ]
    assert not offences, "sentences built in commands (move them to presentation):\n" + (
        "\n".join(offences)
    )


def test_every_allowed_entry_is_still_there():
    """An entry whose f-string is gone is taken off the list, so the list stays short."""
    by_name = {p.name: p.read_text() for p in COMMANDS}
    stale = [key for key in ALLOWED if key[1] not in by_name.get(key[0], "")]
    assert not stale


def test_the_check_sees_a_built_sentence(tmp_path):
    cmd = tmp_path / "cmd.py"
    cmd.write_text(
        "from arrears.apps.x.presentation import done_words, NONE\n"
        "class C:\n"
        "    def handle(self, o):\n"
        "        head = f'plan PL{o} made'\n"
        "        self.stdout.write(head)\n"
        "        self.stdout.write(done_words(f'PL{o} is done'))\n"
        "        self.stdout.write(NONE.format(x=o))\n"
        "        self.stdout.write(f'  {o}')\n"
        "        raise CommandError(f'no plan PL{o}')\n"
    )
    assert [line for line, _ in built_sentences(cmd)] == [4, 9]
