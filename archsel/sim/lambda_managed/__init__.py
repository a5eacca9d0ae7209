"""API Gateway + Lambda Managed Instances simulator: multi-concurrent environments on a CPU-scaled EC2 fleet."""
