"""Render values of the Lambda Managed Instances sets: the capacity provider and the function's settings.

The function itself (API, routes, handler, timeout) is the Lambda set's, built from the profile's
lambda section at the Managed Instances memory; provisioned and reserved concurrency do not apply
on a capacity provider (SAM refuses CapacityProviderConfig with ProvisionedConcurrencyConfig).
"""

from __future__ import annotations

from archsel.profile.changes import with_section
from archsel.profile.schema import WorkloadProfile
from archsel.scaffold.param_types import MANAGED_PYTHON, ManagedParams


def managed_profile(profile: WorkloadProfile, notes: list[str]) -> WorkloadProfile:
    """The profile whose lambda section renders the function that runs on the capacity provider."""
    settings = profile.lambda_
    if settings.max_provisioned or settings.reserved_concurrency is not None:
        notes.append("provisioned and reserved concurrency do not apply on Lambda Managed Instances; left out")
    if settings.vpc:
        notes.append("the capacity provider's instances are in the VPC; the function has no VpcConfig of its own")
    return with_section(
        profile,
        "lambda_",
        memory_mb=profile.lambda_managed.memory_mb,
        architecture=profile.lambda_managed.architecture,
        provisioned_concurrency=0,
        reserved_concurrency=None,
        vpc=False,
    )


def managed_params(profile: WorkloadProfile, notes: list[str]) -> ManagedParams:
    """The capacity provider (instance type, architecture, vCPU ceiling, CPU target) and the function's settings."""
    managed = profile.lambda_managed
    per_instance = managed.environments_per_instance
    if managed.instance_type is None:
        notes.append(f"lambda_managed.instance_type is unset (Lambda chooses); {managed.instance.name} was priced")
    notes.append(
        f"the starter handler runs on {MANAGED_PYTHON}: Managed Instances supports Python 3.13+, Node.js 22+, "
        "Java 21+ and .NET 8+"
    )
    notes.append(
        "the capacity provider's instances use private subnets without a NAT gateway: add one or VPC endpoints "
        "if the function calls services outside the VPC (CloudWatch Logs, S3 other than uploads)"
    )
    notes.extend(_file_system_notes(profile))
    return ManagedParams(
        instance_type=managed.instance.name,
        architecture=managed.architecture,
        cdk_architecture="ARM_64" if managed.architecture == "arm64" else "X86_64",
        memory_mb=managed.memory_mb,
        memory_gib_per_vcpu=managed.memory_gib_per_vcpu,
        per_environment_concurrency=managed.environment_concurrency(profile.lambda_.runtime),
        max_vcpu_count=managed.max_instances * managed.instance.vcpu,
        target_cpu=managed.target_cpu,
        min_execution_environments=managed.min_instances * per_instance,
        max_execution_environments=managed.max_instances * per_instance,
    )


def _file_system_notes(profile: WorkloadProfile) -> list[str]:
    """What EFS (storage.efs_gb) and lambda.nat_gateway mean on a capacity provider."""
    notes = []
    if profile.storage.efs_gb > 0:
        # CloudFormation's AWS::Lambda::Function accepts FileSystemConfigs beside CapacityProviderConfig, and SAM
        # refuses only VpcConfig there: the function reaches the mount targets from the capacity provider's VPC.
        notes.append(
            "EFS on Managed Instances: mount targets in the capacity provider's subnets, NFS from its security "
            "group, the access point in the function's FileSystemConfigs (no VpcConfig: the function runs in the "
            "capacity provider's VPC); AWS's Managed Instances guide lists EFS neither among its features nor its "
            "exclusions, so Lambda's answer comes at the first deploy"
        )
    if profile.lambda_.nat_gateway:
        notes.append(
            "lambda.nat_gateway applies to on-demand Lambda: no NAT gateway is made or priced for Managed Instances"
        )
    return notes
