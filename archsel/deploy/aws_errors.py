"""botocore errors turned into DeployErrors that name the call and say how to fix the common causes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from archsel.errors import DeployError

EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"})
THROTTLE_CODES = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"})
AUTH_CODES = frozenset({"InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "AuthFailure"})


@contextmanager
def aws_call(where: str) -> Iterator[None]:
    """Turn any botocore error raised inside into a DeployError naming ``where`` (e.g. the operation)."""
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    try:
        yield
    except ClientError as error:
        raise client_error(where, error) from error
    except BotoCoreError as error:
        raise DeployError(f"{where}: {error}", hint=_botocore_hint(error)) from error
    except ResponseParserError as error:  # not a BotoCoreError: e.g. an HTML 500 page from an emulator or proxy
        raise DeployError(f"{where}: {_unparsed(error)}", hint=_UNPARSED_HINT) from error


def _unparsed(error: Exception) -> str:
    """What botocore says about an answer it could not parse, without the page it quotes."""
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return f"the endpoint's answer is not an AWS response ({first.rstrip(':')})"


_UNPARSED_HINT = (
    "the endpoint failed on this request (a local emulator's log says why; it may not support a resource type); "
    "the operation may have been applied in part: look at the stack before running again"
)


def error_code(error: BaseException | None) -> str:
    """The AWS error code of a ClientError ('' for anything else)."""
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def client_error(where: str, error: Exception) -> DeployError:
    """The DeployError for one ClientError: the AWS code and message, and a fix for the common ones."""
    code = error_code(error)
    message = str(getattr(error, "response", {}).get("Error", {}).get("Message", error))
    return DeployError(f"{where}: {code}: {message}", hint=_code_hint(code))


def _code_hint(code: str) -> str | None:
    if code in EXPIRED_CODES:
        return "your AWS credentials have expired: refresh them (e.g. `aws sso login --profile NAME`) and run again"
    if code in THROTTLE_CODES:
        return (
            "AWS throttled the account even after botocore's adaptive retries; wait a minute and run again "
            "(other tools calling the same API at once make this likelier)"
        )
    if code in AUTH_CODES:
        return (
            "the AWS credentials were rejected: check the AWS profile (--profile, AWS_PROFILE) "
            "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        )
    if code in ("AccessDenied", "AccessDeniedException"):
        return "the identity in use lacks this permission; use a role allowed to deploy CloudFormation stacks"
    return None


def _botocore_hint(error: Exception) -> str | None:
    name = type(error).__name__
    if name in ("NoCredentialsError", "PartialCredentialsError"):
        return NO_CREDENTIALS_HINT
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError"):
        return "cannot reach the AWS endpoint: check the network, the region and --endpoint-url"
    if name == "NoRegionError":
        return NO_REGION_HINT
    return None


NO_CREDENTIALS_HINT = (
    "configure AWS credentials: `aws configure` (or `aws sso login --profile NAME` and --profile NAME), "
    "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
)
NO_REGION_HINT = (
    "pass --region, set `region` in the project's samconfig.toml, set AWS_REGION, "
    "or set a region in your AWS profile (`aws configure set region us-east-1`)"
)
