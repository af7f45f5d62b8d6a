"""The Work plan page's view, without Streamlit: every beneficiary's plan and the whole programme's."""

from __future__ import annotations

from indicators.domain.schema import empty_programme
from indicators.present.views.workplan import Workplan, workplan_view
from ui.filters import beneficiary_options


def test_every_choice_of_the_demo(seeded_store_dir):
    from indicators.store import Store

    programme = Store(seeded_store_dir).approved()
    whole = workplan_view(programme, "ALL")
    assert isinstance(whole, Workplan) and whole.timeline is not None
    assert whole.delivery["planned"].sum() == len(programme.activities)
    for code in beneficiary_options(programme):
        plan = workplan_view(programme, code)
        mine = programme.activities[programme.activities["beneficiary"] == code]
        assert (plan.timeline is None) == mine.empty
        assert plan.delivery["planned"].sum() == len(mine)
        assert plan.carried.empty or set(plan.carried["beneficiary"]) == {code}


def test_a_programme_without_activities_draws_no_timeline():
    plan = workplan_view(empty_programme(), "ALL")
    assert plan.timeline is None and plan.delivery.empty and plan.carried.empty
