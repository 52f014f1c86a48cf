"""Organisation bundles (组织数据包): the whole organisation — every register's rows, role grants
and login accounts — as one JSON or YAML file, loaded through the services (``xinan load``) and
written back (``xinan dump``). The format is ``docs/bundle.md``; its JSON Schema is generated from
the register registry (``bundle_schema()``, committed as ``docs/bundle.schema.json`` and
``bundle.schema.json`` here), so a register declared later is part of the bundle with no code here.
"""

from pathlib import Path

from .dumper import Dump, dump_bundle, dump_data
from .loader import LoadResult, load_bundle, load_data
from .reading import BundleRejected, parse, serialise, sm3_digest
from .schema import bundle_schema

SCHEMA_FILE = Path(__file__).with_name("bundle.schema.json")

__all__ = ["BundleRejected", "Dump", "LoadResult", "SCHEMA_FILE", "bundle_schema", "dump_bundle", "dump_data",
           "load_bundle", "load_data", "parse", "serialise", "sm3_digest"]
