"""The one county parser (domain.places.county_of), used by campaigns, the province
roll-up and the work list."""

from inspector_app.domain import places
from inspector_app.services import campaigns, province


def test_county_read_after_the_city():
    assert places.county_of("安徽省合肥市蜀山区长江路88号", "合肥市") == "蜀山区"
    assert places.county_of("安徽省合肥市肥西县上派镇", "合肥市") == "肥西县"


def test_county_without_the_city_after_province_and_city():
    assert places.county_of("安徽省六安市金安区人民路", "") == "金安区"
    assert places.county_of("内蒙古自治区呼和浩特市土默特左旗察素齐镇", "") == "土默特左旗"
    assert places.county_of("肥西县上派镇", "") == "肥西县"


def test_no_county_in_the_address():
    assert places.county_of("长江路12号", "合肥市") == ""
    assert places.county_of("", "") == ""
    assert places.county_of("合肥市长江路12号", "合肥市") == ""


def test_recorded_county_wins():
    assert places.county_of("安徽省合肥市蜀山区长江路", "合肥市", recorded="肥东县") == "肥东县"


def test_services_use_the_same_function():
    assert campaigns.county_of is places.county_of
    assert province.county_of is places.county_of
