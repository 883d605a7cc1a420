"""aksdoctor: diagnose broken AKS workloads from the cluster and the Azure account, read-only."""

__version__ = "0.1.0"
