"""The visit's photos (the strip of the inspection editor): stored downscaled and upright."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QVBoxLayout

from ...domain.errors import InputError
from ...i18n import tr
from .base import VisitEditorBase


class VisitPhotos(VisitEditorBase):
    def _build_photos(self) -> None:
        from ..widgets.photo_strip import PhotoStrip

        self.photos = PhotoStrip(self)
        self.photos.setObjectName("visitPhotos")
        self.photos.list.setMaximumHeight(110)
        self.photos.add_requested.connect(self.add_photos)
        self.photos.remove_requested.connect(self.remove_photo)
        self.photos_box = QGroupBox(self)
        pl = QVBoxLayout(self.photos_box)
        pl.addWidget(self.photos)
        self._show_photos()

    def _show_photos(self) -> None:
        self.photos.set_photos(
            [(sha, self.store.attachments.get(sha), "") for sha in self.repo.photos(self.visit.id)]
        )

    def add_photos(self, images: list[bytes]) -> list[str]:
        """Store photos (downscaled and upright, as an inspection's) and add them to the
        visit; returns the visit's photos."""
        from ..widgets.photo_prep import prepare_photo

        if self.visit.status != "draft":
            return self.repo.photos(self.visit.id)
        shas = self.repo.photos(self.visit.id)
        for raw in images:
            try:
                shas.append(
                    self.store.attachments.add(prepare_photo(raw).data, self.visit.inspector)
                )
            except InputError as exc:
                self.last_error = exc.message
                self.statusBar().showMessage(f"{tr('Not saved')}: {exc.message}", 8000)
        return self._set_photos(shas)

    def remove_photo(self, sha: str) -> list[str]:
        return self._set_photos([x for x in self.repo.photos(self.visit.id) if x != sha])

    def _set_photos(self, shas: list[str]) -> list[str]:
        try:
            shas = self.repo.set_photos(self.visit.id, shas, self.visit.inspector)
        except InputError as exc:
            self.last_error = exc.message
            self.statusBar().showMessage(f"{tr('Not saved')}: {exc.message}", 8000)
        self._show_photos()
        self.changed.emit(self.visit.id)
        return self.repo.photos(self.visit.id)
