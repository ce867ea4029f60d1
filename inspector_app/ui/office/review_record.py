"""What the review panel shows of a record: the tests with their verdicts, the failed items,
the checklist's findings, the photos, the findings table and the earlier reviews; and the
small texts it is made of (a verify verdict in its colour, a signing time in local time,
the inspector's rule set changes)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTableWidget, QTableWidgetItem, QWidget

from ...i18n import current_language, ntr, tr
from ..models.labels import verdict_label, verify_status_label

STATUS_COLOURS = {"VALID": "#1e8449", "UNSIGNED": "#7f8c8d", "UNTRUSTED": "#b9770e"}


def _coloured(text: str, status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#c0392b")
    return f"<span style='color:{colour}; font-weight:bold'>{verify_status_label(status)}</span> — {text}"


def _local_time(iso: str) -> str:
    """A signing time (UTC) in this computer's time zone, with its offset shown."""
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso[:16].replace("T", " ")
    if when.tzinfo is None:
        return when.strftime("%Y-%m-%d %H:%M")
    local = when.astimezone()
    offset = local.strftime("%z")
    return local.strftime("%Y-%m-%d %H:%M") + f" {offset[:3]}:{offset[3:]}"


def _edition_changes(insp) -> str:
    """The rule set changes the inspector made in the editor, each with its reason."""
    from html import escape

    changes = insp.environment.get("edition_changes") or []
    return "".join(
        "<br><span style='color:#9a6700'>"
        + escape(
            tr("Rule set changed from {old} to {new}: {reason}").format(
                old=c.get("from", ""), new=c.get("to", ""), reason=c.get("reason", "")
            )
        )
        + "</span>"
        for c in changes
        if isinstance(c, dict)
    )


def _test_labels(family: str) -> dict[str, str]:
    """Test kinds → labels from the family's form file (the kind itself when unknown)."""
    from ...domain.forms import load_form
    from ...i18n import pick

    try:
        form = load_form(family)
    except Exception:  # no form for this family: show the kinds as they are
        return {}
    return {t.kind: pick((t.label.zh, t.label.en)) for t in form.tests}


class RecordFindings(QWidget):
    """The panel's part that shows what the record found (see :class:`.review_panel.ReviewPanel`)."""

    store: Any
    inspection_id: str | None
    failed_label: QLabel
    checklist_label: QLabel
    tests_label: QLabel
    findings: QTableWidget
    photos_row: QHBoxLayout
    photos_title: QLabel
    photo_labels: list[QLabel]
    history: QLabel

    def _fill_findings(self, insp) -> None:
        from html import escape

        tests = (insp.result or {}).get("tests", [])
        labels = _test_labels(insp.family)
        parts = []
        for t in tests:
            v = t.get("verdict")
            colour = "#1e8449" if v == "pass" else "#c0392b" if v == "fail" else "#555"
            name = labels.get(t.get("kind", ""), t.get("kind", ""))
            where = t.get("load") or t.get("flow") or t.get("point")
            if where not in (None, ""):  # which load or flow: the same test may run several times
                name = f"{name} {where}"
            parts.append(f"{escape(str(name))}: <b style='color:{colour}'>{verdict_label(v)}</b>")
        failed = (insp.result or {}).get("failed", [])
        self.failed_label.setText(
            f"<b>{tr('Failed items')}:</b><br>" + "<br>".join(f"✘ {escape(str(x))}" for x in failed)
            if failed
            else ""
        )
        self.failed_label.setVisible(bool(failed))
        flagged = self._checklist_findings(insp)
        self.checklist_label.setText(
            f"<b>{tr('Checklist')}:</b> "
            + ntr("{n} answered, {f} finding", "{n} answered, {f} findings", len(flagged)).format(
                n=len(insp.checklist), f=len(flagged)
            )
            + "".join(f"<br>⚠ {escape(q)}" for q in flagged)
        )
        self._fill_photos(insp)
        self.tests_label.setText(f"{tr('Tests')}: " + ", ".join(parts) if parts else "")
        self.findings.setRowCount(len(insp.findings))
        for row, f in enumerate(insp.findings):
            cells = [
                f.code + (f" ({tr('cheating')})" if f.cheating else ""),
                f.text,
                f.legal_basis,
                tr(f.severity),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if f.cheating:
                    item.setForeground(QColor("#c0392b"))
                self.findings.setItem(row, col, item)
        if not insp.findings:
            self.findings.setRowCount(1)
            self.findings.setItem(0, 1, QTableWidgetItem(tr("No findings.")))

    @staticmethod
    def _checklist_findings(insp) -> list[str]:
        """The checklist questions answered with their finding answer, in the current language."""
        from ...domain.forms import form_for

        try:  # the form the record was filled against
            form = form_for(insp.family, insp.environment.get("form"))
        except Exception:  # no form for this family: nothing to list
            return []
        lang = current_language()
        return [
            q.label.get(lang) for q in form.checklist if insp.checklist.get(q.key) == q.finding_if
        ]

    def _fill_photos(self, insp) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QPixmap

        for label in self.photo_labels:
            self.photos_row.removeWidget(label)
            label.deleteLater()
        self.photo_labels = []
        photos = [a for a in insp.attachments if a.role == "photo"]
        self.photos_title.setText(f"<b>{tr('Photos')}:</b> " + ("" if photos else tr("no photos")))
        for a in photos[:6]:
            data = self.store.attachments.get(a.sha256)
            pixmap = QPixmap()
            if not data or not pixmap.loadFromData(data):
                continue
            label = QLabel(self)
            label.setPixmap(
                pixmap.scaled(
                    96,
                    72,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            label.setToolTip(a.caption or a.sha256[:12])
            label.setAccessibleName(tr("Photos"))
            self.photos_row.addWidget(label)
            self.photo_labels.append(label)
        self.photos_row.addStretch(0)

    def _fill_history(self) -> None:
        from ...services import review as rv

        rows = rv.reviews_for(self.store, self.inspection_id) if self.inspection_id else []
        if not rows:
            self.history.setText(tr("Not reviewed yet."))
            return
        lines = []
        for r in rows:
            check = rv.verify_review(self.store, r, self.store.path)
            text = (
                tr("Approved by {who} on {when}")
                if r.decision == "approved"
                else tr("Returned by {who} on {when}")
            )
            line = text.format(who=r.reviewer, when=r.at[:16].replace("T", " "))
            line += f" · {tr('signature {status}').format(status=check.status)}"
            if r.comment:
                line += f"<br>&nbsp;&nbsp;“{r.comment}”"
            lines.append(line)
        self.history.setText("<br>".join(lines))
