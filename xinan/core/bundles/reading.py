"""Reading and writing bundle files: JSON or YAML, as plain JSON-compatible data.

YAML is read with the safe loader, without anchors and aliases (a few lines of aliases can expand
to billions of nodes) and without duplicate keys (the later one would silently win); YAML dates
and times become ISO-8601 text, so a YAML bundle and its JSON twin are the same data and the
same JSON Schema describes both.
"""

import hashlib
import json
from datetime import date, datetime

import yaml
from django.conf import settings
from django.utils.translation import gettext as _

FORMAT_VERSION = 1


class BundleRejected(Exception):
    """The file as a whole cannot be read as a bundle; nothing was written."""


def sm3_digest(content: bytes) -> str:
    return "sm3:" + hashlib.new("sm3", content).hexdigest()


class _SafeLoader(yaml.SafeLoader):
    """Safe YAML without aliases and duplicate keys."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, "YAML 别名(*alias)不受支持 / aliases are not supported",
                                       event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.MarkedYAMLError(None, None, f"重复的键 / duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise BundleRejected(_("JSON 中有重复的键“%(k)s” / duplicate key “%(k)s”") % {"k": key})
        out[key] = value
    return out


def _plain(value):
    """YAML's dates and times as ISO-8601 text; keys as text."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def guess_format(name: str, content: bytes) -> str:
    lowered = (name or "").lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if content.lstrip()[:1] in (b"{", b"[") else "yaml"


def parse(content: bytes, name: str = "") -> dict:
    """The bundle in ``content`` (JSON or YAML, by the file name or else the content) as plain data."""
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise BundleRejected(_("文件过大(上限 %(n)d MB) / file too large (limit %(n)d MB)")
                             % {"n": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleRejected(_("数据包须为 UTF-8 编码 / a bundle must be UTF-8 text")) from exc
    if guess_format(name, content) == "json":
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as exc:
            raise BundleRejected(_("JSON 格式错误(第%(line)d行第%(col)d列):%(msg)s / malformed JSON at line %(line)d, "
                                 "column %(col)d: %(msg)s") % {
                "line": exc.lineno, "col": exc.colno, "msg": exc.msg}) from exc
    else:
        try:
            data = yaml.load(text, Loader=_SafeLoader)  # noqa: S506 — a safe loader subclass
        except yaml.YAMLError as exc:
            raise BundleRejected(_("YAML 格式错误 / malformed YAML: %(e)s") % {"e": exc}) from exc
    if not isinstance(data, dict):
        raise BundleRejected(_("数据包顶层须为对象(键值映射)/ the top level of a bundle must be an object"))
    return _plain(data)


def serialise(data: dict, fmt: str) -> bytes:
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120).encode()
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
