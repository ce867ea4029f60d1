"""The inspection report: content, languages, fonts, rendering."""

from __future__ import annotations

import re
import subprocess

import pytest

from inspector_app.reports import readings
from inspector_app.reports.inspection_report import document_kind, parse_keywords, report_number
from inspector_app.services.reports import build_report, report_data

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def write(tmp_path, name, pdf: bytes):
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def table_numbers(store, insp) -> list[str]:
    data = report_data(store, insp.id)
    out = []
    for table in readings.tables(insp, data.instrument, "zh"):
        for row in table.rows:
            out += [c for c in row if NUMBER.match(c)]
    return out


@pytest.mark.parametrize("which", ["scale", "fuel", "focimeter"])
def test_every_number_of_the_readings_table_is_searchable(
    store, samples, tmp_path, pdf_text, which
):
    insp = getattr(samples, which)
    path = write(tmp_path, "r.pdf", build_report(store, insp.id, "zh").pdf)
    text = pdf_text(path)
    tokens = set(re.findall(r"-?\d+(?:\.\d+)?", text))
    numbers = table_numbers(store, insp)
    assert len(numbers) > 10
    missing = [n for n in numbers if n not in tokens]
    assert not missing, f"numbers not found in the PDF text: {missing}"


def test_scale_report_has_raw_observations_and_computed_values(store, samples, tmp_path, pdf_text):
    insp = samples.scale
    text = pdf_text(write(tmp_path, "s.pdf", build_report(store, insp.id, "zh").pdf))
    for label in (
        "检定证书",
        "合格",
        "受检单位",
        "计量器具",
        "检定数据与结果",
        "附加载荷 ΔL",
        "修正误差 Ec",
        "最大允许误差",
        "使用的计量标准器",
        "JZ-2025-0117",
        "2027-03-31",
        "误差曲线",
        "检查项目",
        "签名",
        "王芳蔬菜摊",
        "JJG 539-2016",
        "李建国",
        "报告编号",
    ):
        assert label in text, label
    assert "第1页共" in text.replace(" ", "")
    # changeover method: E = I + e/2 − ΔL − L; E0 = 0 + 2.5 − 2 = 0.5; at 2500 g: E = 2505 + 2.5 − 5 − 2500 = 2.5
    weighing = readings.tables(insp, report_data(store, insp.id).instrument, "zh")[0]
    row = next(r for r in weighing.rows if r[1] == "2500")
    assert row[2:7] == ["2505", "5", "2.5", "2", "2.5"]  # I, ΔL, E, Ec = E − E0, MPE
    assert any("E0 = 0.5" in n for n in weighing.notes)
    assert insp.content_hash[:32] in text.replace(" ", "")


def test_english_report(store, samples, tmp_path, pdf_text):
    text = pdf_text(write(tmp_path, "e.pdf", build_report(store, samples.scale.id, "en").pdf))
    for label in (
        "Verification certificate",
        "PASS",
        "Premises",
        "Readings and results",
        "Corrected error Ec",
        "Reference standards used",
        "Page 1 of",
        "王芳蔬菜摊",
    ):
        assert label in text, label
    assert "检定数据与结果" not in text


def test_failing_fuel_dispenser_is_a_notice_listing_the_failed_items(
    store, samples, tmp_path, pdf_text
):
    insp = samples.fuel
    assert insp.verdict == "fail" and document_kind(insp) == "notice"
    text = pdf_text(write(tmp_path, "f.pdf", build_report(store, insp.id, "zh").pdf))
    assert "检定结果通知书" in text and "不合格" in text and "不合格项目" in text
    assert "Q1 第 1 次" in text  # the failed run, named
    assert "编码器铅封被破坏" in text and "发现计量作弊" in text  # the cheating finding, at the top
    assert "《计量法》第九条" in text  # legal basis
    # raw can reading and the temperature-corrected volume are printed
    assert "h 31 mm" in text and "19.934" in text and "19.933986" not in text
    assert "最大允许误差" in text and "提示" in text  # warnings for unconfirmed rules
    en = pdf_text(write(tmp_path, "f_en.pdf", build_report(store, insp.id, "en").pdf))
    assert "Notice of non-conformity" in en and "FAIL" in en and "Q1 run 1" in en


