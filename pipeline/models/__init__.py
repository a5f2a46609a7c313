"""Small learned components shipped with the package (artifacts beside their code)."""
