"""Access: the audit log of who signed in, which page they viewed and what they downloaded, under
which scope (`log.py`), and the `audit` command that reads it (`cli.py`). Roles and scopes
themselves are core (`dashboard/core/access.py`) and applied by the data layer (`dashboard/data/scope.py`)."""