def test_in_service_check_is_an_inspection_record(store, samples, tmp_path, pdf_text):
    insp = samples.focimeter
    assert document_kind(insp) == "record"
    text = pdf_text(write(tmp_path, "o.pdf", build_report(store, insp.id, "zh").pdf))
    assert "检查记录" in text and "符合" in text and "检定证书" not in text
    for value in ("-10.02", "-9.99", "9.97", "10.01"):  # certified and reading columns
        assert value in text
    assert report_number(insp).startswith("JCJL-20260520-")


def test_metadata_carries_report_number_and_hash(store, samples):
    import io

    from pypdf import PdfReader

    built = build_report(store, samples.scale.id, "zh")
    meta = PdfReader(io.BytesIO(built.pdf)).metadata
    values = parse_keywords(meta["/Keywords"])
    assert values["report-no"] == built.report_no == report_number(samples.scale)
    assert values["record-hash"] == samples.scale.content_hash
    assert values["inspection-id"] == samples.scale.id
    assert parse_keywords("something else") == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cjk_font_is_embedded_as_a_subset(store, samples, tmp_path, lang):
    for insp in (samples.scale, samples.fuel, samples.focimeter):
        path = write(tmp_path, "s.pdf", build_report(store, insp.id, lang).pdf)
        out = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout
        rows = [line for line in out.splitlines()[2:] if line.strip()]
        assert rows, out
        for line in rows:
            name = line.split()[0]
            assert re.match(r"^[A-Z]{6}\+", name), f"not a subset: {line}"
            assert " yes " in line, f"not embedded: {line}"


