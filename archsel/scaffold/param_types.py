"""The values a template set renders (frozen dataclasses) and the fixed facts they draw on.

`params.build_params` fills them from a Design; templates only place them, and
`archsel.answers.yaml` records every one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from archsel.scaffold.design import RecommendationSummary
from archsel.scaffold.schedule import ScheduledAction, TaskBoundsAction

# CloudWatch Logs accepts only these retention periods (days), named as in CDK's RetentionDays.
LOG_RETENTION_NAMES = {
    1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS", 30: "ONE_MONTH",
    60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS", 150: "FIVE_MONTHS", 180: "SIX_MONTHS",
    365: "ONE_YEAR", 400: "THIRTEEN_MONTHS", 545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS", 1096: "THREE_YEARS",
    1827: "FIVE_YEARS", 2192: "SIX_YEARS", 2557: "SEVEN_YEARS", 2922: "EIGHT_YEARS", 3288: "NINE_YEARS",
    3653: "TEN_YEARS",
}  # fmt: skip
LOG_RETENTION_DAYS = tuple(LOG_RETENTION_NAMES)
# API Gateway integration timeouts the function timeout should stay under: past them the client
# gets a 504 while the function runs on (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
API_TIMEOUT_S = {"http": 30, "rest": 29}
# Aurora engine versions that support Serverless v2 scaling to 0 ACU (2024-11) and RDS Proxy.
ENGINES = {
    "aurora-postgres": ("aurora-postgresql", "16.6", "16", 5432, "POSTGRESQL", "pg8000"),
    "aurora-mysql": ("aurora-mysql", "8.0.mysql_aurora.3.08.0", "8.0", 3306, "MYSQL", "pymysql"),
}
CONTAINER_PORT = 8080
# Step scaling (Application Auto Scaling API names) and the CloudWatch metrics its alarms watch: ECS
# publishes CPUUtilization per service per minute (Average = the service's mean, as the predefined
# ECSServiceAverageCPUUtilization); RequestCountPerTarget is only valid as a Sum (per target per period).
ADJUSTMENT_TYPES = {"change": "ChangeInCapacity", "percent": "PercentChangeInCapacity", "exact": "ExactCapacity"}
HEALTH_PATH = "/health"
DEFAULT_PYTHON = "python3.12"
MANAGED_PYTHON = "python3.13"
"""Lambda Managed Instances runs Python 3.13 and later
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-runtimes.html)."""
REST_STAGE = "prod"
# API Gateway access-log line (JSON); the same fields for HTTP and REST APIs.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "method": "$context.httpMethod",
        "path": "$context.path",
        "status": "$context.status",
        "latencyMs": "$context.responseLatency",
        "integrationError": "$context.integrationErrorMessage",
    },
    separators=(",", ":"),
)


@dataclass(frozen=True, slots=True)
class Route:
    """One API route of the generated app; only the health check is public."""

    name: str
    method: str
    path: str
    public: bool = False


ROUTES = (
    Route("Health", "GET", HEALTH_PATH, public=True),
    Route("ListItems", "GET", "/items"),
    Route("CreateItem", "POST", "/items"),
    Route("GetItem", "GET", "/items/{id}"),
    Route("UpdateItem", "PUT", "/items/{id}"),
    Route("DeleteItem", "DELETE", "/items/{id}"),
    Route("CreateUpload", "POST", "/uploads"),
)


@dataclass(frozen=True, slots=True)
class Subnet:
    """A subnet: its logical name, CIDR block and availability-zone index."""

    name: str
    cidr: str
    az_index: int


@dataclass(frozen=True, slots=True)
class FunctionParams:
    """One Lambda function: its logical name, what it serves, its memory and its API routes."""

    name: str
    """Base of its logical ids: ApiFunction for the one router function, GetOrdersFunction for a route."""
    label: str
    """What it serves, for descriptions: API, a route key or a route group."""
    memory_mb: int
    routes: tuple[Route, ...]

    @property
    def logical_id(self) -> str:
        """The function's logical id."""
        return f"{self.name}Function"

    @property
    def schedule_id(self) -> str:
        """Logical id of its provisioned-concurrency schedule (the router function keeps the plain name)."""
        return "ProvisionedConcurrencySchedule" if self.name == "Api" else f"{self.name}ProvisionedSchedule"


