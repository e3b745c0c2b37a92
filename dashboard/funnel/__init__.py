"""The funnel: stage counts, conversion against the SLA's targets, revenue and days between stages (the Funnel page, the `funnel` command); its queries serve the other features too."""
