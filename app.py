"""The server: the dashboard (``dashboard.py``) with the two routes that keep local accounts signed in.

``make run`` serves this file (``streamlit run app.py``); Streamlit finds the ``app`` below and serves the
dashboard with its usual settings (.streamlit/config.toml) plus the routes of ``ui/routes.py``.
"""

import streamlit as st

from ui.routes import ROUTES

app = st.App("dashboard.py", routes=ROUTES)