@dataclass(frozen=True, slots=True)
class LambdaParams:
    """The functions and their API (one function without profile routes)."""

    runtime: str
    memory_mb: int
    architecture: str
    cdk_architecture: str
    timeout_s: int
    ephemeral_storage_mb: int
    reserved_concurrency: int | None
    provisioned_concurrency: int
    """Constant provisioned concurrency on the alias (0 when none or when scheduled)."""
    schedule: tuple[ScheduledAction, ...]
    schedule_max: int
    api: str
    in_vpc: bool
    layout: str
    """single, per-route or grouped (lambda.layout; single without routes)."""
    functions: tuple[FunctionParams, ...]
    """Every function with its memory and routes; reserved and provisioned concurrency apply to each."""


@dataclass(frozen=True, slots=True)
class ManagedParams:
    """The capacity provider and the function's Managed Instances settings (lambda_managed)."""

    instance_type: str
    architecture: str
    cdk_architecture: str
    memory_mb: int
    memory_gib_per_vcpu: float
    per_environment_concurrency: int
    max_vcpu_count: int
    """The capacity provider's MaxVCpuCount: max_instances x the instance's vCPUs."""
    target_cpu: float
    min_execution_environments: int
    """FunctionScalingConfig minimum: the environments min_instances hold (min_instances x per instance)."""
    max_execution_environments: int


@dataclass(frozen=True, slots=True)
class StepParams:
    """One step adjustment: bounds as offsets from the alarm threshold (None = unbounded) and the adjustment."""

    lower: float | None
    upper: float | None
    change: int


@dataclass(frozen=True, slots=True)
class StepAlarmParams:
    """A CloudWatch alarm and the step scaling policy it invokes (AWS names; CDK enum member names too)."""

    name: str
    """Logical-id stem: ScaleOut or ScaleIn."""
    comparison: str
    """GreaterThanThreshold or LessThanThreshold."""
    cdk_comparison: str
    threshold: float
    datapoints: int
    """EvaluationPeriods and DatapointsToAlarm ("N out of N")."""
    adjustment_type: str
    """ChangeInCapacity, PercentChangeInCapacity or ExactCapacity."""
    cdk_adjustment_type: str
    cooldown_s: int
    min_adjustment_magnitude: int | None
    aggregation: str
    """Average, Minimum or Maximum."""
    cdk_aggregation: str
    steps: tuple[StepParams, ...]


@dataclass(frozen=True, slots=True)
class AlarmMetric:
    """The CloudWatch metric step scaling alarms watch: ECS CPUUtilization or ALB RequestCountPerTarget."""

    namespace: str
    metric_name: str
    statistic: str
    period_s: int


ALARM_METRICS = {
    "cpu": AlarmMetric("AWS/ECS", "CPUUtilization", "Average", 60),
    "requests": AlarmMetric("AWS/ApplicationELB", "RequestCountPerTarget", "Sum", 60),
}


@dataclass(frozen=True, slots=True)
class FargateParams:
    """The task, service, load balancer and autoscaling."""

    cpu_units: int
    memory_mib: int
    cpu_architecture: str
    container_port: int
    min_tasks: int
    max_tasks: int
    schedule: tuple[TaskBoundsAction, ...]
    """Daily scheduled actions on the scalable target (fargate.schedule); empty without one."""
    scaling_metric: str
    predefined_metric: str
    target_value: float
    scale_out_cooldown_s: int
    scale_in_cooldown_s: int
    health_check_interval_s: int
    health_check_timeout_s: int
    deregistration_delay_s: int
    load_balancing_algorithm: str
    ephemeral_storage_gb: int | None
    on_demand_weight: int
    spot_weight: int
    worker_threads: int
    docker_platform: str
    https: bool
    """The load balancer itself serves HTTPS (ACM certificate for api_domain); else CloudFront fronts an internal one."""
    api_domain: str | None
    scaling_policy: str
    """target_tracking (one TargetTrackingScaling policy) or step (alarms + StepScaling policies)."""
    alarm_metric: AlarmMetric | None
    step_alarms: tuple[StepAlarmParams, ...]
    """Scale-out alarm first, then scale-in when the profile has one; empty for target tracking."""


