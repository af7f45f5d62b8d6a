"""One view per page: a function named for what it returns takes the programme, the semester and the page's
choices and returns everything the page draws (sentences, frames made readable, figures, counts) as one frozen
value. Views never import Streamlit: they are tested on their own, and the sweep of every page and choice runs
on them (tests/test_views.py). The thin ``ui`` layer caches a view once per data version, view and language;
the page in ``pages/`` only lays it out.

Their texts are the interface's (catalogue ``interface``): the sentences a page shows, moved out of the page.
"""
