"""Facts built once per data version for the pages to read: hand-off facts (follow-up of every
lead handed to sales) and daily stage counts. The store is `dashboard/data/facts.py`."""
