"""The app's pages, one file per page, layout only; ``dashboard.py`` routes to them with ``st.navigation``."""
