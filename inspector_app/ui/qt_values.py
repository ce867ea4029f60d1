"""Qt's enum values that the window's start-up uses, as the plain ints Qt stores.

PySide builds the Python enum classes of a Qt class when the class is first touched, all of
them at once; for the ``Qt`` namespace that is 93 classes, about a tenth of the window's
start-up (124M instructions). So the code on the way to the first paint does not touch
``Qt`` (nor import it: importing the name builds it too):

- item-data roles are ints in every model call, so models compare and return them as ints
  (an orientation arrives as a ``Qt.Orientation``, a flag: compare its ``value``);
- a widget's enum-typed setting is written through its Qt property (``setProperty(name, int)``
  reaches the same setter in C++), or left at Qt's default when that is the one wanted;
- what runs only later (key presses, sorting, dialogs) uses ``QtCore.Qt`` at that moment.

A C++ call that would convert a Qt enum to Python builds the namespace as well: a Python
``headerData`` asked for the header's texts (``ui.widgets.record_table`` gives the header its
own text model), a signal carrying one to a Python slot (a restored header's
``sortIndicatorChanged``), a call with an overload taking a Qt enum (``QSplitter(parent)``,
``QAction.setShortcut``). ``tests/test_startup_imports.py`` checks that the namespace is still
unbuilt when the window is first painted, and ``tests/ui/test_qt_values.py`` that each value
here is Qt's.
"""

# Qt.ItemDataRole
DISPLAY_ROLE = 0
TOOLTIP_ROLE = 3
FOREGROUND_ROLE = 9
ACCESSIBLE_TEXT_ROLE = 11
USER_ROLE = 256

# Qt.Orientation
HORIZONTAL = 1
VERTICAL = 2

# Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_LEFT_VCENTER = 0x0001 | 0x0080

# Qt.ScrollBarPolicy.ScrollBarAlwaysOff
SCROLL_BAR_ALWAYS_OFF = 1

# Qt.FocusPolicy
TAB_FOCUS = 1
STRONG_FOCUS = 11

# Qt.TextInteractionFlag.TextSelectableByMouse
TEXT_SELECTABLE_BY_MOUSE = 1

# Qt.TextInteractionFlag: TextSelectableByKeyboard | LinksAccessibleByMouse |
# LinksAccessibleByKeyboard (the Today page's overdue cases)
OVERDUE_LINKS = 2 | 4 | 8
