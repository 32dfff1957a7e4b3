"""我的工作台 is assembled from sections that each business area registers.

A section builder takes (user, today) and returns a WorkSection, or None when the section does not
apply to that user's role. Each builder runs a fixed, small number of queries (a count and the first
rows), so the work list costs the same however much work is waiting.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from portal.i18n import N_


@dataclass(frozen=True)
class RowAction:
    """An action done in place on a work-list row (see portal/workbench/rows.py).

    `opens_form`: GET `url` and show the form under the row (写跟进, 完成回访); otherwise a POST
    button (确认派工). Either way the URL is also a plain page/form that works without JS, and its
    view answers a work-list save with `rows.row_done(...)`."""

    label: str
    url: str
    opens_form: bool = True


@dataclass(frozen=True)
class WorkItem:
    title: str
    url: str
    due: date | datetime | None = None
    status_word: str = ""  # e.g. 逾期3天 / 今日到期 / 已完成: always a word beside the colour
    tone: str = "grey"  # red / amber / green / grey
    detail: str = ""
    working_day_due: bool = False  # due date counted on the working-day calendar: may be 暂定
    row_id: str = ""  # stable DOM id (e.g. work-revisit-12): rows with actions need one
    actions: tuple[RowAction, ...] = ()


@dataclass
class WorkSection:
    key: str
    title: str
    total: int
    items: list[WorkItem] = field(default_factory=list)
    more_url: str | None = None
    empty_text: str = N_("暂无待办")  # shown through gettext: builders pass a msgid or translated text
    # Counted in the top-bar 提醒 badge: work waiting for this person (not warnings or care dates).
    reminder: bool = False


SectionBuilder = Callable[[object, date], WorkSection | None]
_builders: list[tuple[int, SectionBuilder]] = []


def register_work_section(order: int) -> Callable[[SectionBuilder], SectionBuilder]:
    """Decorator: register a section builder; lower `order` shows first."""

    def register(builder: SectionBuilder) -> SectionBuilder:
        _builders.append((order, builder))
        return builder

    return register


def work_sections(user, today: date) -> list[WorkSection]:
    """The sections that apply to this user, in display order."""
    sections = (builder(user, today) for _order, builder in sorted(_builders, key=lambda pair: pair[0]))
    return [section for section in sections if section is not None]
