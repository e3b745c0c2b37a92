"""The shared core: the SLA config, the extract contract, the KPI catalogue, number formatting and the
parallel query runner. It imports nothing else from `dashboard`, so every layer above may use it."""
