"""The values a template set renders, computed in Python from a Design (templates only place them).

Everything a template needs that is not a plain copy of a profile field (CPU units, cron
expressions, allowed log-retention steps, Spot weights, which resources exist) is worked out
here, so templates hold no arithmetic and every value can be tested and recorded in
`archsel.answers.yaml`. Where CloudFormation cannot express a profile setting exactly, the
closest setting is used and a note says so (the README lists the notes).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from archsel import __version__
from archsel.billing.rules import lambda_in_vpc
from archsel.errors import UsageError
from archsel.profile.architecture import Architecture
from archsel.profile.fargate_schema import Fargate
from archsel.profile.routes import RouteLayout, route_layout, route_name, unique_names
from archsel.profile.scaling_schema import Scaling, StepPolicy
from archsel.profile.schema import WorkloadProfile
from archsel.scaffold.design import Design
from archsel.scaffold.managed_params import managed_params, managed_profile
from archsel.scaffold.param_types import (
    ACCESS_LOG_FORMAT,
    ADJUSTMENT_TYPES,
    ALARM_METRICS,
    API_TIMEOUT_S,
    CONTAINER_PORT,
    DEFAULT_PYTHON,
    ENGINES,
    HEALTH_PATH,
    LOG_RETENTION_DAYS,
    LOG_RETENTION_NAMES,
    MANAGED_PYTHON,
    REST_STAGE,
    ROUTES,
    AuthParams,
    DatabaseParams,
    EfsParams,
    FargateParams,
    FrontendParams,
    FunctionParams,
    LambdaParams,
    NetworkParams,
    Route,
    ScaffoldParams,
    StepAlarmParams,
    StepParams,
    Subnet,
)
from archsel.scaffold.schedule import TaskBoundsAction, provisioned_schedule, task_bounds_schedule

# CloudFormation's resource quota per stack, and what archsel's SAM template adds: the shared
# resources (API, Cognito, buckets, logs, ...) and per function its role, version, alias and
# permissions (one per route).
CLOUDFORMATION_MAX_RESOURCES = 500
_STACK_BASE_RESOURCES = 60
_RESOURCES_PER_FUNCTION = 5

# Notes of the on-demand Lambda function that do not hold on a capacity provider (managed_params says its own).
_ON_DEMAND_ONLY_NOTES = ("the starter handler is Python (", "EFS needs the function in the VPC")

# The profile's routing algorithm -> the target group's load_balancing.algorithm.type value.
_ALB_ALGORITHMS = {
    "least_outstanding": "least_outstanding_requests",
    "round_robin": "round_robin",
    "weighted_random": "weighted_random",
}


def build_params(design: Design, *, iac: str, template_set: str) -> ScaffoldParams:
    """The render values for ``design`` in ``template_set``."""
    profile = design.profile
    notes: list[str] = []
    routes = api_routes(profile)
    managed = None
    if design.architecture == Architecture.LAMBDA_MANAGED:
        managed = managed_params(profile, notes)
        profile = managed_profile(profile, notes)
    on_lambda = design.architecture in (Architecture.LAMBDA, Architecture.LAMBDA_MANAGED)
    lam = _lambda_params(profile, routes, notes) if on_lambda else None
    if managed is not None and lam is not None:
        lam = replace(lam, runtime=MANAGED_PYTHON, in_vpc=False)
        notes[:] = [note for note in notes if not note.startswith(_ON_DEMAND_ONLY_NOTES)]
    fargate = _fargate_params(profile, notes) if design.architecture == Architecture.FARGATE else None
    database = _database_params(profile, design.architecture, notes)
    frontend = _frontend_params(profile, notes)
    return ScaffoldParams(
        project_name=profile.name,
        stack_name=stack_name(profile.name),
        stack_description=_description(design),
        region=profile.region,
        architecture=design.architecture,
        iac=iac,
        template_set=template_set,
        archsel_version=__version__,
        profile_hash=design.profile_hash,
        log_retention_days=log_retention(profile.logs.retention_days, notes),
        log_retention_name=LOG_RETENTION_NAMES[log_retention(profile.logs.retention_days, [])],
        health_path=HEALTH_PATH,
        routes=routes,
        access_log_format=ACCESS_LOG_FORMAT,
        rest_stage=REST_STAGE,
        cognito_tier=_cognito_tier(profile, notes),
        auth=_auth_params(profile, design.architecture),
        uploads=stores_files(profile),
        uploads_cors_origin=f"https://{profile.frontend.domain}" if profile.frontend.domain else None,
        lambda_=lam,
        fargate=fargate,
        network=_network_params(profile, design.architecture, database),
        database=database,
        frontend=frontend,
        summary=design.summary,
        overridden=design.overridden,
        notes=tuple(notes),
        efs=EfsParams() if on_lambda and profile.storage.efs_gb > 0 else None,
        managed=managed,
    )


# CloudFormation stack names are at most 128 characters
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html).
STACK_NAME_MAX = 128


def stores_files(profile: WorkloadProfile) -> bool:
    """Whether the profile asks for file storage (the uploads bucket): objects stored, uploaded or downloaded."""
    storage = profile.storage
    return storage.stored_gb > 0 or storage.uploads_per_month > 0 or storage.downloads_per_month > 0


def stack_name(name: str) -> str:
    """A CloudFormation stack name from the profile name (letters, digits, hyphens; starts with a letter)."""
    cleaned = re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-")
    named = cleaned if cleaned[:1].isalpha() else f"app-{cleaned}"
    return named[:STACK_NAME_MAX].rstrip("-")


def log_retention(days: int, notes: list[str]) -> int:
    """The smallest retention CloudWatch accepts that keeps logs at least ``days``."""
    allowed = next((step for step in LOG_RETENTION_DAYS if step >= days), LOG_RETENTION_DAYS[-1])
    if allowed != days:
        notes.append(f"logs.retention_days {days} is not a CloudWatch retention step; using {allowed} days")
    return allowed


def api_routes(profile: WorkloadProfile) -> tuple[Route, ...]:
    """The API's routes: the starter app's, or the profile's routes plus the public health check."""
    if not profile.request.routes:
        return ROUTES
    names = unique_names([route_name(r.method, r.path) for r in profile.request.routes])
    listed = tuple(
        Route(name, r.method, r.path, public=(r.method, r.path) == ("GET", HEALTH_PATH))
        for name, r in zip(names, profile.request.routes, strict=True)
    )
    if any(route.public for route in listed):
        return listed
    return (Route(unique_names([*names, "Health"])[-1], "GET", HEALTH_PATH, public=True), *listed)


