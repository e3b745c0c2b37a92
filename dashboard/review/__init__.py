"""The monthly review for leadership: attainment, pace, forecast, funnel against targets, KPI scorecard and headlines (the Monthly review page, the `review` and `report` commands)."""
