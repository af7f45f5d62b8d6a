"""The server: the dashboard (``dashboard.py``) with the two routes that keep local accounts signed in.

``make run`` serves this file (``streamlit run app.py``); Streamlit finds the ``app`` below and serves the
dashboard with its usual settings (.streamlit/config.toml) plus the routes of ``ui/routes.py``, behind
``ui/origin.py``'s check that every WebSocket and request sent from a page comes from the app's own origin.
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.origin import SameOriginOnly
from ui.routes import ROUTES

app = st.App("dashboard.py", routes=ROUTES, middleware=[Middleware(SameOriginOnly)])
