"""A stand-in for an API Gateway HTTP API with a JWT authorizer, in front of a scaffolded Lambda handler.

There is no real API Gateway here, so tests of the Lambda side of `auth.provider: oidc` put this in
its place. It reads the routes and the authorizer's configuration (issuer, audience, identity
source, route scopes) from the rendered SAM template or the synthesized CDK template, authorizes
each request by the rules AWS documents for HTTP API JWT authorizers
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html), and
only then invokes the handler with an HTTP API payload 2.0 event whose
``requestContext.authorizer.jwt`` carries the claims and scopes, as the Lambda runtime would:

1. the token is the identity source's value, alone or after ``Bearer ``;
2. the key is the one whose ``kid`` the token names, from the ``jwks_uri`` of the issuer's OpenID
   discovery document (``{issuer}/.well-known/openid-configuration``);
3. the algorithm is RSA-based (RS256, RS384, RS512) and the signature verifies with that key;
4. ``iss`` equals the configured issuer; ``aud`` matches an audience entry, or, only when there is
   no ``aud``, ``client_id`` does; ``exp`` is after now; ``nbf`` and ``iat`` are before now;
5. when the route has authorization scopes, ``scope`` or ``scp`` holds at least one of them.

Anything else answers 401 ``{"message":"Unauthorized"}`` with a ``www-authenticate`` header, and
the handler is not invoked. PyJWT does the signature and time checks; the rest is written out here.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt

RSA_ALGORITHMS = ("RS256", "RS384", "RS512")
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
JsonFetcher = Callable[[str], Mapping[str, Any]]
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class JwtAuthorizer:
    """One JWT authorizer's configuration, as the template declares it."""

    issuer: str
    audience: tuple[str, ...]
    identity_source: str = "$request.header.Authorization"


@dataclass(frozen=True)
class Route:
    """One route: ``GET /items/{id}``, its authorizer (None: open) and its authorization scopes."""

    method: str
    path: str
    authorizer: JwtAuthorizer | None
    scopes: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def parameters(self, method: str, path: str) -> dict[str, str] | None:
        """The path parameters when this route answers ``method path``, else None."""
        if self.method not in {method, "ANY"}:
            return None
        pattern = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(self.path))
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", pattern)
        match = re.fullmatch(pattern, path)
        return None if match is None else match.groupdict()


# ----------------------------------------------------------------------------- reading templates


def routes_from_sam(template: Mapping[str, Any]) -> tuple[Route, ...]:
    """Routes of the (transformed) SAM template's HTTP API: its OpenAPI body and security schemes."""
    (api,) = (r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::ApiGatewayV2::Api")
    body = api["Body"]
    schemes = body.get("components", {}).get("securitySchemes", {})
    authorizers = {
        name: _authorizer(scheme["x-amazon-apigateway-authorizer"])
        for name, scheme in schemes.items()
        if scheme.get("x-amazon-apigateway-authorizer", {}).get("type") == "jwt"
    }
    routes = []
    for path, operations in body["paths"].items():
        for operation, spec in operations.items():
            method = "ANY" if operation == "x-amazon-apigateway-any-method" else operation.upper()
            if operation not in HTTP_METHODS and method != "ANY":
                continue
            requirement = next(iter(spec.get("security") or [{}]), {})
            name = next((n for n in requirement if n in authorizers), None)
            scopes = tuple(requirement.get(name, ())) if name else ()
            routes.append(Route(method, path, authorizers.get(name) if name else None, scopes))
    return tuple(routes)


def _authorizer(extension: Mapping[str, Any]) -> JwtAuthorizer:
    config = extension["jwtConfiguration"]
    return JwtAuthorizer(str(config["issuer"]), tuple(config["audience"]), str(extension["identitySource"]))


def routes_from_cdk(template: Mapping[str, Any]) -> tuple[Route, ...]:
    """Routes of a synthesized CDK template: AWS::ApiGatewayV2::Route and ::Authorizer resources."""
    resources = template["Resources"]
    authorizers = {
        logical_id: JwtAuthorizer(
            str(r["Properties"]["JwtConfiguration"]["Issuer"]),
            tuple(r["Properties"]["JwtConfiguration"]["Audience"]),
            str(r["Properties"]["IdentitySource"][0]),
        )
        for logical_id, r in resources.items()
        if r["Type"] == "AWS::ApiGatewayV2::Authorizer" and r["Properties"]["AuthorizerType"] == "JWT"
    }
    routes = []
    for r in resources.values():
        if r["Type"] != "AWS::ApiGatewayV2::Route":
            continue
        properties = r["Properties"]
        method, path = str(properties["RouteKey"]).split(" ", 1)
        authorizer = None
        if properties.get("AuthorizationType") == "JWT":
            authorizer = authorizers[properties["AuthorizerId"]["Ref"]]
        routes.append(Route(method, path, authorizer, tuple(properties.get("AuthorizationScopes", ()))))
    return tuple(routes)


# ----------------------------------------------------------------------------- the authorizer


class Unauthorized(Exception):
    """A request the authorizer rejects; the message is the www-authenticate error description."""


def authorize(
    route: Route, authorizer: JwtAuthorizer, headers: Mapping[str, str], fetch_json: JsonFetcher, now: float
) -> dict[str, Any]:
    """The token's claims when AWS's documented checks all pass; raises Unauthorized otherwise."""
    token = _token(authorizer.identity_source, headers)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise Unauthorized(f"the token is not a JWT ({error})") from error
    if header.get("alg") not in RSA_ALGORITHMS:
        raise Unauthorized(f"the token's algorithm {header.get('alg')!r} is not RSA-based")
    key = _signing_key(authorizer.issuer, str(header.get("kid", "")), fetch_json)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=list(RSA_ALGORITHMS),
            issuer=authorizer.issuer,
            options={"verify_aud": False, "verify_iat": False, "verify_exp": False, "verify_nbf": False},
        )
    except jwt.PyJWTError as error:
        raise Unauthorized(f"the token does not verify: {error}") from error
    _check_audience(claims, authorizer.audience)
    _check_times(claims, now)
    _check_scopes(claims, route.scopes)
    return claims


