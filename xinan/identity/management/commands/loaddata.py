from ._refused import refusing

Command = refusing(
    "loaddata 会绕过服务层与审计链,已停用;请用 xinan load 载入组织数据包或登记簿的 Excel/CSV 导入 / loaddata "
    "would bypass the services and the audit chain and is disabled; use xinan load (an organisation bundle) or the "
    "registers' Excel/CSV import"
)