def function_params(
    profile: WorkloadProfile, routes: tuple[Route, ...], notes: list[str]
) -> tuple[FunctionParams, ...]:
    """The functions of the profile's layout with their memory and routes (the health check goes to the first)."""
    if not profile.request.routes:
        return (FunctionParams("Api", "API", profile.lambda_.memory_mb, routes),)
    plan = route_layout(profile)
    by_key = {f"{route.method} {route.path}": route for route in routes}
    extra = tuple(route for route in routes if route.public and f"{route.method} {route.path}" not in plan_keys(plan))
    functions = []
    for number, function in enumerate(plan.functions):
        served = tuple(by_key[plan.routes[index].key] for index in function.routes)
        label = _function_label(profile, plan, function.routes)
        functions.append(
            FunctionParams(function.name, label, function.memory_mb, (extra if number == 0 else ()) + served)
        )
    if extra and len(functions) > 1:
        notes.append(f"{HEALTH_PATH} is not among request.routes: the {functions[0].name} function answers it")
    resources = _STACK_BASE_RESOURCES + sum(_RESOURCES_PER_FUNCTION + len(f.routes) for f in functions)
    if resources > CLOUDFORMATION_MAX_RESOURCES:
        raise UsageError(
            f"layout {profile.lambda_.layout} needs {len(functions)} functions: about {resources} resources, over "
            f"CloudFormation's {CLOUDFORMATION_MAX_RESOURCES} per stack",
            hint="use lambda.layout grouped (or single) for this many routes",
        )
    return tuple(functions)


