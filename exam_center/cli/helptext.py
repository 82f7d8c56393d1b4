"""`--help` as a person reads it: every command's title Chinese first, every option with a
description, values named PATH, N or TEXT (not <list[Path]>, <float range> [x>=0.1]).
The words are in exam_center.domain.vocabulary; this module only puts them on the command tree."""

from __future__ import annotations

from typing import Any

import typer.rich_utils as rich_help
from typer.core import TyperArgument, TyperGroup, TyperOption

from exam_center.domain.vocabulary import (
    COMMAND_TITLES,
    HELP_WORDS,
    PARAMETER_HELP,
    USAGE_ERROR_LABELS,
    VALUE_NAMES,
)


def humanise(root: TyperGroup) -> None:
    """Titles, option descriptions and value names on every command under `root`."""
    rich_help.ARGUMENTS_PANEL_TITLE = HELP_WORDS["arguments"]
    rich_help.OPTIONS_PANEL_TITLE = HELP_WORDS["options"]
    rich_help.COMMANDS_PANEL_TITLE = HELP_WORDS["commands"]
    rich_help.DEFAULT_STRING = HELP_WORDS["default"]
    rich_help.REQUIRED_LONG_STRING = HELP_WORDS["required"]
    rich_help.ERRORS_PANEL_TITLE = HELP_WORDS["error"]
    rich_help.RICH_HELP = HELP_WORDS["try_help"]
    rich_help.ABORTED_TEXT = HELP_WORDS["aborted"]
    if not getattr(rich_help.rich_format_error, "chinese_first", False):
        rich_help.rich_format_error = _usage_error(rich_help.rich_format_error)
    _command(root, "")


def _command(command: Any, path: str) -> None:
    title = COMMAND_TITLES.get(path)
    if title and not (command.help or "").startswith(title):
        command.help = f"{title} {command.help or ''}".rstrip()
        command.short_help = None
    for param in command.params:
        _parameter(param)
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            _command(sub, f"{path} {name}".strip())
    command.get_help_option = _help_option(command.get_help_option)


def _parameter(param: Any) -> None:
    if not getattr(param, "help", None):
        param.help = PARAMETER_HELP.get(param.name or "", "")
    value = value_name(param)
    if isinstance(param, TyperArgument):
        if param.metavar is None:
            param.metavar = (param.name or "").upper()
        param.display_type_rich = _no_type  # type: ignore[method-assign]  # named by its metavar
    elif isinstance(param, TyperOption) and param.metavar is None:
        param.metavar = value
    # A bound is said in the option's own help (至少 0.1 秒), not as [x>=0.1].
    param.min = param.max = None


def _no_type(ctx: Any = None) -> None:
    return None


def value_name(param: Any) -> str:
    """PATH, N, TEXT...: what the option takes, nothing for a flag."""
    if isinstance(param, TyperOption) and param.is_flag:
        return ""
    annotation = param.type_descriptor.annotation
    name = str(annotation).replace("pathlib.", "")
    if isinstance(annotation, type):
        name = annotation.__name__
    if param.type_descriptor.is_choice:
        return "|".join(str(getattr(c, "value", c)) for c in param.type_descriptor.choices or ())
    key = "path" if name in ("Path", "PosixPath") else name
    return VALUE_NAMES.get(key, name.upper())


def _usage_error(show: Any) -> Any:
    """The parser's refusal with its Chinese gloss first."""

    def chinese_first(error: Any) -> None:
        label = next(
            (
                USAGE_ERROR_LABELS[c.__name__]
                for c in type(error).__mro__
                if c.__name__ in USAGE_ERROR_LABELS
            ),
            None,
        )
        if label is not None:
            english = error.format_message
            error.format_message = lambda: f"{label} {english()}"
        show(error)

    chinese_first.chinese_first = True  # type: ignore[attr-defined]
    return chinese_first


def _help_option(original: Any) -> Any:
    def get_help_option(ctx: Any) -> Any:
        option = original(ctx)
        if option is not None:
            option.help = PARAMETER_HELP["help"]
            option.metavar = ""
        return option

    return get_help_option
