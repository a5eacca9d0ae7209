"""Security-by-default and settings checks on rendered CloudFormation (SAM after transform, or CDK synth).

Each check returns a list of problems (empty = pass) so a test can show every one at once.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.e2e.cfn_tools import Template, resources

# `*` actions on `*` resources that AWS itself requires. None of the shipped templates needs one
# today: Deny statements are exempt because they only restrict (the TLS-only bucket policies deny
# `s3:*` to every principal), and KMS key policies would need `kms:*` for the account root, but
# the templates use AWS-managed keys. Add an entry here, with the reason, if a template needs one.
WILDCARD_EXCEPTIONS: dict[str, str] = {}

SECRET_PATTERNS = {
    "AWS access key id": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "secret access key assignment": re.compile(r"(?i)secret_?access_?key\s*[=:]\s*['\"]?[A-Za-z0-9/+=]{40}"),
    "literal password": re.compile(r"(?i)\b(master_?user_?)?password\b\s*[=:]\s*['\"][^'\"{}$]{6,}['\"]"),
}


def bucket_problems(template: Template) -> list[str]:
    """Every bucket blocks public access, is encrypted, and has a policy denying non-TLS requests."""
    problems = []
    tls_denied = {
        _ref_name(p["Properties"]["Bucket"])
        for p in resources(template, "AWS::S3::BucketPolicy").values()
        if _denies_insecure(p)
    }
    for name, bucket in resources(template, "AWS::S3::Bucket").items():
        props = bucket.get("Properties", {})
        block = props.get("PublicAccessBlockConfiguration", {})
        if not all(
            block.get(key) is True
            for key in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
        ):
            problems.append(f"{name}: public access not fully blocked ({block})")
        rules = props.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", [])
        if not any(rule.get("ServerSideEncryptionByDefault", {}).get("SSEAlgorithm") for rule in rules):
            problems.append(f"{name}: no default encryption")
        if name not in tls_denied:
            problems.append(f"{name}: no bucket policy denying aws:SecureTransport false")
    return problems


def _denies_insecure(policy: Template) -> bool:
    statements = _statements(policy["Properties"]["PolicyDocument"])
    return any(
        s.get("Effect") == "Deny"
        and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") in ("false", False)
        for s in statements
    )


def _ref_name(value: Any) -> str:
    """The logical id a Ref points to (policies name their bucket with Ref)."""
    return value.get("Ref", "") if isinstance(value, dict) else str(value)


def _statements(document: Any) -> list[dict[str, Any]]:
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return statements if isinstance(statements, list) else [statements]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def iam_problems(template: Template) -> list[str]:
    """No Allow statement grants `*` (or `service:*`) actions on `*` resources, except WILDCARD_EXCEPTIONS."""
    problems = []
    for where, document in _policy_documents(template):
        for statement in _statements(document):
            if statement.get("Effect") != "Allow":
                continue
            actions = [a for a in _as_list(statement.get("Action", [])) if isinstance(a, str)]
            wide = [a for a in actions if a == "*" or a.endswith(":*")]
            if wide and "*" in _as_list(statement.get("Resource", [])):
                key = f"{where}: {','.join(wide)}"
                if key not in WILDCARD_EXCEPTIONS:
                    problems.append(f"{key} on *")
    return problems


def _policy_documents(template: Template) -> list[tuple[str, Any]]:
    found = []
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            found += [(name, policy["PolicyDocument"]) for policy in props.get("Policies", [])]
        elif resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy") or resource["Type"] in (
            "AWS::S3::BucketPolicy",
        ):
            found.append((name, props["PolicyDocument"]))
    return found


def route_auth(template: Template) -> dict[str, str]:
    """Authorization of every API route, as "METHOD /path" -> authorizer kind ("NONE" when public).

    Reads SAM's OpenAPI bodies (HTTP and REST) and CDK's Route/Method resources. CORS preflight
    (OPTIONS) routes are left out: browsers send them without credentials by design.
    """
    routes: dict[str, str] = {}
    for api in [
        *resources(template, "AWS::ApiGatewayV2::Api").values(),
        *resources(template, "AWS::ApiGateway::RestApi").values(),
    ]:
        routes.update(_openapi_routes(api.get("Properties", {}).get("Body")))
    authorizers = {name: r["Properties"] for name, r in resources(template, "AWS::ApiGatewayV2::Authorizer").items()}
    for route in resources(template, "AWS::ApiGatewayV2::Route").values():
        props = route["Properties"]
        kind = props.get("AuthorizationType", "NONE")
        if kind == "JWT":
            kind = "JWT" if _ref_name(props.get("AuthorizerId")) in authorizers else "JWT (unknown authorizer)"
        if not props["RouteKey"].startswith("OPTIONS "):
            routes[props["RouteKey"]] = kind
    paths = _rest_resource_paths(template)
    for method in resources(template, "AWS::ApiGateway::Method").values():
        props = method["Properties"]
        if props["HttpMethod"] != "OPTIONS":
            path = paths.get(_ref_name(props.get("ResourceId")), "/")
            routes[f"{props['HttpMethod']} {path}"] = props.get("AuthorizationType", "NONE")
    return routes


def _openapi_routes(body: Any) -> dict[str, str]:
    if not isinstance(body, dict):
        return {}
    schemes = {**body.get("securityDefinitions", {}), **body.get("components", {}).get("securitySchemes", {})}
    routes = {}
    for path, methods in body.get("paths", {}).items():
        for method, operation in methods.items():
            if method.lower() in ("options", "parameters") or not isinstance(operation, dict):
                continue
            names = [name for requirement in operation.get("security", []) for name in requirement]
            kinds = [_scheme_kind(schemes.get(name)) if name != "NONE" else "NONE" for name in names] or ["NONE"]
            routes[f"{method.upper()} {path}"] = kinds[0]
    return routes


def _scheme_kind(scheme: Any) -> str:
    authorizer = (scheme or {}).get("x-amazon-apigateway-authorizer", {})
    return {"jwt": "JWT", "cognito_user_pools": "COGNITO_USER_POOLS"}.get(authorizer.get("type"), "unknown authorizer")


def _rest_resource_paths(template: Template) -> dict[str, str]:
    parts = {name: r["Properties"] for name, r in resources(template, "AWS::ApiGateway::Resource").items()}

    def path_of(name: str) -> str:
        props = parts[name]
        parent = _ref_name(props["ParentId"]) if isinstance(props["ParentId"], dict) else ""
        prefix = path_of(parent) if parent in parts else ""
        return f"{prefix}/{props['PathPart']}"

    return {name: path_of(name) for name in parts}


def auth_problems(template: Template, health_path: str) -> list[str]:
    """Health is public; every other route needs the Cognito (JWT) authorizer."""
    routes = route_auth(template)
    if not routes:
        return ["no API routes found"]
    problems = []
    for route, kind in sorted(routes.items()):
        public = route.split(" ", 1)[1] == health_path
        if public and kind != "NONE":
            problems.append(f"{route}: health should be public, has {kind}")
        if not public and kind not in ("JWT", "COGNITO_USER_POOLS"):
            problems.append(f"{route}: not protected by the Cognito authorizer ({kind})")
    return problems


def tls_problems(template: Template) -> list[str]:
    """CloudFront refuses or redirects plain HTTP, RDS Proxy requires TLS, and no API listens on plain HTTP
    where tokens could cross the internet: an internet-facing load balancer's HTTP listeners only redirect
    to HTTPS; an internal one may speak HTTP only behind a CloudFront VPC origin (inside the VPC).
    """
    problems = []
    vpc_origins = 0
    for name, dist in resources(template, "AWS::CloudFront::Distribution").items():
        config = dist["Properties"]["DistributionConfig"]
        vpc_origins += sum(1 for origin in config.get("Origins", []) if "VpcOriginConfig" in origin)
        for behavior in [config["DefaultCacheBehavior"], *config.get("CacheBehaviors", [])]:
            if behavior.get("ViewerProtocolPolicy") not in ("redirect-to-https", "https-only"):
                problems.append(f"{name}: viewer protocol {behavior.get('ViewerProtocolPolicy')}")
    for name, proxy in resources(template, "AWS::RDS::DBProxy").items():
        if proxy["Properties"].get("RequireTLS") is not True:
            problems.append(f"{name}: RequireTLS not set")
    balancers = resources(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    for name, listener in resources(template, "AWS::ElasticLoadBalancingV2::Listener").items():
        props = listener["Properties"]
        balancer = balancers.get(_ref_name(props["LoadBalancerArn"]), {}).get("Properties", {})
        if props["Protocol"] != "HTTP" or props["DefaultActions"][0]["Type"] == "redirect":
            continue
        if balancer.get("Scheme", "internet-facing") != "internal":
            problems.append(f"{name}: an internet-facing load balancer forwards plain HTTP")
        elif vpc_origins == 0:
            problems.append(f"{name}: an internal load balancer on HTTP with no CloudFront VPC origin in front")
    return problems


def log_problems(template: Template) -> list[str]:
    """Every log group has a retention; every function and container logs into one of them."""
    groups = resources(template, "AWS::Logs::LogGroup")
    problems = [
        f"{name}: no RetentionInDays" for name, g in groups.items() if "RetentionInDays" not in g.get("Properties", {})
    ]
    for name, function in resources(template, "AWS::Lambda::Function").items():
        target = function["Properties"].get("LoggingConfig", {}).get("LogGroup")
        if _ref_name(target) not in groups:
            problems.append(f"{name}: logs to no log group of this template (its retention would be unset)")
    for name, task in resources(template, "AWS::ECS::TaskDefinition").items():
        for container in task["Properties"]["ContainerDefinitions"]:
            group = container.get("LogConfiguration", {}).get("Options", {}).get("awslogs-group")
            if _ref_name(group) not in groups:
                problems.append(f"{name}/{container['Name']}: logs to no log group of this template")
    return problems


def database_secret_problems(template: Template) -> list[str]:
    """The Aurora master password comes from Secrets Manager (a dynamic reference), never a literal."""
    problems = []
    for name, cluster in resources(template, "AWS::RDS::DBCluster").items():
        password = json.dumps(cluster["Properties"].get("MasterUserPassword", ""))
        if "{{resolve:secretsmanager:" not in password:
            problems.append(f"{name}: MasterUserPassword is not a Secrets Manager reference")
    return problems


def secret_problems(path: str, text: str) -> list[str]:
    """Secrets written into a generated file (keys, private keys, literal passwords)."""
    return [f"{path}: {what}" for what, pattern in SECRET_PATTERNS.items() if pattern.search(text)]


def cors_problems(template: Template) -> list[str]:
    """No bucket or HTTP API lets every origin in (`*`): browsers may call only from the front end's origin."""
    problems = []
    for name, bucket in resources(template, "AWS::S3::Bucket").items():
        for rule in bucket.get("Properties", {}).get("CorsConfiguration", {}).get("CorsRules", []):
            if "*" in rule.get("AllowedOrigins", []):
                problems.append(f"{name}: CORS allows every origin")
    for name, api in resources(template, "AWS::ApiGatewayV2::Api").items():
        if "*" in api.get("Properties", {}).get("CorsConfiguration", {}).get("AllowOrigins", []):
            problems.append(f"{name}: CORS allows every origin")
    return problems


def security_problems(template: Template, *, health_path: str, has_api_gateway: bool) -> list[str]:
    """All template-level security checks."""
    problems = bucket_problems(template) + iam_problems(template) + tls_problems(template) + cors_problems(template)
    problems += log_problems(template) + database_secret_problems(template)
    if has_api_gateway:
        problems += auth_problems(template, health_path)
    return problems