def plan_keys(plan: RouteLayout) -> set[str]:
    """The route keys a plan lists."""
    return {route.key for route in plan.routes}


def _function_label(profile: WorkloadProfile, plan: RouteLayout, members: tuple[int, ...]) -> str:
    if profile.lambda_.layout == "single":
        return "API"
    first = profile.request.routes[members[0]]
    if profile.lambda_.layout == "grouped" and first.group:
        return f"routes of group {first.group}"
    return plan.routes[members[0]].key


def _lambda_params(profile: WorkloadProfile, routes: tuple[Route, ...], notes: list[str]) -> LambdaParams:
    s = profile.lambda_
    runtime = s.runtime if s.runtime.startswith("python") else DEFAULT_PYTHON
    if runtime != s.runtime:
        notes.append(f"the starter handler is Python ({runtime}); the profile's runtime {s.runtime} was simulated")
    timeout = math.ceil(s.timeout_s)
    if timeout > API_TIMEOUT_S[s.api]:
        notes.append(
            f"timeout {timeout} s exceeds the {s.api.upper()} API integration limit ({API_TIMEOUT_S[s.api]} s)"
        )
    plan = provisioned_schedule(s.provisioned_concurrency, notes)
    in_vpc = lambda_in_vpc(profile)
    if profile.database.relational and not s.vpc:
        notes.append("Aurora needs the function in the VPC (to reach RDS Proxy); the profile's lambda.vpc was false")
    if profile.storage.efs_gb > 0 and not s.vpc:
        notes.append("EFS needs the function in the VPC (it mounts through an access point); lambda.vpc was false")
    functions = function_params(profile, routes, notes)
    if profile.request.routes:
        notes.append(
            "the starter handler answers /health and the items example only: route request.routes in src/app/routes.py"
        )
    return LambdaParams(
        runtime=runtime,
        memory_mb=max(function.memory_mb for function in functions),
        architecture=s.architecture,
        cdk_architecture="ARM_64" if s.architecture == "arm64" else "X86_64",
        timeout_s=timeout,
        ephemeral_storage_mb=s.ephemeral_storage_mb,
        reserved_concurrency=s.reserved_concurrency,
        provisioned_concurrency=plan.constant,
        schedule=plan.actions,
        schedule_max=max((action.count for action in plan.actions), default=0),
        api=s.api,
        in_vpc=in_vpc,
        layout=s.layout,
        functions=functions,
    )


def _fargate_params(profile: WorkloadProfile, notes: list[str]) -> FargateParams:
    f = profile.fargate
    scaling = f.scaling
    if scaling.metric_period_s != 60 and scaling.policy == "step":
        notes.append(
            "the step scaling alarms use 60 s periods (ECS and the ALB publish their metrics per minute); metric_period_s 20 is not set"
        )
    elif scaling.metric_period_s != 60:
        notes.append("target tracking on predefined ECS/ALB metrics uses 60 s periods; metric_period_s 20 is not set")
    interval = min(max(math.ceil(f.health_check_interval_s), 5), 300)
    domain = profile.frontend.domain
    if domain is None:
        notes.append(
            "no domain given: the API is served over HTTPS by a CloudFront distribution in front of an internal "
            "load balancer (give frontend.domain for an ACM certificate on the load balancer itself)"
        )
    spot_weight, on_demand_weight = spot_weights(f.spot_share)
    return FargateParams(
        cpu_units=round(f.vcpu * 1024),
        memory_mib=round(f.memory_gb * 1024),
        cpu_architecture="ARM64" if f.architecture == "arm64" else "X86_64",
        container_port=CONTAINER_PORT,
        min_tasks=f.min_tasks,
        max_tasks=f.max_tasks,
        schedule=_task_schedule(f, notes),
        scaling_metric=scaling.metric,
        predefined_metric="ECSServiceAverageCPUUtilization" if scaling.metric == "cpu" else "ALBRequestCountPerTarget",
        target_value=scaling.target,
        scale_out_cooldown_s=math.ceil(scaling.scale_out_cooldown_s),
        scale_in_cooldown_s=math.ceil(scaling.scale_in_cooldown_s),
        health_check_interval_s=interval,
        # The ALB requires the timeout to be shorter than the interval; 5 s is its default.
        health_check_timeout_s=min(5, interval - 1),
        deregistration_delay_s=math.ceil(f.deregistration_delay_s),
        load_balancing_algorithm=_ALB_ALGORITHMS[f.load_balancing],
        ephemeral_storage_gb=f.ephemeral_storage_gb if f.ephemeral_storage_gb > 20 else None,
        on_demand_weight=on_demand_weight,
        spot_weight=spot_weight,
        worker_threads=f.concurrency_per_task,
        docker_platform="linux/arm64" if f.architecture == "arm64" else "linux/amd64",
        https=domain is not None,
        api_domain=f"api.{domain}" if domain else None,
        scaling_policy=scaling.policy,
        alarm_metric=ALARM_METRICS[scaling.metric] if scaling.policy == "step" else None,
        step_alarms=step_alarms(scaling),
    )


