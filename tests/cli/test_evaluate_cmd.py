"""`inspector-app evaluate [FILE]`: JSON in, JSON out, JSON errors on stderr (docs/evaluate.md)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from inspector_app.cli.main import main

REQUEST = {
    "family": "fuel_dispenser",
    "check": "initial",
    "instrument": {"fuel": "gasoline"},
    "tests": [
        {
            "kind": "volume",
            "runs": [
                {
                    "indicated": "20.00",
                    "t_fuel": 24,
                    "t_can": 24,
                    "can": {
                        "nominal": "20.00",
                        "reference_mark": 66,
                        "neck_reading": 31,
                        "ml_per_mm": 2,
                        "material": "stainless_steel",
                    },
                }
            ],
        }
    ],
}


def write(tmp_path, text):
    path = tmp_path / "request.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_file_argument_writes_result_and_exits_0_even_on_fail(tmp_path, capsys):
    assert main(["evaluate", write(tmp_path, json.dumps(REQUEST))]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["verdict"] == "fail"
    assert result["tests"][0]["items"][0]["error"] == "0.331"
    assert err == ""


def test_stdin(monkeypatch, capsys):
    body = json.dumps(
        {
            "family": "pd_meter",
            "check": "initial",
            "instrument": {},
            "tests": [{"kind": "pd", "items": [{"reference": 65, "reading": 65.5}]}],
        }
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(body.encode())))
    assert main(["evaluate"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "pass"


def test_stdin_without_buffer(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"family": "x"}'))
    assert main(["evaluate", "-"]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["path"] == "family"


@pytest.mark.parametrize(
    "text, path",
    [
        (
            '{"family": "scale", "check": "initial", "instrument": {"accuracy_class": "III", "max": 15000, "e": 5, '
            '"unit": "g"}, "tests": [{"kind": "weighing", "points": [{"load": 1, "error": 0}, {"load": 20000, "error": 0}]}]}',
            "tests[0].points[1].load",
        ),
        ('{"family": "scale", "family": "scale"}', ""),
        ('{"a": NaN}', ""),
        ("not json", ""),
    ],
)
def test_invalid_input_is_json_on_stderr_exit_2(tmp_path, capsys, text, path):
    assert main(["evaluate", write(tmp_path, text)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    error = json.loads(err)["error"]
    assert error["path"] == path and error["message"]


def test_missing_file(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "nope.json")]) == 2
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["path"] == "" and "cannot read" in error["message"]


def test_subprocess_round_trip():
    proc = subprocess.run(
        [sys.executable, "-m", "inspector_app.cli.main", "evaluate"],
        input=json.dumps(REQUEST),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["tests"][0]["items"][0]["corrected_volume"] == "19.933986"
    bad = subprocess.run(
        [sys.executable, "-m", "inspector_app.cli.main", "evaluate"],
        input='{"family": "taxi"}',
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert bad.returncode == 2
    assert json.loads(bad.stderr)["error"]["path"] == "family"


def _fuel(**extra):
    return {
        "family": "fuel_dispenser",
        "check": "subsequent",
        "instrument": {"fuel": "gasoline"},
        "tests": [
            {"kind": "volume", "runs": [{"error": "0.10"}, {"error": "0"}, {"error": "-0.02"}]}
        ],
        **extra,
    }


def test_date_picks_the_edition_in_force(tmp_path, capsys):
    """Spread 0.12 %: within JJG 443-2015's carried 0.15 % on 2024-04-30, beyond
    JJG 443-2023's 0.10 % from 2024-05-01. The result names edition and rule data."""
    results = []
    for date in ("2024-04-30", "2024-05-01"):
        assert main(["evaluate", write(tmp_path, json.dumps(_fuel(date=date)))]) == 0
        results.append(json.loads(capsys.readouterr().out))
    assert [(r["ruleset"], r["verdict"]) for r in results] == [
        ("JJG 443-2015", "pass"),
        ("JJG 443-2023", "fail"),
    ]
    assert all(r["rule_data"] == "builtin-2" for r in results)


def test_bad_date_and_unknown_rule_data_exit_2(tmp_path, capsys):
    assert main(["evaluate", write(tmp_path, json.dumps(_fuel(date="2024-02-30")))]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["path"] == "date"
    assert main(["evaluate", write(tmp_path, json.dumps(_fuel(rule_data="office-x")))]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["path"] == "rule_data"


def test_builtin_1_result_has_no_rule_data_key(tmp_path, capsys):
    assert main(["evaluate", write(tmp_path, json.dumps(_fuel(rule_data="builtin-1")))]) == 0
    assert "rule_data" not in json.loads(capsys.readouterr().out)
