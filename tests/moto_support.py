"""moto's server for the end-to-end deploy tests, and the Lambda alias support its CloudFormation lacks.

moto 5.2 creates ``AWS::Lambda::Version`` but has no model for ``AWS::Lambda::Alias`` and no
``Fn::GetAtt Version.Version``: a scaffolded Lambda project (SAM ``AutoPublishAlias`` or a CDK
``lambda.Alias``, whose ``AWS::Lambda::Permission`` resources name the alias) then makes moto's
ExecuteChangeSet fail with an HTTP 500 (``KeyError: 'FunctionName'`` in its Permission model).
`install_lambda_alias` fills that gap in the test server only, by delegating to moto's own Lambda
backend (create_alias / update_alias / delete_alias, publish_version): archsel and the scaffolded
templates are deployed unchanged.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto.awslambda.models import LambdaVersion, lambda_backends
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel

AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
)


class LambdaAliasModel(CloudFormationModel):
    """``AWS::Lambda::Alias`` for moto's CloudFormation: Ref is the alias ARN, as in AWS."""

    def __init__(self, arn: str, name: str, function_name: str, account_id: str, region: str) -> None:
        self.arn, self.name, self.function_name = arn, name, function_name
        self.account_id, self.region = account_id, region

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Alias"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "AliasArn"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "AliasArn":
            return self.arn
        raise NotImplementedError(attribute_name)

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **_: Any
    ) -> LambdaAliasModel:
        props = cloudformation_json["Properties"]
        backend = lambda_backends[account_id][region_name]
        alias = backend.create_alias(
            props["Name"], props["FunctionName"], str(props["FunctionVersion"]), props.get("Description", ""), ""
        )
        return cls(alias.arn, props["Name"], props["FunctionName"], account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: LambdaAliasModel,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> LambdaAliasModel:
        props = cloudformation_json["Properties"]
        backend = lambda_backends[account_id][region_name]
        backend.update_alias(
            original_resource.name,
            original_resource.function_name,
            str(props["FunctionVersion"]),
            props.get("Description", ""),
            "",
        )
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        props = cloudformation_json["Properties"]
        _delete_alias(account_id, region_name, props["Name"], props["FunctionName"])

    def delete(self, account_id: str, region_name: str) -> None:
        _delete_alias(account_id, region_name, self.name, self.function_name)

    def is_created(self) -> bool:
        return True


def _delete_alias(account_id: str, region_name: str, name: str, function_name: str) -> None:
    """Delete an alias, unless its function is already gone (and the alias with it).

    moto deletes a stack's resources in set order, not in dependency order as CloudFormation
    does, so the function may go first: that made DeleteStack fail at random (a 500 from moto).
    """
    backend = lambda_backends[account_id][region_name]
    try:
        backend.get_function(function_name)
    except Exception:  # moto's UnknownFunctionException: nothing left to delete
        return
    backend.delete_alias(name, function_name)


def _version_attribute(self: Any, attribute_name: str) -> str:
    """``Fn::GetAtt <Version>.Version``: the published version number (moto has no attributes for versions)."""
    if attribute_name == "Version":
        return str(self.version)
    raise NotImplementedError(attribute_name)


def install_lambda_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make moto's CloudFormation create Lambda aliases (the model above) and answer Version.Version."""
    monkeypatch.setattr(LambdaVersion, "get_cfn_attribute", _version_attribute, raising=False)
    # moto caches its type -> model map on first use: rebuild it so it sees LambdaAliasModel
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    if parsing.get_model_map().get("AWS::Lambda::Alias") is not LambdaAliasModel:
        raise RuntimeError("moto's CloudFormation did not pick up the Lambda alias model (moto internals changed?)")


def isolate_aws_environment(monkeypatch: pytest.MonkeyPatch, scratch: str) -> None:
    """Fake credentials and us-east-1 for this test only; no shared config, no instance metadata."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask an instance-metadata address
    monkeypatch.setenv("AWS_CONFIG_FILE", f"{scratch}/no-aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", f"{scratch}/no-aws-credentials")


@contextmanager
def moto_server() -> Iterator[str]:
    """moto's server on 127.0.0.1 (a free port); its backends are reset and the server stopped on exit."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        assert host == "127.0.0.1"
        url = f"http://{host}:{port}"
        yield url
        # moto's backends live in this process: reset them so the next test starts empty
        reset = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
        urllib.request.urlopen(reset, timeout=10).close()
    finally:
        server.stop()
