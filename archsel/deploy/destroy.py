"""`archsel destroy`: confirm, empty the stack's own buckets (or keep the data), delete the stack, report leftovers.

The staging bucket is kept: every stack archsel deploys in the account and region shares it.
Only this stack's objects in it (the archsel/<stack>/ prefix, every version) are deleted.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from archsel.deploy.apply import Reviewed as _Reviewed
from archsel.deploy.apply import Runtime, discard, stage
from archsel.deploy.cfn_yaml import parse_template_text
from archsel.deploy.describe import DATA_TYPES
from archsel.deploy.models import (
    Cancelled,
    ChangeSetRequest,
    DeployInterrupted,
    DestroyOptions,
    DestroyResult,
    KeptResource,
    Parameter,
    StackResource,
    StackState,
    Template,
)
from archsel.deploy.plan import IAM_CAPABILITIES, Staging, has_no_changes, template_source, watch_command
from archsel.deploy.watch import Operation, Watched, follow, known_events, wait_change_set
from archsel.errors import DeployError
from archsel.pricing.table import PriceTable
from archsel.pricing.tiers import tier_buckets

GIB = Decimal(1024**3)
SIZE_PRICES = {"AWS::DynamoDB::Table": "ddb.storage", "AWS::S3::Bucket": "s3.standard.storage"}
RETAINING_POLICIES = frozenset({"Retain", "RetainExceptOnCreate"})
GONE_WITH_PARENT = frozenset({"AWS::Lambda::Version"})
"""Types deleted with their parent whatever their own policy (a function's versions go with the function)."""


@dataclass(frozen=True, slots=True)
class DestroyPlan:
    """What `archsel destroy` will do to one stack."""

    stack_name: str
    state: StackState
    resources: tuple[StackResource, ...]
    staging: Staging
    keep_data: bool
    yes: bool
    retained: frozenset[str] = frozenset()
    """Logical ids the deployed template itself marks DeletionPolicy: Retain (CloudFormation leaves them)."""

    @property
    def kept(self) -> tuple[StackResource, ...]:
        """Resources left in the account: data with --keep-data, and whatever the template retains."""
        return tuple(r for r in self.live if self._keeps(r))

    @property
    def buckets_to_empty(self) -> tuple[str, ...]:
        """Buckets the stack created and will delete (they must be empty first); never a bucket that stays."""
        kept = {r.logical_id for r in self.kept}
        return tuple(
            r.physical_id
            for r in self.live
            if r.resource_type == "AWS::S3::Bucket" and r.physical_id and r.logical_id not in kept
        )

    def retained_by_template(self, resource: StackResource) -> bool:
        """Whether CloudFormation keeps ``resource`` because the template says so (not because of --keep-data)."""
        return resource.logical_id in self.retained and resource.resource_type not in GONE_WITH_PARENT

    def _keeps(self, resource: StackResource) -> bool:
        return (self.keep_data and resource.resource_type in DATA_TYPES) or self.retained_by_template(resource)

    @property
    def live(self) -> tuple[StackResource, ...]:
        return tuple(r for r in self.resources if r.status != "DELETE_COMPLETE")


def plan_destroy(
    state: StackState,
    resources: tuple[StackResource, ...],
    staging: Staging,
    options: DestroyOptions,
    retained: frozenset[str] = frozenset(),
) -> DestroyPlan:
    """The destroy plan (``retained``: see `template_retained`); DeployError while another operation runs."""
    stack_name = state.name
    if state.status.endswith("_IN_PROGRESS") and state.status != "REVIEW_IN_PROGRESS":
        raise DeployError(
            f"stack {stack_name} is {state.status}: another operation is running on it",
            hint=f"wait for it ({watch_command(stack_name, staging.region)}), then run archsel destroy again",
        )
    return DestroyPlan(stack_name, state, resources, staging, options.keep_data, options.yes, retained)


def template_retained(raw: str | Mapping[str, Any], stack_name: str) -> frozenset[str]:
    """Logical ids whose DeletionPolicy in the deployed (processed) template keeps them when the stack goes."""
    body = raw if isinstance(raw, Mapping) else parse_template_text(raw, source=f"deployed template of {stack_name}")
    resources = body.get("Resources") or {}
    return frozenset(
        str(lid)
        for lid, item in resources.items()
        if isinstance(item, Mapping) and item.get("DeletionPolicy") in RETAINING_POLICIES
    )


def destroy(plan: DestroyPlan, rt: Runtime, prices: PriceTable | None) -> DestroyResult:
    """Carry out ``plan``; raises DeployError naming each resource left behind (DELETE_FAILED)."""
    kept = tuple(_kept_cost(r, rt, prices) for r in plan.kept)
    _announce(plan, kept, rt)
    if not plan.yes and not rt.ui.confirm(f"Delete stack {plan.stack_name}?"):
        raise Cancelled("destroy cancelled; nothing was deleted")
    if plan.keep_data and any(not plan.retained_by_template(r) for r in plan.kept):
        _retain(plan, rt)
    for bucket in plan.buckets_to_empty:
        count = rt.storage.delete_versions(bucket)
        rt.ui.notice(f"emptied bucket {bucket} ({count} objects and versions)")
    watched = _delete(plan, rt)
    if watched.status != "DELETE_COMPLETE":
        raise _leftovers_error(plan, rt, watched)
    rt.ui.notice(f"stack {plan.stack_name}: DELETE_COMPLETE")
    removed = clean_staging(plan.staging, plan.stack_name, rt)
    return DestroyResult(plan.stack_name, "deleted", plan.buckets_to_empty, kept, removed, plan.staging.bucket)


def clean_staging(staging: Staging, stack_name: str, rt: Runtime) -> int:
    """Delete this stack's objects from the staging bucket, keep the bucket, and say so."""
    if rt.storage.bucket_state(staging.bucket, staging.account) == "missing":
        return 0
    removed = int(rt.storage.delete_versions(staging.bucket, staging.prefix(stack_name)))
    rt.ui.notice(
        f"kept staging bucket {staging.bucket} (shared by every stack archsel deploys in this account and region); "
        f"deleted its {removed} objects for {stack_name}. Remove the bucket itself with "
        f"`aws s3 rb s3://{staging.bucket} --force` once no stack needs it"
    )
    return removed


def _announce(plan: DestroyPlan, kept: tuple[KeptResource, ...], rt: Runtime) -> None:
    deleted = len(plan.live) - len(kept)
    rt.ui.notice(f"stack {plan.stack_name} ({plan.state.status}) and its {deleted} resources will be deleted")
    for bucket in plan.buckets_to_empty:
        rt.ui.notice(f"bucket {bucket} (created by the stack) will be emptied, every object version")
    by_template = {r.logical_id for r in plan.kept if plan.retained_by_template(r)}
    for item in kept:
        cost = f"${item.monthly_usd:.2f}/month" if item.monthly_usd is not None else "cost unknown"
        why = "; the template says DeletionPolicy: Retain" if item.logical_id in by_template else ""
        rt.ui.notice(f"kept: {item.logical_id} ({item.resource_type}) {item.physical_id}: {cost} ({item.basis}{why})")
    if by_template:
        rt.ui.notice(
            "resources the template retains stay after the stack is gone, data and cost included: "
            "delete them yourself when no longer needed"
        )


def _kept_cost(resource: StackResource, rt: Runtime, prices: PriceTable | None) -> KeptResource:
    price_id = SIZE_PRICES.get(resource.resource_type)
    price = prices.price(price_id) if prices is not None and price_id is not None else None
    size: int | None = None
    try:
        if resource.resource_type == "AWS::DynamoDB::Table":
            size = rt.storage.table_bytes(resource.physical_id)
        elif resource.resource_type == "AWS::S3::Bucket":
            size = rt.storage.bucket_bytes(resource.physical_id)
    except DeployError:
        size = None  # a cost estimate must not stop a destroy; say it is unknown instead
    if size is None or price is None or price.missing:
        basis = "size not measured" if size is None else "no price in the table"
        return KeptResource(resource.logical_id, resource.physical_id, resource.resource_type, None, basis)
    monthly = storage_monthly_usd(size, price.tiers)
    basis = f"{size:,} bytes at the storage price of {prices.region if prices else ''}"
    return KeptResource(resource.logical_id, resource.physical_id, resource.resource_type, monthly, basis)


def storage_monthly_usd(size_bytes: int, tiers: Any) -> Decimal:
    """Monthly storage cost of ``size_bytes`` on a GB-month price ladder (GB = 2**30 bytes, as AWS bills).

    >>> from archsel.pricing.tiers import Tier
    >>> storage_monthly_usd(10 * 1024**3, (Tier(Decimal(0), None, Decimal("0.25")),))
    Decimal('2.50')
    """
    gigabytes = Decimal(size_bytes) / GIB
    total = sum((bucket.monthly_usd for bucket in tier_buckets(gigabytes, tiers)), Decimal(0))
    return total.quantize(Decimal("0.01"))


def retained_template(body: Mapping[str, Any], logical_ids: frozenset[str]) -> Template | None:
    """``body`` with DeletionPolicy/UpdateReplacePolicy Retain on ``logical_ids``; None if already so."""
    resources = body.get("Resources") or {}
    if all(resources.get(lid, {}).get("DeletionPolicy") == "Retain" for lid in logical_ids):
        return None
    updated = copy.deepcopy(dict(body))
    for lid in logical_ids:
        if lid in updated["Resources"]:
            updated["Resources"][lid]["DeletionPolicy"] = "Retain"
            updated["Resources"][lid]["UpdateReplacePolicy"] = "Retain"
    return Template(updated)


def _retain(plan: DestroyPlan, rt: Runtime) -> None:
    raw = rt.cfn.processed_template(plan.state.stack_id)
    body = (
        raw if isinstance(raw, Mapping) else parse_template_text(raw, source=f"deployed template of {plan.stack_name}")
    )
    template = retained_template(body, frozenset(r.logical_id for r in plan.kept))
    if template is None:
        return
    rt.ui.notice("marking the data resources DeletionPolicy: Retain (a stack update) before deleting")
    source = template_source(template, plan.staging, plan.stack_name)
    if source.upload is not None:
        stage(plan.staging, (source.upload,), rt)
    request = ChangeSetRequest(
        stack_name=plan.stack_name,
        change_set_name=f"archsel-retain-{rt.stamp()}",
        change_set_type="UPDATE",
        template_body=source.body,
        template_url=source.url,
        parameters=tuple(Parameter(key, None) for key in plan.state.parameters),
        capabilities=IAM_CAPABILITIES,
        tags=None,
        description="archsel destroy --keep-data: retain data resources",
    )
    change_set_id, _ = rt.cfn.create_change_set(request)
    state = wait_change_set(rt.cfn, change_set_id, rt.clock)
    if has_no_changes(state):
        discard(_Reviewed(state, request.change_set_name, "UPDATE"), rt)
        return
    if state.status == "FAILED":
        raise DeployError(f"cannot mark the data resources Retain: {state.reason}", hint="run without --keep-data")
    known = known_events(rt.cfn, plan.state.stack_id)
    rt.cfn.execute_change_set(change_set_id, f"archsel-retain-{rt.stamp()}")
    watched = _follow(plan, rt, known, "retain update")
    if watched.status != "UPDATE_COMPLETE":
        raise DeployError(
            f"the retain update of {plan.stack_name} ended {watched.status}; nothing was deleted",
            hint="run without --keep-data after backing the data up",
        )


def _delete(plan: DestroyPlan, rt: Runtime) -> Watched:
    known = known_events(rt.cfn, plan.state.stack_id)
    rt.cfn.delete_stack(plan.state.stack_id, f"archsel-destroy-{rt.stamp()}")
    return _follow(plan, rt, known, "deletion")


def _follow(plan: DestroyPlan, rt: Runtime, known: frozenset[str], what: str) -> Watched:
    hint = watch_command(plan.stack_name, plan.staging.region)
    operation = Operation(plan.state.stack_id, known, f"{what} of {plan.stack_name}", hint)
    with rt.ui.watch(operation.name, len(plan.live)) as sink:
        try:
            return follow(rt.cfn, operation, rt.clock, sink)
        except KeyboardInterrupt:
            raise DeployInterrupted(
                f"interrupted: archsel stopped watching the {operation.name}, which goes on in CloudFormation",
                hint=f"watch it with `{operation.watch_hint}`; run archsel destroy again afterwards to finish",
            ) from None


def _leftovers_error(plan: DestroyPlan, rt: Runtime, watched: Watched) -> DeployError:
    left = [r for r in rt.cfn.resources(plan.state.stack_id) if r.status == "DELETE_FAILED"]
    lines = [f"{r.logical_id} ({r.resource_type}) {r.physical_id}: {r.reason or 'no reason given'}" for r in left]
    detail = (
        "\n".join(lines) if lines else (watched.state.status_reason if watched.state else None) or "no reason given"
    )
    return DeployError(
        f"stack {plan.stack_name} is {watched.status}; left behind:\n{detail}",
        hint="fix what each line says (e.g. empty or detach the resource), then run `archsel destroy DIR` again",
    )
