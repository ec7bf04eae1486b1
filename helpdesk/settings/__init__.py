"""Settings live in `main` (read from the environment) and `test` (the suite's overrides)."""
