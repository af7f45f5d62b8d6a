"""The thin Streamlit-aware layer between ``pages/`` and ``indicators/``.

``data``: cached loads keyed on the store's data version; ``page_views``: each page's view, cached the same
way; ``view``: the role preview and the shared semester and beneficiary pickers kept in the URL; ``layout``:
headers, the Kosovo* footnote, figures with captions, metrics and flash messages; ``tables``: readable tables
and their column configurations; ``downloads``: files handed to the browser; ``upload_report``: what an upload
check found; ``style``: the app's CSS and how tall table rows must be for long texts to wrap (wide screens and
phones). Numbers are never computed here: they come from ``indicators/``.
"""
