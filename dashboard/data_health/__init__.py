"""Data health: the extracts and the SLA config checked against the contract (the Data health page, the `validate` command)."""
