"""What every page shares: the health check, the anonymous page cache and its content version."""
