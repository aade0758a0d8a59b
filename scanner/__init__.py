"""kbscan: hotfix/KB compliance scanner for Windows Server Hyper-V and Failover Clustering fleets."""

__version__ = "0.1.0"
