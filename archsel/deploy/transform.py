"""Expand AWS::Serverless in process with aws-sam-translator, for endpoints that cannot (local emulators).

This mirrors samtranslator.translator.transform.transform, with two changes so that no AWS call
is made: the region comes from archsel (not from a boto3 session lookup), and managed policy
names resolve from the map bundled with the translator instead of IAM ListPolicies.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from archsel.deploy.models import Template
from archsel.errors import DeployError


class OfflinePolicyLoader:
    """A managed-policy loader that needs no AWS call: the translator's bundled name -> ARN map."""

    def __init__(self, partition: str) -> None:
        self._partition = partition

    def load(self) -> dict[str, str]:
        """Policy name -> ARN for the partition (empty if the translator bundles none for it)."""
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map

        return dict(get_bundled_managed_policy_map(self._partition) or {})


def partition_of(region: str) -> str:
    """The AWS partition of a region (aws, aws-cn, aws-us-gov)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def expand_sam(template: Template, *, region: str, parameters: dict[str, str]) -> Template:
    """The CloudFormation template that AWS::Serverless-2016-10-31 makes of ``template``."""
    import boto3

    try:
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.parser.parser import Parser
        from samtranslator.translator.translator import Translator
        from samtranslator.utils.py27hash_fix import to_py27_compatible_template, undo_mark_unicode_str_in_template
    except ImportError as error:
        raise DeployError(
            "the local SAM transform needs aws-sam-translator, which is not installed",
            hint="pip install 'archsel[deploy]' (or aws-sam-translator), or deploy with --transform cloudformation",
        ) from error

    # The translator logs CloudWatch-metrics warnings meant for AWS's hosted transform; not for users.
    logging.getLogger("samtranslator").addHandler(logging.NullHandler())
    logging.getLogger("samtranslator").propagate = False
    fragment: dict[str, Any] = copy.deepcopy(dict(template.body))
    values: dict[str, Any] = dict(parameters)
    policies = OfflinePolicyLoader(partition_of(region)).load()
    # A session object only carries the region here: creating one makes no network call.
    session = boto3.session.Session(region_name=region)
    try:
        to_py27_compatible_template(fragment, values)
        translated = Translator(None, Parser(), boto_session=session).translate(
            fragment, parameter_values=values, get_managed_policy_map=lambda: policies
        )
    except InvalidDocumentException as error:
        causes = "; ".join(getattr(cause, "message", str(cause)) for cause in error.causes) or str(error)
        raise DeployError(
            f"SAM transform (local): {causes}", hint="fix template.yaml; `sam validate` says the same"
        ) from error
    return Template(undo_mark_unicode_str_in_template(translated))
