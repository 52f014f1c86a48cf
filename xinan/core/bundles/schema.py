"""The JSON Schema (draft 2020-12) of a bundle, generated from the register registry, so every
register declared later is in it with no code here (``xinan dump --schema``).

The schema describes a complete bundle for editors and other tools; the loader does not need it
(it checks the same things with the register's converters and reports them in Chinese and
English with the path). Two differences are deliberate: the loader also accepts a choice's
Chinese label where the schema lists the stored values and labels alike, and it accepts a row
without its required fields when the row's natural key names an existing row (a partial update).
"""

from django.db import models
from django.utils import translation

from ..imports import natural_key
from ..registers import Register
from .dumper import personal_fields
from .loader import ROW_ID
from .order import register_order
from .reading import FORMAT_VERSION

SCHEMA_ID = "urn:xinan:bundle:1"


def _nullable(schema: dict, field) -> dict:
    if getattr(field, "null", False):
        kind = schema.get("type")
        if "enum" in schema:
            schema["enum"] = schema["enum"] + [None]
        if kind is not None:
            schema["type"] = [kind, "null"]
    return schema


def _scalar(field) -> dict:
    if field.choices:
        values = []
        for value, label in field.flatchoices:
            values += [value, str(label)]
        return {"enum": list(dict.fromkeys(values))}
    if isinstance(field, models.BooleanField):
        return {"type": "boolean"}
    if isinstance(field, models.DateTimeField):
        return {"type": "string", "format": "date-time"}
    if isinstance(field, models.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, (models.IntegerField, models.AutoField)):
        return {"type": "integer"}
    if isinstance(field, (models.FloatField, models.DecimalField)):
        return {"type": ["number", "string"]}
    if isinstance(field, models.JSONField):
        return {}
    schema = {"type": "string"}
    if isinstance(field, models.EmailField):
        schema["format"] = "email"
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


def field_schema(register: Register, name: str) -> dict:
    field = register.field(name)
    if field.is_relation:
        attr = register.lookups.get(name, "pk")
        related = field.related_model
        target = related._meta.pk if attr == "pk" else related._meta.get_field(attr)
        schema = {k: v for k, v in _scalar(target).items() if k != "maxLength"}
        schema["description"] = f"{target.verbose_name}({related._meta.label}.{attr})"
    else:
        schema = _scalar(field)
    schema = {"title": str(field.verbose_name), **schema}
    if name in personal_fields(register):
        schema["description"] = "个人信息,仅在 xinan dump --include-personal 时导出 / personal data, dumped only on request"
    return _nullable(schema, field)


def register_schema(register: Register) -> dict:
    names = register.importable_fields()
    required = [n for n in names if not register.field(n).blank and register.field(n).default is models.NOT_PROVIDED]
    key = natural_key(register)
    description = f"登记簿“{register.title}”({register.model._meta.label})"
    properties = {}
    if key:
        description += f";按{register.field(key).verbose_name}({key})匹配已有记录 / rows match existing ones by {key}"
    else:
        description += ";无唯一字段,每次载入均新建 / no natural key: every load creates its rows"
        properties[ROW_ID] = {"type": ["string", "integer"],
                              "description": "数据包内的行标识,供其他行按主键引用,不写入 / a handle other rows name "
                                             "this row by, never stored"}
    properties.update({n: field_schema(register, n) for n in names})
    return {"title": str(register.title), "description": description, "type": "object",
            "properties": properties, "required": required, "additionalProperties": False}


def bundle_schema() -> dict:
    """The schema, in Chinese first (as the committed ``docs/bundle.schema.json``)."""
    with translation.override("zh-hans"):
        defs = {r.slug: register_schema(r) for r in register_order()}
        name_ref = {"type": ["string", "integer"]}
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID,
            "title": "信安组织数据包 / xinan organisation bundle",
            "description": "xinan load / xinan dump 的数据格式,见 docs/bundle.md",
            "type": "object",
            "required": ["xinan_bundle"],
            "additionalProperties": False,
            "properties": {
                "xinan_bundle": {"const": FORMAT_VERSION, "description": "数据包格式版本 / format version"},
                "organisation": {"type": "object", "description": "单位信息(仅作说明,不写入) / metadata, not loaded",
                                 "additionalProperties": {"type": ["string", "number", "boolean", "null"]}},
                "records": {
                    "type": "object", "additionalProperties": False,
                    "properties": {slug: {"type": "array", "items": {"$ref": f"#/$defs/{slug}"}} for slug in defs},
                },
                "grants": {"type": "array", "items": {"$ref": "#/$defs/grant"}},
                "accounts": {"type": "array", "items": {"$ref": "#/$defs/account"}},
            },
            "$defs": {
                **defs,
                "grant": {
                    "title": "角色授权 / role grant", "type": "object", "required": ["person", "role"],
                    "additionalProperties": False,
                    "properties": {
                        "person": {**name_ref, "description": "人员工号 / employee number"},
                        "role": {"type": "string", "description": "角色编码 / role code",
                                 "examples": ["system_admin", "security_admin", "auditor", "department_head"]},
                        "department": {"type": ["string", "null"], "description": "适用部门编码 / department code"},
                        "reason": {"type": "string"},
                    },
                },
                "account": {
                    "title": "登录账号 / login account", "type": "object", "required": ["person", "username"],
                    "additionalProperties": False,
                    "properties": {
                        "person": {**name_ref, "description": "人员工号 / employee number"},
                        "username": {"type": "string", "minLength": 1, "maxLength": 64},
                        "password": {"type": "string", "minLength": 1,
                                     "description": "初始口令,仅用于载入,导出时从不包含 / initial password, load only"},
                        "must_change_password": {"type": "boolean", "default": True},
                    },
                },
            },
        }

