"""The inspection editor's photos (stored downscaled and upright, EXIF time and place as the
caption) and the inspector's and the representative's signature pads."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ...domain.errors import InputError
from ...domain.models import AttachmentRef
from ...i18n import tr
from ..widgets.field_error import translate_message
from ..widgets.photo_strip import PhotoStrip
from ..widgets.signature_pad import SignaturePad
from .base import EditorBase

SIGNATURE_ROLES = ("signature_inspector", "signature_representative")


class PhotosSection(EditorBase):
    keep_originals_action: QAction

    def _build_photos(self, col: QVBoxLayout) -> None:
        photos_box = self._group("Photos")
        pl = QVBoxLayout(photos_box)
        self.photos = PhotoStrip()
        self.photos.add_requested.connect(self.add_photos)
        self.photos.remove_requested.connect(self._remove_photo)
        pl.addWidget(self.photos)
        col.addWidget(photos_box)

    def _build_signatures(self, col: QVBoxLayout) -> None:
        sig_box = self._group("Signatures")
        sl = QGridLayout(sig_box)
        self.pads: dict[str, SignaturePad] = {}
        self.sig_status: dict[str, QLabel] = {}
        self.sig_buttons: list[QPushButton] = []
        for c, (role, key) in enumerate(
            zip(
                SIGNATURE_ROLES,
                ("Inspector's signature", "Representative's signature"),
                strict=True,
            )
        ):
            pad = SignaturePad()
            pad.setObjectName(role)
            self.pads[role] = pad
            save = QPushButton()
            save.setObjectName(f"save_{role}")
            save.clicked.connect(lambda _c=False, r=role: self.save_signature(r))
            clear = QPushButton()
            clear.clicked.connect(pad.clear)
            self._labels += [(save, "Save signature"), (clear, "Clear")]
            self.sig_buttons += [save, clear]
            status = QLabel()
            self.sig_status[role] = status
            sl.addWidget(self._label(key), 0, c)
            sl.addWidget(pad, 1, c)
            row = QHBoxLayout()
            row.addWidget(save)
            row.addWidget(clear)
            row.addWidget(status)
            row.addStretch(1)
            sl.addLayout(row, 2, c)
        col.addWidget(sig_box)

    def _load_photos(self) -> None:
        photos = [
            (a.sha256, self.store.attachments.get(a.sha256), a.caption)
            for a in self.insp.attachments
            if a.role == "photo"
        ]
        self.photos.set_photos(photos)

    def _load_signatures(self) -> None:
        for role in SIGNATURE_ROLES:
            has = any(a.role == role for a in self.insp.attachments)
            self.sig_status[role].setText(tr("signed ✔") if has else "")

    def add_photos(self, images: list[bytes]) -> None:
        """Store photos downscaled and upright (the original only when asked for), their
        EXIF time and place as the caption."""
        from ..widgets.photo_prep import prepare_photo

        refs = list(self.insp.attachments)
        keep = self.keep_originals_action.isChecked()
        for raw in images:
            photo = prepare_photo(raw, keep_original=keep)
            data = photo.data
            try:
                sha = self.store.attachments.add(data, self.actor)
            except InputError as exc:
                self.last_error = tr("Could not add the photo: {message}").format(
                    message=translate_message(exc.message)
                )
                self.statusBar().showMessage(self.last_error)
                continue
            if not any(a.sha256 == sha and a.role == "photo" for a in refs):
                refs.append(
                    AttachmentRef(
                        sha,
                        "photo",
                        photo.caption(),
                        self.store.attachments.mime(sha) or photo.mime or "image/png",
                    )
                )
        self.push_attr("attachments", refs, "Add photo")

    def _remove_photo(self, sha: str) -> None:
        refs = [a for a in self.insp.attachments if not (a.sha256 == sha and a.role == "photo")]
        self.push_attr("attachments", refs, "Remove photo")

    def save_signature(self, role: str) -> str | None:
        """Store the pad's drawing as a PNG attachment with *role*; returns its SHA-256."""
        pad = self.pads[role]
        if pad.is_empty() or not self.insp.is_draft:
            return None
        sha = self.store.attachments.add(pad.to_png(), self.actor)
        refs = [a for a in self.insp.attachments if a.role != role]
        refs.append(AttachmentRef(sha, role, "", "image/png"))
        self.push_attr("attachments", refs, "Signature")
        return sha
