"""Every command-line option says what it does, and every command's --help shows an example
that really parses.

The parser is walked as ``inspector-app`` builds it, so a new sub-command or option is
checked the moment it is added; a failure lists every option without help and every
command without an example (the examples live in ``inspector_app/cli/examples.py``).
"""

from __future__ import annotations

import argparse
import shlex

import pytest

from inspector_app.cli.examples import EXAMPLES, example_lines
from inspector_app.cli.main import build_parser, main


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from walk(child, (*path, name))


@pytest.fixture(scope="module")
def commands():
    return list(walk(build_parser()))


def command_name(path: tuple[str, ...]) -> str:
    return " ".join(("inspector-app", *path))


def test_every_option_and_argument_has_help(commands):
    missing = [
        f"{command_name(path)} {'/'.join(action.option_strings) or action.dest}"
        for path, parser in commands
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
        and (not action.help or action.help == argparse.SUPPRESS)
    ]
    assert not missing, "options without help=:\n  " + "\n  ".join(missing)


def test_every_command_shows_an_example_in_its_help(commands):
    missing = [
        command_name(path)
        for path, parser in commands
        if not parser.epilog or f"{command_name(path)}" not in parser.epilog
    ]
    assert not missing, (
        "commands without an example (add one to inspector_app/cli/examples.py):\n  "
        + "\n  ".join(missing)
    )
    # and no example for a command that does not exist
    assert set(EXAMPLES) <= {" ".join(path) for path, _ in commands}


def test_the_parser_has_the_commands_it_documents(commands):
    names = {" ".join(path) for path, _ in commands}
    for expected in ("list", "bundle import", "keys init", "review return", "export-list"):
        assert expected in names
    options = sum(
        1
        for _, parser in commands
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
    )
    assert options >= 99  # the walk really sees the options (99 when this test was written)


@pytest.mark.parametrize("path", sorted(EXAMPLES), ids=lambda p: p or "(main)")
def test_each_example_parses_as_the_command_it_illustrates(path):
    parser = build_parser()
    lines = example_lines(path)
    assert lines
    for line in lines:
        shell = shlex.split(line, comments=True)
        # a shell redirection and its file are not arguments
        words = [
            w for i, w in enumerate(shell) if w not in "<>" and (i == 0 or shell[i - 1] not in "<>")
        ]
        assert words[0] == "inspector-app", line
        try:
            args = parser.parse_args(words[1:])
        except SystemExit as exc:  # pragma: no cover - only on a broken example
            pytest.fail(f"example does not parse (exit {exc.code}): {line}")
        if path:  # a whole command, down to the action that runs
            assert args.command == path.split()[0], line
            assert callable(getattr(args, "func", None)), line


def test_help_prints_the_example(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["bundle", "export", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "examples:\n  inspector-app bundle export -o " in out
    assert "the bundle file to write" in out  # an option's help
    # the one-line summary the parent lists is the sub-command's description
    assert "Write a signed bundle of what the other side lacks." in out
