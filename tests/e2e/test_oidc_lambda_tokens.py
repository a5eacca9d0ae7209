"""auth.provider oidc on Lambda: tokens signed by keys made here, checked as API Gateway would, reach the handler.

On Lambda the scaffolded handler never sees a raw token: the HTTP API's JWT authorizer checks it
first and hands the function only the claims (``requestContext.authorizer.jwt.claims``, payload
2.0). There is no real API Gateway here, so tests/e2e/http_api_gateway.py stands in for it: it is
NOT API Gateway, but an implementation of the checks AWS documents for HTTP API JWT authorizers
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html), fed
with the routes, issuer and audience read from the scaffolded template (rendered SAM, and the
synthesized CDK stack when the CDK and Node.js are installed). The issuer's discovery document
and JWKS are served on 127.0.0.1 (the issuer's https origin resolves there, as a hosts entry
would); keys and tokens are made with PyJWT. The handler is imported from the scaffolded project
and called with the event, as the Lambda runtime calls it.
"""

from __future__ import annotations

import http.server
import importlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from archsel.profile.architecture import Architecture
from archsel.profile.loader import parse_profile
from archsel.scaffold.design import design_from_profile
from tests.e2e.cfn_tools import render_design, sam_transform, write_files
from tests.e2e.designs import OIDC_LAMBDA
from tests.e2e.http_api_gateway import HttpApi, Route, routes_from_cdk, routes_from_sam

ISSUER = "https://example.okta.com/oauth2/default"
KID = "archsel-test-key"


# ----------------------------------------------------------------------------- the identity provider


class _Provider(http.server.BaseHTTPRequestHandler):
    documents: Mapping[str, Mapping[str, Any]] = {}

    def do_GET(self) -> None:
        document = self.documents.get(self.path)
        data = json.dumps(document or {"error": "not found"}).encode()
        self.send_response(200 if document is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def intruder() -> rsa.RSAPrivateKey:
    """A key the issuer never published."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def fetch_json(signing_key: rsa.RSAPrivateKey) -> Iterator[Callable[[str], Mapping[str, Any]]]:
    """GET of a JSON document, with the issuer's https origin resolved to the provider on 127.0.0.1."""
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key(), as_dict=True) | {
        "kid": KID,
        "use": "sig",
        "alg": "RS256",
    }
    path = "/oauth2/default"
    documents = {
        f"{path}/.well-known/openid-configuration": {"issuer": ISSUER, "jwks_uri": f"{ISSUER}/v1/keys"},
        f"{path}/v1/keys": {"keys": [jwk]},
    }
    handler = type("Provider", (_Provider,), {"documents": documents})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    local = f"http://127.0.0.1:{server.server_address[1]}"

    def fetch(url: str) -> Mapping[str, Any]:
        assert url.startswith("https://example.okta.com/"), url  # nothing leaves this machine
        with urllib.request.urlopen(url.replace("https://example.okta.com", local), timeout=5) as response:
            document: Mapping[str, Any] = json.load(response)
        return document

    yield fetch
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _token(key: rsa.RSAPrivateKey, kid: str = KID, **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": "api://orders", "sub": "user-42", "iat": now - 5, "exp": now + 300} | claims
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, key, algorithm="RS256", headers={"kid": kid})


# ----------------------------------------------------------------------------- the scaffolded project


def _sam_routes(project: Path) -> tuple[Route, ...]:
    return routes_from_sam(sam_transform((project / "template.yaml").read_text(encoding="utf-8"), "us-east-1"))


def _cdk_routes(project: Path) -> tuple[Route, ...]:
    pytest.importorskip("aws_cdk", reason="install the cdk extra: pip install -e '.[cdk]'")
    if shutil.which("node") is None:
        pytest.skip("the CDK needs Node.js")
    environment = {
        **os.environ,
        "CDK_CONTEXT_JSON": json.dumps({"aws:cdk:bundling-stacks": []}),
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    }
    run = subprocess.run(
        [sys.executable, "app.py"], cwd=project, env=environment, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    (stack,) = (project / "cdk.out").glob("*.template.json")
    return routes_from_cdk(json.loads(stack.read_text(encoding="utf-8")))


READ_ROUTES = {"lambda-sam": _sam_routes, "lambda-cdk": _cdk_routes}


@pytest.fixture(scope="module", params=["lambda-sam", pytest.param("lambda-cdk", marks=pytest.mark.slow)])
def scaffolded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, tuple[Route, ...]]:
    """The scaffolded project of each Lambda set and the routes its template declares (one synth per set)."""
    set_name = str(request.param)
    design = design_from_profile(parse_profile(OIDC_LAMBDA), Architecture.LAMBDA)
    project = write_files(render_design(design, set_name), tmp_path_factory.mktemp(set_name))
    return project, READ_ROUTES[set_name](project)


