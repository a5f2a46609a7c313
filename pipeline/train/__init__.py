"""Training commands for the package's learned components (``make model``)."""
