"""The security checks themselves: each catches the problem it names on a small hand-written template."""

from __future__ import annotations

import copy
from typing import Any

from tests.e2e.cfn_checks import (
    auth_problems,
    bucket_problems,
    iam_problems,
    log_problems,
    secret_problems,
    tls_problems,
)

GOOD_BUCKET: dict[str, Any] = {
    "Resources": {
        "B": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "PublicAccessBlockConfiguration": dict.fromkeys(
                    ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
                ),
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
                },
            },
        },
        "P": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "B"},
                "PolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": "*",
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ]
                },
            },
        },
    }
}


def test_bucket_check() -> None:
    assert bucket_problems(GOOD_BUCKET) == []
    public = copy.deepcopy(GOOD_BUCKET)
    public["Resources"]["B"]["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] = False
    del public["Resources"]["B"]["Properties"]["BucketEncryption"]
    del public["Resources"]["P"]
    assert len(bucket_problems(public)) == 3


def test_wildcard_iam_check() -> None:
    def role(statement: dict[str, Any]) -> dict[str, Any]:
        document = {"Statement": [statement]}
        return {
            "Resources": {
                "R": {
                    "Type": "AWS::IAM::Role",
                    "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": document}]},
                }
            }
        }

    assert iam_problems(role({"Effect": "Allow", "Action": "*", "Resource": "*"})) == ["R: * on *"]
    assert iam_problems(role({"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"]})) == ["R: s3:* on *"]
    assert iam_problems(role({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})) == []
    assert iam_problems(role({"Effect": "Deny", "Action": "*", "Resource": "*"})) == []
    assert iam_problems(GOOD_BUCKET) == []  # the TLS deny-all is a Deny


def test_route_auth_check_on_cdk_style_routes() -> None:
    def routes(health: str, items: str) -> dict[str, Any]:
        return {
            "Resources": {
                "A": {"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": {}},
                "H": {
                    "Type": "AWS::ApiGatewayV2::Route",
                    "Properties": {"RouteKey": "GET /health", "AuthorizationType": health},
                },
                "I": {
                    "Type": "AWS::ApiGatewayV2::Route",
                    "Properties": {"RouteKey": "GET /items", "AuthorizationType": items, "AuthorizerId": {"Ref": "A"}},
                },
                "O": {
                    "Type": "AWS::ApiGatewayV2::Route",
                    "Properties": {"RouteKey": "OPTIONS /items", "AuthorizationType": "NONE"},
                },
            }
        }

    assert auth_problems(routes("NONE", "JWT"), "/health") == []
    assert auth_problems(routes("NONE", "NONE"), "/health") == [
        "GET /items: not protected by the Cognito authorizer (NONE)"
    ]
    assert auth_problems({"Resources": {}}, "/health") == ["no API routes found"]


def test_tls_and_log_checks() -> None:
    template = {
        "Resources": {
            "D": {
                "Type": "AWS::CloudFront::Distribution",
                "Properties": {"DistributionConfig": {"DefaultCacheBehavior": {"ViewerProtocolPolicy": "allow-all"}}},
            },
            "X": {"Type": "AWS::RDS::DBProxy", "Properties": {"RequireTLS": False}},
            "L": {"Type": "AWS::Logs::LogGroup", "Properties": {}},
            "F": {"Type": "AWS::Lambda::Function", "Properties": {}},
        }
    }
    assert len(tls_problems(template)) == 2
    assert len(log_problems(template)) == 2


def test_secret_scan() -> None:
    assert secret_problems("a.py", 'password = "hunter2hunter2"') == ["a.py: literal password"]
    assert secret_problems("k", "-----BEGIN RSA PRIVATE KEY-----") == ["k: private key"]
    assert secret_problems("c", "AKIAABCDEFGHIJKLMNOP") == ["c: AWS access key id"]
    assert (
        secret_problems("t.yaml", "MasterUserPassword: !Sub '{{resolve:secretsmanager:${S}:SecretString:password}}'")
        == []
    )
