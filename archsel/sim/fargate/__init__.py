"""ALB + ECS on Fargate simulator: SimPy control plane (fleet, autoscaling) over a compiled data plane."""
