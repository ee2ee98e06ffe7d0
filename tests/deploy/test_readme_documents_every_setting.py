"""Every environment variable marketagg/settings.py reads is in README.md's configuration, so a new
user learns of each knob; the few left out on purpose are listed here with the reason."""

import re

from tests.deploy.deployfiles import ROOT, settings_env_names

# Read by settings but deliberately not offered to users, each with why.
UNDOCUMENTED: set[str] = set()


def _readme_configuration() -> str:
    text = (ROOT / "README.md").read_text()
    assert "\n## Configuration\n" in text, "README.md has no Configuration section"
    return text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]


def test_the_settings_read_some_variables():
    # The parser must see the reads at all; an empty set would make the next test pass vacuously.
    assert {"DATABASE_URL", "REDIS_URL", "MARKETAGG_FEED_SHARD"} <= settings_env_names()


def test_readme_documents_every_setting():
    section = _readme_configuration()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", section))
    missing = sorted(settings_env_names() - UNDOCUMENTED - documented)
    assert not missing, f"settings read by marketagg/settings.py but not in README's Configuration: {missing}"


def test_the_allow_list_names_only_settings_still_read():
    stale = sorted(UNDOCUMENTED - settings_env_names())
    assert not stale, f"allow-listed but no longer read by settings (drop them from UNDOCUMENTED): {stale}"


def test_readme_documents_no_setting_that_is_not_read():
    section = _readme_configuration()
    documented = set(re.findall(r"`((?:MARKETAGG|DJANGO)_[A-Z0-9_]+)`", section))
    unread = sorted(documented - settings_env_names())
    assert not unread, f"README's Configuration documents variables settings never read: {unread}"
