"""A link copied from the address bar reproduces the view: the semester and beneficiary chosen with the widgets."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from indicators.domain.periods import semester_label
from indicators.domain.reference import beneficiary_name
from tests.browser.conftest import App, assert_no_exception, goto, open_page, screenshot, sidebar_select, watch
from ui.filters import beneficiary_options, default_semester, semester_options

pytestmark = pytest.mark.browser


def chosen(page, label: str) -> str:
    """The option a sidebar selectbox shows as chosen (its combobox's text), by the box's label."""
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label, exact=True).input_value()


def test_copied_link_opens_the_same_view(app: App, page_urls, page, new_context) -> None:
    programme = app.store().approved()
    options = semester_options(programme)  # newest first: take the semester before the one shown by default
    semester = options[options.index(default_semester(programme)) + 1]
    beneficiary = beneficiary_options(programme)[-1]  # not the first, which the page shows by default
    assert beneficiary != beneficiary_options(programme)[0]

    open_page(page, page_urls, "Beneficiary")
    sidebar_select(page, "Semester", semester_label(semester))
    sidebar_select(page, "Beneficiary", beneficiary_name(beneficiary))
    copied = page.url
    query = parse_qs(urlparse(copied).query)
    assert query.get("semester") == [semester] and query.get("beneficiary") == [beneficiary], copied
    first = screenshot(page, "link-chosen")

    other = new_context().new_page()  # another person, another session, opening the pasted link
    other.console = watch(other)
    goto(other, copied)
    shot = screenshot(other, "link-opened")
    assert_no_exception(other)
    assert chosen(other, "Semester") == semester_label(semester), f"semester not kept ({first}, {shot})"
    assert chosen(other, "Beneficiary") == beneficiary_name(beneficiary), f"beneficiary not kept ({shot})"
    heading = other.locator('[data-testid="stMain"] h1').first.inner_text()
    assert beneficiary_name(beneficiary) in heading, f"heading {heading!r} ({shot})"
    assert f"Indicators, {semester_label(semester)}" in other.locator('[data-testid="stMain"]').inner_text(), shot
    assert parse_qs(urlparse(other.url).query) == query, f"the URL changed on opening: {other.url}"
    assert page.console.unexpected() == [] and other.console.unexpected() == []
