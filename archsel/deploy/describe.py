"""One line of plain words per CloudFormation resource type, for the change-set table."""

from __future__ import annotations

DESCRIPTIONS: dict[str, str] = {
    "AWS::Serverless::Function": "Lambda function (SAM)",
    "AWS::Serverless::Api": "REST API (SAM)",
    "AWS::Serverless::HttpApi": "HTTP API (SAM)",
    "AWS::Serverless::SimpleTable": "DynamoDB table (SAM)",
    "AWS::Lambda::Function": "Lambda function: runs the API's code",
    "AWS::Lambda::Permission": "lets a service (API Gateway, S3 ...) invoke the function",
    "AWS::Lambda::Version": "immutable published version of the function",
    "AWS::Lambda::Alias": "named pointer to a function version (provisioned concurrency lives here)",
    "AWS::Lambda::CapacityProvider": "Lambda Managed Instances: the EC2 fleet Lambda runs the function on",
    "AWS::Lambda::LayerVersion": "Lambda layer: shared code or libraries",
    "AWS::Lambda::EventSourceMapping": "feeds a queue or stream into the function",
    "AWS::ApiGatewayV2::Api": "HTTP API: the public endpoint",
    "AWS::ApiGatewayV2::Stage": "HTTP API stage (where requests land)",
    "AWS::ApiGatewayV2::Route": "HTTP API route",
    "AWS::ApiGatewayV2::Integration": "connects an HTTP API route to its backend",
    "AWS::ApiGatewayV2::Authorizer": "HTTP API authorizer (checks tokens)",
    "AWS::ApiGateway::RestApi": "REST API: the public endpoint",
    "AWS::ApiGateway::Deployment": "REST API deployment snapshot",
    "AWS::ApiGateway::Stage": "REST API stage (where requests land)",
    "AWS::ApiGateway::Authorizer": "REST API authorizer (checks tokens)",
    "AWS::DynamoDB::Table": "DynamoDB table: holds the app's data",
    "AWS::S3::Bucket": "S3 bucket: stores files",
    "AWS::S3::BucketPolicy": "who may read or write the bucket",
    "AWS::IAM::Role": "IAM role: what the code is allowed to do",
    "AWS::IAM::Policy": "IAM permissions attached to a role",
    "AWS::IAM::ManagedPolicy": "reusable IAM permissions",
    "AWS::Logs::LogGroup": "CloudWatch log group (with retention)",
    "AWS::Cognito::UserPool": "Cognito user pool: sign-up and sign-in",
    "AWS::Cognito::UserPoolClient": "app client of the user pool",
    "AWS::Cognito::UserPoolDomain": "hosted sign-in domain",
    "AWS::CloudFront::Distribution": "CloudFront CDN in front of the site",
    "AWS::CloudFront::OriginAccessControl": "lets CloudFront read the private bucket",
    "AWS::CertificateManager::Certificate": "TLS certificate (ACM)",
    "AWS::ECS::Cluster": "ECS cluster: groups the Fargate tasks",
    "AWS::ECS::TaskDefinition": "task definition: container image, CPU and memory",
    "AWS::ECS::Service": "ECS service: keeps the tasks running behind the load balancer",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "Application Load Balancer: the public endpoint",
    "AWS::ElasticLoadBalancingV2::Listener": "load balancer listener (port and protocol)",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "target group: the tasks behind the load balancer",
    "AWS::ElasticLoadBalancingV2::ListenerRule": "load balancer routing rule",
    "AWS::ApplicationAutoScaling::ScalableTarget": "what autoscaling may scale, between min and max",
    "AWS::ApplicationAutoScaling::ScalingPolicy": "autoscaling rule (target tracking or step scaling)",
    "AWS::EC2::VPC": "private network (VPC)",
    "AWS::EC2::Subnet": "subnet of the VPC",
    "AWS::EC2::SecurityGroup": "firewall rules",
    "AWS::EC2::SecurityGroupIngress": "firewall rule (inbound)",
    "AWS::EC2::InternetGateway": "internet access for public subnets",
    "AWS::EC2::VPCGatewayAttachment": "attaches the internet gateway to the VPC",
    "AWS::EC2::NatGateway": "NAT gateway: outbound internet for private subnets (hourly charge)",
    "AWS::EC2::EIP": "public IPv4 address (hourly charge)",
    "AWS::EC2::RouteTable": "route table",
    "AWS::EC2::Route": "network route",
    "AWS::EC2::SubnetRouteTableAssociation": "attaches a route table to a subnet",
    "AWS::EC2::VPCEndpoint": "private connection to an AWS service (VPC endpoint)",
    "AWS::RDS::DBCluster": "Aurora database cluster",
    "AWS::RDS::DBInstance": "database instance",
    "AWS::RDS::DBSubnetGroup": "subnets the database may use",
    "AWS::RDS::DBProxy": "RDS Proxy: pools database connections",
    "AWS::RDS::DBProxyTargetGroup": "what the RDS Proxy connects to",
    "AWS::SecretsManager::Secret": "secret (database credentials)",
    "AWS::SQS::Queue": "SQS queue",
    "AWS::SNS::Topic": "SNS topic",
    "AWS::Events::Rule": "EventBridge rule (schedule or event pattern)",
    "AWS::CloudWatch::Alarm": "CloudWatch alarm",
    "AWS::ECR::Repository": "container image repository",
    "AWS::EFS::FileSystem": "EFS file system",
    "AWS::SSM::Parameter": "configuration value in Parameter Store",
    "AWS::CloudFormation::Stack": "nested stack",
    "AWS::CDK::Metadata": "CDK version metadata (no cost)",
}

DATA_TYPES = frozenset(
    {
        "AWS::S3::Bucket",
        "AWS::DynamoDB::Table",
        "AWS::RDS::DBCluster",
        "AWS::RDS::DBInstance",
        "AWS::EFS::FileSystem",
        "AWS::SecretsManager::Secret",
        "AWS::Cognito::UserPool",
    }
)
"""Resources that hold data a person would not want deleted by accident (--keep-data keeps them)."""


def describe(resource_type: str) -> str:
    """One line saying what a resource of this type is; the service name for types not listed."""
    known = DESCRIPTIONS.get(resource_type)
    if known is not None:
        return known
    if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
        return "custom resource (runs a function during deploys)"
    parts = resource_type.split("::")
    return f"{parts[1]} {parts[2]}" if len(parts) == 3 else resource_type
