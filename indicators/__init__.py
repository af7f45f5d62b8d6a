"""The core of the programme progress dashboard: periods, schemas, loading, storage and computations.

Nothing in this package imports Streamlit, so every number can be tested without a browser.
"""