def _task_schedule(fargate: Fargate, notes: list[str]) -> tuple[TaskBoundsAction, ...]:
    actions = task_bounds_schedule(fargate, notes)
    if actions:
        notes.append(
            "scheduled task bounds take effect at the first window edge after a deploy "
            "(until then the stack's base min_tasks/max_tasks apply)"
        )
    return actions


def step_alarms(scaling: Scaling) -> tuple[StepAlarmParams, ...]:
    """The scale-out (and scale-in) alarm with its step policy, as CloudFormation and the CDK name things."""
    if scaling.policy != "step" or scaling.scale_out is None:
        return ()
    alarms: list[tuple[str, StepPolicy, str]] = [("ScaleOut", scaling.scale_out, "GreaterThanThreshold")]
    if scaling.scale_in is not None:
        alarms.append(("ScaleIn", scaling.scale_in, "LessThanThreshold"))
    return tuple(
        StepAlarmParams(
            name=name,
            comparison=comparison,
            cdk_comparison=_snake_upper(comparison),
            threshold=policy.threshold,
            datapoints=policy.datapoints,
            adjustment_type=ADJUSTMENT_TYPES[policy.adjustment],
            cdk_adjustment_type=_snake_upper(ADJUSTMENT_TYPES[policy.adjustment]),
            cooldown_s=math.ceil(policy.cooldown_s),
            min_adjustment_magnitude=policy.min_adjustment_magnitude,
            aggregation=policy.aggregation.capitalize(),
            cdk_aggregation=policy.aggregation.upper(),
            steps=tuple(StepParams(step.lower, step.upper, step.change) for step in policy.steps),
        )
        for name, policy, comparison in alarms
    )


