"""Config loading: lookup order, defaults, the example file, and errors that name file and key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scanner.config import (
    DEFAULT_SOURCES,
    Config,
    Exemption,
    HostGroup,
    SourceConfig,
    find_config,
    load_config,
)
from scanner.errors import ConfigError
from scanner.models import Kind

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_loads_with_every_key(tmp_path: Path):
    config = load_config(REPO / "config.example.toml")
    assert config.state_dir == Path("/var/lib/kbscan")
    assert config.inventory.paths == (Path("/srv/kbscan/inventory"),)
    assert config.deferral.period.months == 1
    assert config.deferral.kinds == (Kind.UPDATE_ROLLUP, Kind.CUMULATIVE_UPDATE)
    assert config.schedule.scan == "15 minutes"
    assert [s.name for s in config.sources] == [s[0] for s in DEFAULT_SOURCES]
    assert config.hosts == (HostGroup("HV*", "ws2012", ("hyper-v", "failover-clustering"), "CLU1"),)
    assert config.exemptions == (Exemption("HV05", "KB2779069", date(2014, 6, 30), "vendor support case 1234"),)


def test_no_file_means_built_in_defaults_with_default_sources():
    config = load_config(None)
    assert config == Config()
    assert config.sources[0] == SourceConfig(*DEFAULT_SOURCES[0])
    assert config.max_inventory_age.delta.days == 7


def test_lookup_order_flag_then_environment_then_system(tmp_path: Path):
    assert find_config("a.toml", {"KBSCAN_CONFIG": "b.toml"}) == Path("a.toml")
    assert find_config(None, {"KBSCAN_CONFIG": "b.toml"}) == Path("b.toml")
    assert find_config(None, {}) in (None, Path("/etc/kbscan/config.toml"))


def test_reports_dir_follows_state_dir_unless_set(tmp_path: Path):
    config = load_config(write(tmp_path, 'state_dir = "/srv/state"\n'))
    assert config.reports_dir == Path("/srv/state/reports")


def test_approve_early_normalises_kb_ids(tmp_path: Path):
    config = load_config(write(tmp_path, '[deferral]\napprove_early = ["2903938", "kb2911101"]\n'))
    assert config.deferral.approve_early == ("KB2903938", "KB2911101")


def test_empty_sources_turns_scraping_off(tmp_path: Path):
    assert load_config(write(tmp_path, "sources = []\n")).sources == ()


@pytest.mark.parametrize(("text", "message"), [
    ('stat_dir = "/x"\n', "at 'stat_dir': unknown key"),
    ("max_inventory_age = 7\n", "at 'max_inventory_age': expected a duration string"),
    ('max_inventory_age = "a week"\n', "at 'max_inventory_age': not a duration: 'a week'"),
    ('[deferral]\nperiod = "1 fortnight"\n', "at 'deferral.period': not a duration"),
    ('[deferral]\nkinds = ["rollup"]\n', "at 'deferral.kinds': unknown value 'rollup'"),
    ('[deferral]\napprove_early = ["Q123456"]\n', "at 'deferral.approve_early': not a KB id: 'Q123456'"),
    ('[inventory]\npaths = "/srv"\n', "at 'inventory.paths': expected list"),
    ('[inventory]\nmax_bytes = -1\n', "at 'inventory.max_bytes': expected a positive whole number"),
    ('[[hosts]]\nmatch = "HV*"\nos = "ws2013"\n', "at 'hosts[0].os': unknown product 'ws2013'"),
    ('[[hosts]]\nmatch = "HV*"\nrole = ["hyper-v"]\n', "at 'hosts[0].role': unknown key"),
    ('[[exemptions]]\nhosts = "HV05"\nkb = "KB1234567"\nuntil = "30.06.2014"\nreason = "r"\n',
     "at 'exemptions[0].until': Invalid isoformat string"),
    ('[[sources]]\nname = "x"\nurl = "file:///etc/passwd"\n', "at 'sources[0].url': only http(s) URLs"),
    ('[[sources]]\nname = "x"\nurl = "http://a"\n[[sources]]\nname = "x"\nurl = "http://b"\n',
     "at 'sources': two [[sources]] share a name"),
    ('[http]\nretries = "3"\n', "at 'http.retries': expected int"),
])
def test_invalid_values_name_the_file_and_dotted_key(tmp_path: Path, text: str, message: str):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_broken_toml_and_missing_file_are_config_errors(tmp_path: Path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "state_dir = \n"))
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_host_group_glob_is_case_insensitive():
    group = HostGroup("hv*")
    assert group.matches("HV01") and not group.matches("CL01")


def test_http_deadline_defaults_takes_whole_seconds_and_is_in_the_example(tmp_path: Path):
    assert load_config(None).http.deadline == 300.0
    assert load_config(write(tmp_path, "[http]\ndeadline = 45\n")).http.deadline == 45.0
    assert load_config(REPO / "config.example.toml").http.deadline == 300.0


@pytest.mark.parametrize("value", ["0", "-1.5", '"2 minutes"', "true", "nan", "inf"])
def test_http_deadline_must_be_seconds_above_zero(tmp_path: Path, value: str):
    path = write(tmp_path, f"[http]\ndeadline = {value}\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: at 'http.deadline': expected a number of seconds greater than 0")
