"""What deploy shows: the change-set table with the cost line, plain events off a terminal, yes/no answers."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from rich.console import Console

from archsel.deploy.models import ChangeRow, ChangeSetView, ProgressMode, StackEvent, StackOutput
from archsel.deploy.ui import ConsoleUI, cost_line

VIEW = ChangeSetView(
    "shop",
    "UPDATE",
    (ChangeRow("Modify", "ApiFunction", "AWS::Lambda::Function", "no", "Lambda function: runs the API's code"),),
    Decimal("1234.5"),
    "API Gateway + Lambda, 1024 MB",
)
EVENT = StackEvent(
    "e1", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "Fn", "AWS::Lambda::Function", "UPDATE_FAILED", "[boom]"
)


def ui(
    progress: ProgressMode | None = None, answers: tuple[str, ...] = ()
) -> tuple[ConsoleUI, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    replies = iter(answers)

    def ask(_prompt: str) -> str:
        try:
            return next(replies)
        except StopIteration:
            raise EOFError from None

    console_ui = ConsoleUI(
        progress=progress,
        stdout=Console(file=out, width=200, no_color=True),
        stderr=Console(file=err, width=200, no_color=True),
        interactive=True,
        ask=ask,
    )
    return console_ui, out, err


def test_change_set_table_has_action_id_type_replacement_description_and_cost() -> None:
    shown, out, _ = ui()
    shown.show_changes(VIEW)
    text = out.getvalue()
    assert "Change set for stack shop (UPDATE)" in text
    row = next(line for line in text.splitlines() if "ApiFunction" in line)
    for cell in ("Modify", "AWS::Lambda::Function", "no", "Lambda function: runs the API's code"):
        assert cell in row
    assert text.rstrip().endswith(
        "monthly cost: $1,234.50 for API Gateway + Lambda, 1024 MB (archsel's estimate when it was scaffolded)"
    )


def test_cost_line_without_answers_says_unknown() -> None:
    view = ChangeSetView("s", "CREATE", (), None, None)
    assert cost_line(view) == "monthly cost: unknown (no recommendation in archsel.answers.yaml)"


def test_only_yes_means_yes() -> None:
    assert ui(answers=("y",))[0].confirm("Deploy?") is True
    assert ui(answers=("YES ",))[0].confirm("Deploy?") is True
    assert ui(answers=("",))[0].confirm("Deploy?") is False
    assert ui(answers=())[0].confirm("Deploy?") is False  # end of input is a no


def test_events_off_a_terminal_are_plain_lines_with_markup_left_alone() -> None:
    shown, _, err = ui()  # bar is the default only on a terminal; StringIO is not one
    with shown.watch("update shop", 3) as sink:
        sink.event(EVENT, 65.0)
        sink.tick(65.0, "UPDATE_IN_PROGRESS")
    lines = err.getvalue().splitlines()
    assert lines[0] == "update shop:"
    assert lines[1].startswith("  1:05  UPDATE_FAILED") and lines[1].endswith("Fn  [boom]")


def test_quiet_shows_only_failures() -> None:
    shown, _, err = ui(ProgressMode.quiet)
    shown.notice("uploaded code")
    with shown.watch("update shop", 1) as sink:
        sink.event(StackEvent("e0", EVENT.timestamp, "Fn", "AWS::Lambda::Function", "UPDATE_COMPLETE"), 1.0)
        sink.event(EVENT, 2.0)
    assert err.getvalue().splitlines() == [line for line in err.getvalue().splitlines() if "UPDATE_FAILED" in line]
    assert len(err.getvalue().splitlines()) == 1


def test_outputs_table() -> None:
    shown, out, _ = ui()
    shown.show_outputs((StackOutput("ApiUrl", "https://x.execute-api.us-east-1.amazonaws.com", "the API"),))
    assert "ApiUrl" in out.getvalue() and "https://x.execute-api.us-east-1.amazonaws.com" in out.getvalue()
