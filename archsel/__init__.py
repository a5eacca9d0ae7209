"""archsel: choose between API Gateway + Lambda and ALB + ECS Fargate by simulating the workload."""

__version__ = "0.1.0"
