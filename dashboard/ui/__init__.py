"""Streamlit glue shared by the pages: the shared selection, cached queries and formatting."""
