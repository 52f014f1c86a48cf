from ._refused import refusing

Command = refusing(
    "loaddata 会绕过服务层与审计链,已停用;请用登记簿的 Excel/CSV 导入 / loaddata would bypass the services "
    "and the audit chain and is disabled; use the registers' Excel/CSV import"
)