def _token(identity_source: str, headers: Mapping[str, str]) -> str:
    name = identity_source.removeprefix("$request.header.").lower()
    value = {k.lower(): v for k, v in headers.items()}.get(name, "").strip()
    scheme, _, rest = value.partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else value
    if not token:
        raise Unauthorized(f"no token in {identity_source}")
    return token


def _signing_key(issuer: str, kid: str, fetch_json: JsonFetcher) -> Any:
    discovery = fetch_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    keys = jwt.PyJWKSet.from_dict(dict(fetch_json(str(discovery["jwks_uri"]))))
    match = next((k for k in keys.keys if k.key_id == kid), None)
    if match is None:
        raise Unauthorized(f"no key {kid!r} in the issuer's JWKS")
    return match.key


def _check_audience(claims: Mapping[str, Any], audience: tuple[str, ...]) -> None:
    # aud wins when present; client_id is read only when there is no aud
    if "aud" in claims:
        given = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    else:
        given = [claims.get("client_id")]
    if not any(value in audience for value in given):
        raise Unauthorized("the token does not have a valid audience")


def _check_times(claims: Mapping[str, Any], now: float) -> None:
    if "exp" in claims and not float(claims["exp"]) > now:
        raise Unauthorized("the token has expired")
    for name in ("nbf", "iat"):
        if name in claims and not float(claims[name]) <= now:
            raise Unauthorized(f"the token's {name} is in the future")


def _check_scopes(claims: Mapping[str, Any], required: tuple[str, ...]) -> None:
    if not required:
        return
    raw = claims.get("scope", claims.get("scp", ""))
    held = set(raw.split() if isinstance(raw, str) else raw)
    if not held & set(required):
        raise Unauthorized(f"the token has none of the route's scopes {list(required)}")


# ----------------------------------------------------------------------------- the gateway


@dataclass
class HttpApi:
    """Routes requests to ``handler`` through the authorizer; ``invocations`` lists the events it got."""

    routes: tuple[Route, ...]
    handler: Handler
    fetch_json: JsonFetcher
    clock: Callable[[], float] = time.time
    invocations: list[dict[str, Any]] = field(default_factory=list)

    def request(
        self, method: str, path: str, *, headers: Mapping[str, str] | None = None, body: str = ""
    ) -> dict[str, Any]:
        """The response a client would get (statusCode, headers, body)."""
        headers = dict(headers or {})
        found = self._route(method, path)
        if found is None:
            return {"statusCode": 404, "headers": {}, "body": json.dumps({"message": "Not Found"})}
        route, parameters = found
        authorizer: dict[str, Any] = {}
        if route.authorizer is not None:
            try:
                claims = authorize(route, route.authorizer, headers, self.fetch_json, self.clock())
            except Unauthorized as error:
                return _unauthorized(str(error))
            authorizer = {"jwt": {"claims": _as_gateway_strings(claims), "scopes": list(route.scopes) or None}}
        event = _event(route, method, path, parameters, headers, body, authorizer)
        self.invocations.append(event)
        return self.handler(event, None)

    def _route(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        # a method's own route wins over ANY, a literal path over one with parameters
        ranked = sorted(self.routes, key=lambda r: (r.method == "ANY", r.path.count("{")))
        for route in ranked:
            parameters = route.parameters(method, path)
            if parameters is not None:
                return route, parameters
        return None


def _as_gateway_strings(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims as payload 2.0 passes them: every value a string (a list as ``[a b]``)."""
    return {
        k: v if isinstance(v, str) else f"[{' '.join(map(str, v))}]" if isinstance(v, list) else str(v)
        for k, v in claims.items()
    }


def _event(
    route: Route,
    method: str,
    path: str,
    parameters: dict[str, str],
    headers: Mapping[str, str],
    body: str,
    authorizer: dict[str, Any],
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"},
        "routeKey": route.key,
        "stage": "$default",
    }
    if authorizer:
        context["authorizer"] = authorizer
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": path,
        "rawQueryString": "",
        "headers": {k.lower(): v for k, v in headers.items()},
        "requestContext": context,
        "body": body,
        "isBase64Encoded": False,
    }
    if parameters:
        event["pathParameters"] = parameters
    return event


def _unauthorized(reason: str) -> dict[str, Any]:
    return {
        "statusCode": 401,
        "headers": {"www-authenticate": f'Bearer scope="" error="invalid_token" error_description="{reason}"'},
        "body": json.dumps({"message": "Unauthorized"}),
    }
