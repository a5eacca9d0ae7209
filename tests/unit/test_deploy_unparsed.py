"""An endpoint answering with something that is not an AWS response is a DeployError, not a traceback."""

from __future__ import annotations

import pytest
from botocore.parsers import ResponseParserError

from archsel.deploy.aws_errors import aws_call
from archsel.errors import DeployError, ExitCode

HTML_500 = (
    "Unable to parse response (syntax error: line 1, column 0), invalid XML received. Further retries may succeed:\n"
    "b'<!doctype html>\\n<html lang=en>\\n<title>500 Internal Server Error</title>\\n'"
)


def test_an_unparseable_answer_names_the_call_and_drops_the_page() -> None:
    with pytest.raises(DeployError) as caught, aws_call("CloudFormation ExecuteChangeSet"):
        raise ResponseParserError(HTML_500)
    error = caught.value
    assert error.message.startswith("CloudFormation ExecuteChangeSet: the endpoint's answer is not an AWS response")
    assert "doctype" not in error.message
    assert error.hint is not None and "may have been applied in part" in error.hint
    assert error.exit_code == ExitCode.DEPLOY_FAILED
