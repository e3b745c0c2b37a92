"""The data layer: the user's extracts read through the config's mapping into contract views on one
sandboxed connection (`views.py`), the SQL files of `queries/` run with bound parameters on a fresh
cursor each (`database.py`, `sql.py`), the models built per data version (`models.py`), and the catalog
of what the extracts track (`catalog.py`). Features import it as `from dashboard.data import ...`."""

from dashboard.data.catalog import Catalog
from dashboard.data.database import Database, arrow_to_pandas, database_for, date_range_params, new_database
from dashboard.data.files import data_version, extract_bytes, files_for
from dashboard.data.problems import DataError, Problem
from dashboard.data.sql import QUERIES_DIR, load_query, query_parameters

__all__ = [
    "Catalog", "DataError", "Database", "Problem", "QUERIES_DIR", "arrow_to_pandas", "data_version",
    "database_for", "date_range_params", "extract_bytes", "files_for", "load_query", "new_database",
    "query_parameters",
]
