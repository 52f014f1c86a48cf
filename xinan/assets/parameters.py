"""The assets domain's own settings (editable, audited through ``xinan.core.parameters``)."""

from django.utils.translation import gettext_lazy as _

from xinan.core.parameters import define

CLASSIFIED_DEPARTMENTS = define(
    "assets.classified_departments", "信息技术部,关务部,财务部",
    _("按涉密要求管理计算机的部门(名称或编码,逗号分隔)"), kind=str, clauses=("p05.0.1",))
SCRAP_COST_PERCENT = define(
    "assets.scrap_cost_percent", 80,
    _("报废条件(2):修理费用达到同等效能设备价值的百分比即视为“接近”"), minimum=1, maximum=100,
    clauses=("p01.2.8.c",))
MIGRATION_NOTICE_DAYS = define(
    "assets.media_migration_notice_days", 90,
    _("长期保存介质到期前多少天须有转存方案"), minimum=1, maximum=3650, clauses=("p14.6-a",))
MACHINE_ROOMS = define(
    "assets.machine_rooms", "机房",
    _("机房的存放地点名称(逗号分隔;地点含其一即视为在机房内)"), kind=str, clauses=("p15.2.8-d",))
