"""``campaign progress`` and ``campaign report``: a campaign's progress per inspector and
county, and its summary PDF in Chinese and English, reading like the bureau's own paragraph,
signed like the other summaries."""

from __future__ import annotations

import dataclasses
import json
import subprocess

from pypdf import PdfReader

from inspector_app.cli.main import main
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.domain.visits import Officer
from inspector_app.services import campaigns as cs
from inspector_app.services import visits as vs
from inspector_app.store import open_database

OFFICERS = [Officer("张三", "34010001"), Officer("李四", "34010002")]


def _shop(store, name, address, scales=1):
    p = store.premises.save(
        Premises(new_id(), "optical_shop", name, address=address, city="合肥市")
    )
    for n in range(scales):
        store.instruments.save(
            Instrument(
                new_id(),
                p.id,
                "scale",
                "友声",
                "ACS-30",
                f"S-{name}-{n}",
                "",
                "III",
                {"max": "30", "e": "0.01", "d": "0.01", "min": "0.2", "unit": "kg"},
            )
        )
    return p


def _visit(store, assignment_id, fail=False):
    v = cs.start_assignment(store, assignment_id, "张三", started_at="2026-04-02T09:30+08:00")
    vs.repo(store).save(dataclasses.replace(v, officers=OFFICERS), "张三")
    if fail:
        rows = vs.repo(store).rows(v.id)
        rows[0] = dataclasses.replace(rows[0], seal="no")
        vs.save_rows(store, v.id, rows, "张三")
    vs.mark_rest_ok(store, v.id, "张三")
    vs.finalize(store, v.id, "张三")


def seed(db):
    store = open_database(db)
    with store:
        c = cs.new_campaign(
            store,
            "眼镜专项",
            "2026-03-01",
            "2026-06-30",
            ["optical_shop"],
            ["合肥市"],
            ["验光仪检定标志"],
        )
        a = _shop(store, "明视眼镜", "安徽省合肥市蜀山区长江路1号", scales=2)
        b = _shop(store, "宝岛眼镜", "安徽省合肥市包河区望江路2号", scales=3)
        d = _shop(store, "大明眼镜", "安徽省合肥市庐阳区中山路3号")
        cs.assign(store, c.id, "张三", [a.id, b.id], due="2026-04-01")
        cs.assign(store, c.id, "李四", [d.id], due="2026-05-01")
        items = {x["premises_name"]: x["id"] for x in cs.work_list(store, today="2026-04-02")}
        _visit(store, items["明视眼镜"])
        _visit(store, items["宝岛眼镜"], fail=True)
    return c


def _text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_campaign_progress_json(db_path, capsys):
    seed(db_path)
    assert main(["--db", str(db_path), "campaign", "progress", "眼镜专项", "--json"]) == 0
    p = json.loads(capsys.readouterr().out)
    assert p["totals"]["assigned"] == 3 and p["totals"]["visited"] == 2
    assert p["totals"]["findings"] == 1 and p["totals"]["visited_rate"] == "66.67"
    counties = {g["name"]: g for g in p["by_county"]}
    assert counties["包河区"]["findings"] == 1 and counties["庐阳区"]["visited"] == 0
    assert {g["name"] for g in p["by_inspector"]} == {"张三", "李四"}


def test_campaign_report_zh_en_signed(db_path, tmp_path, monkeypatch, capsys):
    seed(db_path)
    zh = tmp_path / "zh.pdf"
    assert main(["--db", str(db_path), "campaign", "report", "眼镜专项", "-o", str(zh)]) == 0
    text = _text(zh).replace("\n", "")
    # the bureau's paragraph: 2 shops, 5 instruments, 1 failed, pass rate 80.00 %
    assert "检查眼镜制配场所2家，计量器具5台件，不合格1台件，发现作弊0台件，合格率80.00%。" in text
    for words in ("专项检查总结", "眼镜专项", "2026-03-01 – 2026-06-30", "验光仪检定标志"):
        assert words in text
    assert "按区县统计进度" in text and "蜀山区" in text and "包河区" in text
    assert "尚未检查的场所" in text and "大明眼镜" in text  # 庐阳区, not yet visited
    assert "ZXBG-20260630-" in text
    en = tmp_path / "en.pdf"
    assert (
        main(
            ["--db", str(db_path), "campaign", "report", "眼镜专项", "-o", str(en), "--lang", "en"]
        )
        == 0
    )
    text = _text(en).replace("\n", " ")
    assert "Inspected 2 eyeglass shops with 5 instruments; 1 instrument failed" in text
    assert "pass rate 80.00 %" in text and "Progress by county" in text
    sig = subprocess.run(["pdfsig", str(en)], capture_output=True, timeout=60)
    assert "Signature #1" not in sig.stdout.decode()

    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "cli passphrase 1")
    assert main(["--db", str(db_path), "keys", "init", "--name", "专项 Office"]) == 0
    signed = tmp_path / "signed.pdf"
    capsys.readouterr()
    code = main(
        ["--db", str(db_path), "campaign", "report", "眼镜专项", "-o", str(signed), "--sign"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "signed by 专项 Office" in out
    sig = subprocess.run(["pdfsig", str(signed)], capture_output=True, timeout=60)
    assert "Signature is Valid" in sig.stdout.decode()


def test_campaign_report_refuses_an_unknown_campaign(db_path, tmp_path, capsys):
    seed(db_path)
    out = tmp_path / "x.pdf"
    assert main(["--db", str(db_path), "campaign", "report", "没有的专项", "-o", str(out)]) != 0
    assert "no campaign '没有的专项'" in capsys.readouterr().err
    assert not out.exists()
