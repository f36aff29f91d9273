"""Code behind the example DAGs: plain Python, so it runs and is tested without a scheduler."""
