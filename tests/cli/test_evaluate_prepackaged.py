"""`inspector-app evaluate` with the prepackaged (JJF 1070) and retail-category contracts."""

from __future__ import annotations

import json
import subprocess
import sys

from inspector_app.cli.main import main


def request(units, batch_size, **extra):
    test = {
        "kind": "net_content",
        "quantity": "mass",
        "nominal": "500",
        "unit": "g",
        "batch_size": batch_size,
        "units": units,
    }
    test.update(extra)
    return {"family": "prepackaged", "check": "batch", "instrument": {}, "tests": [test]}


def run(tmp_path, capsys, body):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    code = main(["evaluate", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_batch_on_the_average_limit(tmp_path, capsys):
    # n = 10 from N = 30: s = 2, λ·s = 2.056, mean exactly 497.944 = Qn − λ·s
    units = [{"net": "500.944"}] * 2 + [{"net": "494.944"}] * 2 + [{"net": 497.944}] * 6
    code, out, err = run(tmp_path, capsys, request(units, 30))
    assert (code, err) == (0, "")
    result = json.loads(out)
    test = result["tests"][0]
    assert result["verdict"] == "pass"
    for key, value in {
        "sample_size_required": 10,
        "t": "15",
        "t1_count": 0,
        "t1_allowed": 0,
        "t2_count": 0,
        "mean": "497.944",
        "s": "2",
        "lambda": "1.028",
        "limit": "497.944",
        "average_ok": True,
    }.items():
        assert test[key] == value, key
    assert len(test["items"]) == 10
    assert {i["mpe"] for i in test["items"]} == {"15"}
    assert any("may differ" in w for w in result["warnings"])


def test_failing_batch_exits_0_and_names_what_failed(tmp_path, capsys):
    # gross 515 g with 15 g average tare = 500; one package at 469 g net is short by 31 > 2T
    units = [{"gross": "515"}] * 4 + [{"gross": "484"}]
    code, out, _ = run(tmp_path, capsys, request(units, 5, tare="15"))
    assert code == 0
    result = json.loads(out)
    assert result["verdict"] == "fail"
    assert result["failed"] == ["#5"]
    test = result["tests"][0]
    assert test["items"][4]["verdict"] == "t2"
    assert test["items"][4]["error"] == "-31"
    assert "limit" not in test and test["average_ok"] is None


def test_small_sample_is_exit_2_naming_units(tmp_path, capsys):
    code, out, err = run(tmp_path, capsys, request([{"net": "500"}] * 12, 200))
    assert (code, out) == (2, "")
    error = json.loads(err)["error"]
    assert error["path"] == "tests[0].units"
    assert "requires 50" in error["message"]


def test_check_must_be_batch(tmp_path, capsys):
    body = request([{"net": "500"}], 1)
    body["check"] = "in_service"
    code, _, err = run(tmp_path, capsys, body)
    assert code == 2
    assert json.loads(err)["error"]["path"] == "check"


def test_retail_category_through_the_real_command():
    body = {
        "family": "retail_goods",
        "check": "in_service",
        "instrument": {},
        "tests": [
            {
                "kind": "short_weight",
                "unit_price": "600000",
                "settled_weight": "0.0105",
                "actual_weight": "0.01049",
                "recheck": "high_accuracy",
                "category": "gold",
            }
        ],
    }
    proc = subprocess.run(
        [sys.executable, "-m", "inspector_app.cli.main", "evaluate"],
        input=json.dumps(body),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    test = json.loads(proc.stdout)["tests"][0]
    assert (test["category"], test["items"][0]["mpe"], test["verdict"]) == ("gold", "0.01", "pass")
    prepack = subprocess.run(
        [sys.executable, "-m", "inspector_app.cli.main", "evaluate"],
        input=json.dumps(request([{"net": "101"}] * 4 + [{"net": "96.4"}], 5, nominal="101")),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert prepack.returncode == 0, prepack.stderr
    result = json.loads(prepack.stdout)
    assert (result["tests"][0]["t"], result["verdict"]) == ("4.6", "pass")
