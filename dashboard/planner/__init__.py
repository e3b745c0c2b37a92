"""The planner: the reverse funnel from a revenue target to the volume each stage needs (the Planner page, the `planner` command)."""
