"""Follow-up compliance: was every lead handed to sales worked as the SLA says (the Follow-up compliance page, the `compliance` command)."""
