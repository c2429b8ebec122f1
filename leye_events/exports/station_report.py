"""The figures of a station (or the district) for a period, as an XLSX report for the district."""
from datetime import timedelta
from typing import IO

from flask_babel import gettext as _

from ..accounts.models import SEEKER_CATEGORY_LABELS
from ..cases import figures as fig
from ..core.spreadsheet import keep_as_text
from ..core.timeutil import to_local
from ..feedback import services as feedback
from ..outreach import figures as outreach_figures
from .services import display_width


def _sheet(workbook, title: str, header: list[str], rows: list[list]):
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    from openpyxl.styles import Font  # imported on use: only exports need openpyxl

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            keep_as_text(cell)
    for column in sheet.columns:
        width = max(display_width(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    return sheet


def _share(value) -> str:
    return fig.percent(value)


def write_report(figures: fig.Figures, station, target: IO[bytes], breakdown=None) -> None:
    """Write the report: a summary sheet, events by kind, seekers by category and, for the district,
    one row per station. ``breakdown`` is a list of (station, Figures)."""
    from openpyxl import Workbook  # imported on use: only exports need openpyxl

    workbook = Workbook()
    workbook.remove(workbook.active)
    # figures.end is the exclusive end (midnight after the last day): show the last day itself.
    last_day = to_local(figures.end - timedelta(seconds=1))
    period = f"{to_local(figures.start):%Y-%m-%d} – {last_day:%Y-%m-%d}"
    defs = {key: str(text) for key, text in fig.DEFINITIONS.items()}
    _sheet(workbook, _("概况"), [_("指标"), _("数值"), _("口径说明")], [
        [_("范围"), station.name if station is not None else _("杨浦区（全区）")],
        [_("统计期间"), period],
        [_("活动场数"), figures.events, defs["events"]],
        [_("报名人数（已确认）"), figures.registrations, defs["registrations"]],
        [_("已结束活动的报名人数"), figures.registrations_ended],
        [_("到场人数"), figures.attended],
        [_("到场率"), _share(figures.attendance_rate), defs["attendance_rate"]],
        [_("签到人次"), figures.attendances, defs["attendances"]],
        [_("其中线下签到"), figures.attendances_onsite, defs["attendances_split"]],
        [_("其中线上参加"), figures.attendances_online, defs["attendances_split"]],
        [_("服务人数"), figures.served, defs["served"]],
        [_("帮助就业人数"), figures.employed, defs["employed"]],
        [_("离校未就业高校毕业生"), figures.graduates],
        [_("其中已就业"), figures.graduates_employed],
        [_("离校未就业高校毕业生就业率"), _share(figures.graduate_employment_share), defs["graduate_share"]],
        [_("开发岗位数"), figures.posts_developed, defs["posts_developed"]],
        [_("开发岗位招聘人数"), figures.headcount_developed],
        [_("企业走访次数"), figures.company_visits],
        [_("岗位投递人次"), figures.applications, defs["applications"]],
        [_("预约面试人次"), figures.interviews],
        [_("录用人次"), figures.hires],
        *_feedback_rows(figures),
    ])
    _sheet(workbook, _("按活动类型"), [_("活动类型"), _("场数")], [list(item) for item in fig.kind_items(figures.events_by_kind)])
    served = dict(fig.category_items(figures.served_by_category))
    employed = dict(fig.category_items(figures.employed_by_category))
    _sheet(workbook, _("按人员类别"), [_("人员类别"), _("服务人数"), _("帮助就业人数")],
           [[label, served.get(label, 0), employed.get(label, 0)] for label in dict.fromkeys([*served, *employed])])
    _outreach_sheet(workbook, figures)
    if breakdown:
        _sheet(workbook, _("各乐业空间"),
               [_("乐业空间"), _("活动场数"), _("报名人数"), _("到场率"), _("服务人数"), _("帮助就业人数")],
               [[s.name, f.events, f.registrations, _share(f.attendance_rate), f.served, f.employed]
                for s, f in breakdown])
    workbook.save(target)


def _feedback_rows(figures: fig.Figures) -> list[list]:
    """What attendees said of the events (1–5) in the period."""
    given = feedback.station_summary(figures.station_id, figures.start, figures.end)
    return [[_("活动评价条数"), given["count"]],
            [_("平均评分（1–5）"), given["average"] if given["average"] is not None else "—"]]


def _outreach_sheet(workbook, figures: fig.Figures) -> None:
    """信息排摸与岗位推介: people reached, prospects converted, referrals, hires from referrals, by category."""
    extra = outreach_figures.compute(figures.station_id, figures.start, figures.end)
    names = outreach_figures.NAMES
    titles = [_("联系上人数"), _("排摸转化注册人数"), _("岗位推荐人次"), _("推荐促成就业人数")]
    rows = [[str(label), *[extra.by_category[name].get(category.value, 0) for name in names]]
            for category, label in SEEKER_CATEGORY_LABELS.items()]
    rows.append([_("合计"), *[extra.total(name) for name in names]])
    rows.append([])
    rows.extend([[title, str(outreach_figures.DEFINITIONS[name])] for title, name in zip(titles, names, strict=True)])
    _sheet(workbook, _("信息排摸与岗位推介"), [_("人员类别"), *titles], rows)
