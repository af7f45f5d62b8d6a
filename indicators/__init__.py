"""The core of the programme progress dashboard, laid out by stage; nothing here imports Streamlit.

``domain/`` (schemas, semesters, reference lists, problems, settings) is the ground; ``read/`` (bytes to
checked tables) and ``compute/`` (frames in, frames out) stand on it; ``present/`` (figures, exports, the
template) stands on compute; ``store.py`` (the versioned store) and ``ingest.py`` (upload → draft version,
and seeding the demo) orchestrate on top; ``demo.py`` builds the illustrative programme. The layers are a
contract checked by import-linter (``.importlinter``, run by ``tests/test_layers.py``).
"""
