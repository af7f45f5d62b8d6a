from pathlib import Path

import pytest

from indicators.domain.settings import SETTINGS, setting

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


@pytest.mark.parametrize("name", [s.name for s in SETTINGS])
def test_every_setting_is_documented_in_the_readme(name: str) -> None:
    assert f"| {name} |" in README


def test_environment_overrides_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPD_MAX_UPLOAD_MB", "3")
    assert setting("MAX_UPLOAD_MB") == "3"


def test_unknown_setting_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="STORE_DIR"):
        setting("NOPE")