def _snake_upper(name: str) -> str:
    """A CamelCase AWS name as the CDK's enum member: GreaterThanThreshold -> GREATER_THAN_THRESHOLD."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


def spot_weights(share: float) -> tuple[int, int]:
    """Capacity-provider weights (FARGATE_SPOT, FARGATE) whose ratio is the Spot share, in lowest terms.

    >>> spot_weights(0.0), spot_weights(1.0), spot_weights(0.5), spot_weights(0.3)
    ((0, 1), (1, 0), (1, 1), (3, 7))
    """
    spot = round(share * 100)
    on_demand = 100 - spot
    divisor = math.gcd(spot, on_demand)
    return spot // divisor, on_demand // divisor


def _network_params(profile: WorkloadProfile, architecture: str, database: DatabaseParams) -> NetworkParams | None:
    private = (Subnet("PrivateSubnet1", "10.0.128.0/20", 0), Subnet("PrivateSubnet2", "10.0.144.0/20", 1))
    dynamodb = database.kind == "dynamodb"
    if architecture == Architecture.FARGATE:
        nat = profile.fargate.nat_gateway
        public = (Subnet("PublicSubnet1", "10.0.0.0/20", 0), Subnet("PublicSubnet2", "10.0.16.0/20", 1))
        return NetworkParams(True, nat, not nat, dynamodb and nat, public, private)
    if lambda_in_vpc(profile) or database.kind == "aurora" or architecture == Architecture.LAMBDA_MANAGED:
        # A NAT gateway lives in a public subnet: only then does the function's VPC get public subnets.
        nat = profile.lambda_.nat_gateway and architecture == Architecture.LAMBDA
        for_nat: tuple[Subnet, ...] = (
            (Subnet("PublicSubnet1", "10.0.0.0/20", 0), Subnet("PublicSubnet2", "10.0.16.0/20", 1)) if nat else ()
        )
        return NetworkParams(nat, nat, False, dynamodb, for_nat, private)
    return None


def _database_params(profile: WorkloadProfile, architecture: str, notes: list[str]) -> DatabaseParams:
    db = profile.database
    if not db.relational:
        kind = "dynamodb" if db.kind == "dynamodb" else "none"
        env_kind = "dynamodb" if kind == "dynamodb" else "memory"
        return DatabaseParams(kind, env_kind, "", "", "", "", 0, 0.0, 0.0, False, "", "", "")
    engine, version, major, port, family, driver = ENGINES[db.kind]
    aurora = db.aurora
    # With Lambda, RDS Proxy is how the function connects (IAM auth, no password in the function).
    on_lambda = architecture in (Architecture.LAMBDA, Architecture.LAMBDA_MANAGED)
    use_proxy = on_lambda or aurora.rds_proxy is True
    if on_lambda and aurora.rds_proxy is False:
        notes.append("RDS Proxy is used with Lambda although rds_proxy is false (it holds the connections)")
    if use_proxy and aurora.min_acu == 0:
        notes.append("min_acu 0 allows auto-pause, but RDS Proxy keeps connections open so the cluster will not pause")
    return DatabaseParams(
        kind="aurora",
        env_kind="aurora",
        engine=engine,
        engine_version=version,
        engine_major_version=major,
        engine_family=family,
        port=port,
        min_acu=aurora.min_acu,
        max_acu=aurora.max_acu,
        use_proxy=use_proxy,
        driver=driver,
        database_name="app",
        username="app",
    )


def _frontend_params(profile: WorkloadProfile, notes: list[str]) -> FrontendParams:
    front = profile.frontend
    in_stack = front.enabled and front.domain is not None and profile.region == "us-east-1"
    if front.enabled and front.domain and not in_stack:
        notes.append("CloudFront needs its certificate in us-east-1: create it there and pass FrontendCertificateArn")
    domain = front.domain if front.enabled else None
    return FrontendParams(
        enabled=front.enabled,
        domain=domain,
        origin=f"https://{domain}" if domain else None,
        certificate_in_stack=in_stack,
    )


def _description(design: Design) -> str:
    kind = {
        Architecture.LAMBDA: "API Gateway + Lambda",
        Architecture.FARGATE: "ALB + ECS Fargate",
        Architecture.LAMBDA_MANAGED: "API Gateway + Lambda Managed Instances",
    }[design.architecture]
    return f"{design.profile.name}: {kind}, scaffolded by archsel {__version__} from profile {design.profile_hash[:12]}"


def _auth_params(profile: WorkloadProfile, architecture: str) -> AuthParams:
    """The sign-in the templates wire: Cognito, or the external provider's issuer and audiences."""
    auth = profile.auth
    if auth.provider != "oidc" or auth.issuer is None:
        return AuthParams("cognito")
    lam = profile.lambda_
    if architecture in (Architecture.LAMBDA, Architecture.LAMBDA_MANAGED) and lam.api == "rest":
        # REST APIs verify third-party JWTs only through a Lambda authorizer; HTTP APIs do it natively.
        raise UsageError(
            "auth.provider oidc needs lambda.api http: REST APIs have no JWT authorizer for an external issuer",
            hint="set lambda.api: http (HTTP APIs verify the issuer's JWTs), or use auth.provider cognito",
        )
    return AuthParams("oidc", auth.issuer, auth.audience)


def _cognito_tier(profile: WorkloadProfile, notes: list[str]) -> str:
    if profile.auth.provider == "none":
        notes.append("auth.provider is none, but every route except /health still requires a Cognito sign-in")
    return profile.auth.tier.upper()
