"""The data layer: the user's extracts read through the config's mapping into contract views on one
sandboxed connection, the SQL files of `queries/` run with bound parameters, and the catalog of what
the extracts track. Features import it as `from dashboard.data import Database, ...`."""

from dashboard.data.database import *  # noqa: F401,F403