@pytest.fixture
def gateway(
    scaffolded: tuple[Path, tuple[Route, ...]],
    monkeypatch: pytest.MonkeyPatch,
    fetch_json: Callable[[str], Mapping[str, Any]],
) -> Iterator[HttpApi]:
    """The scaffolded handler behind the stand-in HTTP API, routes and authorizer read from the template."""
    project, routes = scaffolded
    # the function's own code, imported from the project as the runtime does (its items in memory)
    for name in ("DB_KIND", "TABLE_NAME", "UPLOADS_BUCKET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.syspath_prepend(str(project / "src"))
    try:
        handler = importlib.import_module("handler")
        yield HttpApi(routes, handler.handler, fetch_json)
    finally:
        for name in [n for n in sys.modules if n in {"handler", "app"} or n.startswith("app.")]:
            del sys.modules[name]


def test_the_template_declares_the_authorizer_the_stand_in_applies(gateway: HttpApi) -> None:
    guarded = {r.key: r.authorizer for r in gateway.routes}
    assert guarded["GET /health"] is None
    for key in ("GET /items", "POST /items", "GET /items/{id}", "DELETE /items/{id}"):
        authorizer = guarded[key]
        assert authorizer is not None and authorizer.issuer == ISSUER
        assert authorizer.audience == ("api://orders", "orders-spa")
        assert authorizer.identity_source == "$request.header.Authorization"


def test_a_valid_token_reaches_the_handler_which_scopes_items_to_the_callers_sub(
    gateway: HttpApi, signing_key: rsa.RSAPrivateKey
) -> None:
    alice = {"Authorization": "Bearer " + _token(signing_key)}
    created = gateway.request("POST", "/items", headers=alice, body='{"order": 1}')
    assert created["statusCode"] == 201, created
    item_id = json.loads(created["body"])["id"]
    assert gateway.invocations[-1]["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] == "user-42"
    # the token alone (no Bearer), and a client_id instead of aud, are accepted as AWS documents
    mine = gateway.request("GET", f"/items/{item_id}", headers={"Authorization": _token(signing_key)})
    assert json.loads(mine["body"])["data"] == {"order": 1}
    bob = _token(signing_key, sub="user-7", aud=None, client_id="orders-spa")
    theirs = gateway.request("GET", "/items", headers={"Authorization": f"Bearer {bob}"})
    assert theirs["statusCode"] == 200 and json.loads(theirs["body"])["items"] == []
    assert gateway.request("GET", f"/items/{item_id}", headers={"Authorization": f"Bearer {bob}"})["statusCode"] == 404
    assert gateway.request("GET", "/health")["statusCode"] == 200  # the public route needs no token


REJECTIONS = {
    "wrong key": "Signature verification failed",
    "unknown kid": "no key 'another-key' in the issuer's JWKS",
    "wrong audience": "does not have a valid audience",
    "client_id beside a wrong aud": "does not have a valid audience",
    "wrong issuer": "Invalid issuer",
    "expired": "has expired",
    "not yet valid": "nbf is in the future",
    "HS256, not RSA-based": "algorithm 'HS256' is not RSA-based",
    "no token": "no token in $request.header.Authorization",
}
"""Each invalid token and the reason the stand-in must give (so each is refused for its own fault)."""


@pytest.mark.parametrize("case", sorted(REJECTIONS))
def test_an_invalid_token_is_rejected_with_401_and_never_reaches_the_handler(
    gateway: HttpApi, signing_key: rsa.RSAPrivateKey, intruder: rsa.RSAPrivateKey, case: str
) -> None:
    now = int(time.time())
    tokens = {
        "wrong key": _token(intruder),
        "unknown kid": _token(signing_key, kid="another-key"),
        "wrong audience": _token(signing_key, aud="api://payments"),
        "client_id beside a wrong aud": _token(signing_key, aud="api://payments", client_id="orders-spa"),
        "wrong issuer": _token(signing_key, iss="https://evil.example.com/oauth2/default"),
        "expired": _token(signing_key, iat=now - 7200, exp=now - 3600),
        "not yet valid": _token(signing_key, nbf=now + 3600),
        "HS256, not RSA-based": jwt.encode(
            {"iss": ISSUER, "aud": "api://orders", "sub": "user-42", "exp": now + 300},
            "a shared secret of 32 bytes or more, not an RSA key",
            algorithm="HS256",
            headers={"kid": KID},
        ),
        "no token": "",
    }
    headers = {"Authorization": f"Bearer {tokens[case]}"} if tokens[case] else {}
    response = gateway.request("GET", "/items", headers=headers)
    assert response["statusCode"] == 401
    assert json.loads(response["body"]) == {"message": "Unauthorized"}
    challenge = response["headers"]["www-authenticate"]
    assert 'error="invalid_token"' in challenge and REJECTIONS[case] in challenge
    assert gateway.invocations == []