def test_photos_and_drawn_signatures_are_in_the_pdf(store, samples, tmp_path):
    path = write(tmp_path, "s.pdf", build_report(store, samples.scale.id, "zh").pdf)
    out = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    images = [line for line in out.splitlines()[2:] if line.strip()]
    assert len(images) >= 3  # photo + two signatures


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_in_poppler(store, samples, tmp_path, lang):
    for insp in (samples.scale, samples.fuel, samples.focimeter):
        path = write(tmp_path, f"{insp.family}.pdf", build_report(store, insp.id, lang).pdf)
        info = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, check=True
        ).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        proc = subprocess.run(
            ["pdftoppm", "-png", "-r", "40", str(path), str(tmp_path / insp.family)],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0 and proc.stderr == ""
        assert len(list(tmp_path.glob(f"{insp.family}-*.png"))) == pages >= 1


def test_draft_report_says_draft_and_cannot_be_signed(store, stall):
    from inspector_app.domain.errors import InputError
    from inspector_app.domain.models import Inspection, new_id
    from inspector_app.services.inspections import save_and_evaluate

    p, i = stall
    draft = save_and_evaluate(
        store,
        Inspection(
            new_id(),
            new_id(),
            i.id,
            p.id,
            "scale",
            "in_service",
            "JJG 539-2016",
            "李建国",
            tests=[{"kind": "weighing", "points": [{"load": "1000", "indication": "1000"}]}],
        ),
        "test",
    )
    built = build_report(store, draft.id, "en")
    assert built.content_hash == "" and built.signature_box is None
    with pytest.raises(InputError, match="finalized"):
        build_report(store, draft.id, "en", for_signing=True)


def page_texts(path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")[:-1]


@pytest.mark.parametrize("which", ["scale", "fuel", "focimeter"])
def test_chinese_reports_fit_two_pages_and_end_with_conclusion_and_verification(
    store, samples, identity, tmp_path, which
):
    """The conclusion, the signatures and the verification block stay together on the last page;
    the sample reports (readings, chart, photo, drawn signatures, warnings) fit two pages, three
    for a certificate or notice (its particulars and the 检定员/核验员/批准人 lines)."""
    insp = getattr(samples, which)
    built = build_report(
        store,
        insp.id,
        "zh",
        for_signing=True,
        signer_name=identity.name,
        signer_fingerprint=identity.fingerprint,
    )
    pages = page_texts(write(tmp_path, "r.pdf", built.pdf))
    assert len(pages) == 2 if which == "focimeter" else len(pages) in (2, 3)
    last = pages[-1].replace(" ", "")
    for label in ("结论", "签名", "本文件的验证信息", built.report_no):
        assert label in last, label
    assert built.signature_box[0] == len(pages) - 1


def test_long_report_never_leaves_the_verification_block_alone(store, stall, identity, tmp_path):
    """A scale with many weighing points runs over pages; the last page still carries the
    conclusion with the verification block, never the block alone."""
    from inspector_app.domain.models import Inspection, new_id
    from inspector_app.services.inspections import save_and_evaluate

    p, scale = stall
    counts = []
    for n in (10, 30, 50, 70):
        points = [{"load": str(200 * (i + 1)), "indication": str(200 * (i + 1))} for i in range(n)]
        insp = save_and_evaluate(
            store,
            Inspection(
                new_id(),
                new_id(),
                scale.id,
                p.id,
                "scale",
                "subsequent",
                "JJG 539-2016",
                "李建国",
                started_at="2026-03-01T09:00",
                tests=[{"kind": "weighing", "points": points}],
            ),
            "test",
        )
        insp = store.inspections.finalize(insp.id, "test")
        built = build_report(store, insp.id, "zh", for_signing=True, signer_name=identity.name)
        pages = page_texts(write(tmp_path, f"long{n}.pdf", built.pdf))
        assert "结论" in pages[-1].replace(" ", "") and "本文件的验证信息" in pages[-1].replace(
            " ", ""
        ), n
        assert built.signature_box[0] == len(pages) - 1
        counts.append(len(pages))
    assert counts[0] == 2 and counts[-1] >= 3  # the cases do run over a page boundary


def test_fuel_chart_marks_the_failed_repeatability(store, samples, tmp_path, pdf_text):
    from reportlab.graphics.shapes import String

    from inspector_app.reports.inspection_charts import inspection_chart

    insp = samples.fuel
    data = report_data(store, insp.id)
    rep = next(
        it
        for t in insp.result["tests"]
        for it in t["items"]
        if it["label"].endswith("repeatability")
    )
    assert rep["verdict"] == "fail"
    for lang, label in (
        ("zh", f"Q1 重复性 {rep['error']} % > {rep['mpe']} %"),
        ("en", f"Q1 repeatability {rep['error']} % > {rep['mpe']} %"),
    ):
        drawing = inspection_chart(insp, data.instrument, lang, "WQYMicroHei", 500, 150)
        texts = [s.text for s in drawing.getContents() if isinstance(s, String)]
        assert label in texts, texts
        text = pdf_text(write(tmp_path, f"f_{lang}.pdf", build_report(store, insp.id, lang).pdf))
        assert label in text


def test_dioptres_print_with_one_resolution(store, samples, tmp_path, pdf_text):
    """Optical powers carry the same decimals in every column (0.01 D): a nominal -5 prints
    as -5.00 beside a certified -4.98."""
    path = write(tmp_path, "f.pdf", build_report(store, samples.focimeter.id, "zh").pdf)
    text = pdf_text(path)
    row = next(line for line in text.splitlines() if "-4.98" in line)
    numbers = re.findall(r"-?\d+\.\d+|-?\d+", row)
    assert numbers[1:6] == ["-5.00", "-4.98", "-4.97", "0.01", "0.06"], numbers
