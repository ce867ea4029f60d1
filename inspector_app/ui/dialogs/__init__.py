"""Dialogs opened from the main window's pages and menus (more sit beside the editors that
open them: :mod:`..bundle_dialogs`, :mod:`..keys_dialog`, :mod:`..finalize_dialog`).
"""
