from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.test import Client

from core.zones import zone_choices, zone_label
from couples.models import User

WINTER = datetime(2026, 12, 6, 12, tzinfo=UTC)
SUMMER = datetime(2026, 7, 6, 12, tzinfo=UTC)


def test_a_zone_reads_as_its_city_and_its_offset_that_day() -> None:
    assert zone_label("Europe/London", WINTER) == "London (GMT+0)"
    assert zone_label("Europe/London", SUMMER) == "London (GMT+1)"
    assert zone_label("America/New_York", WINTER) == "New York (GMT-5)"
    assert zone_label("Asia/Kolkata", WINTER) == "Kolkata (GMT+5:30)"
    assert zone_label("America/Indiana/Knox", WINTER) == "Knox, Indiana (GMT-6)"


@time_machine.travel(WINTER)
def test_zones_are_offered_by_region_without_old_aliases() -> None:
    choices = zone_choices()
    assert choices[0] == ("UTC", "UTC (GMT+0)")
    regions = {region: zones for region, zones in choices[1:] if isinstance(zones, list)}
    assert len(regions) == len(choices) - 1
    assert ("Europe/London", "London (GMT+0)") in regions["Europe"]
    offered = {name for zones in regions.values() for name, _label in zones}
    assert "Europe/Stockholm" in offered
    assert not offered & {"W-SU", "US/Eastern", "Etc/GMT+5", "Asia/Calcutta"}


@time_machine.travel(WINTER)
def test_a_zone_chosen_before_stays_offered_to_whoever_chose_it() -> None:
    assert zone_choices(keep="US/Eastern")[0] == ("US/Eastern", "Eastern (GMT-5)")


@time_machine.travel(WINTER)
def test_settings_show_the_zones_by_city_and_keep_the_stored_name(
    alice: User, alice_client: Client
) -> None:
    page = alice_client.get("/settings/").content.decode()
    assert '<optgroup label="Europe">' in page
    assert '<option value="Europe/London">London (GMT+0)</option>' in page
    assert "Etc/GMT+5" not in page