@dataclass(frozen=True, slots=True)
class NetworkParams:
    """The VPC: private subnets always, public ones for an ALB, a NAT gateway when asked."""

    public_subnets: bool
    nat_gateway: bool
    tasks_public_ip: bool
    """Tasks run in the public subnets with public IPs (no NAT), as the cost model assumes."""
    dynamodb_endpoint: bool
    public: tuple[Subnet, ...]
    private: tuple[Subnet, ...]

    @property
    def app_subnets(self) -> tuple[Subnet, ...]:
        """Where the function or the tasks run."""
        return self.public if self.tasks_public_ip else self.private


@dataclass(frozen=True, slots=True)
class DatabaseParams:
    """DynamoDB or Aurora Serverless v2 (with RDS Proxy when used)."""

    kind: str
    """none, dynamodb or aurora."""
    env_kind: str
    """DB_KIND the app reads: dynamodb, aurora or memory."""
    engine: str
    engine_version: str
    engine_major_version: str
    engine_family: str
    port: int
    min_acu: float
    max_acu: float
    use_proxy: bool
    driver: str
    database_name: str
    username: str

    @property
    def secret_template(self) -> str:
        """The generated secret's fixed part (the password is generated by Secrets Manager)."""
        return json.dumps({"username": self.username})


@dataclass(frozen=True, slots=True)
class FrontendParams:
    """Static site on S3 behind CloudFront."""

    enabled: bool
    domain: str | None
    origin: str | None
    """https://domain when a domain is given (else the CloudFront domain, known only at deploy time)."""
    certificate_in_stack: bool
    """An ACM certificate for CloudFront must live in us-east-1: made in the stack only there."""


@dataclass(frozen=True, slots=True)
class EfsParams:
    """The shared file system the function mounts through an access point (storage.efs_gb on Lambda)."""

    mount_path: str = "/mnt/data"
    """Lambda mount paths must start with /mnt/."""
    root_directory: str = "/lambda"
    posix_uid: int = 1000
    posix_gid: int = 1000


@dataclass(frozen=True, slots=True)
class AuthParams:
    """Who signs users in: the stack's Cognito user pool, or an external OpenID Connect provider."""

    provider: str
    """cognito or oidc."""
    issuer: str = ""
    """oidc: the issuer URL the API's JWT check trusts."""
    audience: tuple[str, ...] = ()
    """oidc: the audiences (aud or client_id claim) it accepts."""

    @property
    def oidc(self) -> bool:
        """Whether an external provider signs users in (no user pool in the stack)."""
        return self.provider == "oidc"


@dataclass(frozen=True, slots=True)
class ScaffoldParams:
    """Every value a template set renders."""

    project_name: str
    stack_name: str
    stack_description: str
    region: str
    architecture: str
    iac: str
    template_set: str
    archsel_version: str
    profile_hash: str
    log_retention_days: int
    log_retention_name: str
    """CDK's RetentionDays member for log_retention_days."""
    health_path: str
    routes: tuple[Route, ...]
    access_log_format: str
    rest_stage: str
    cognito_tier: str
    auth: AuthParams
    uploads: bool
    """The profile stores files (storage section): the uploads bucket and its presigned-URL route exist."""
    uploads_cors_origin: str | None
    """The browser origin allowed to PUT uploads: the front end's domain; None = its CloudFront domain when
    the front end is enabled, else no CORS rule (no browser origin in the profile)."""
    lambda_: LambdaParams | None
    fargate: FargateParams | None
    network: NetworkParams | None
    database: DatabaseParams
    frontend: FrontendParams
    summary: RecommendationSummary | None
    overridden: bool
    notes: tuple[str, ...]
    efs: EfsParams | None = None
    """Lambda with storage.efs_gb: the file system, its mount targets and the access point."""
    managed: ManagedParams | None = None
    """Lambda Managed Instances settings (the lambda-managed sets only)."""

    def conditions(self) -> dict[str, bool]:
        """The named conditions a manifest's `when:` can test."""
        lam = self.lambda_
        return {
            "frontend": self.frontend.enabled,
            "dynamodb": self.database.kind == "dynamodb",
            "aurora": self.database.kind == "aurora",
            "database": self.database.kind != "none",
            "vpc": self.network is not None,
            "http_api": lam is not None and lam.api == "http",
            "rest_api": lam is not None and lam.api == "rest",
            "schedule": lam is not None and bool(lam.schedule),
        }
