#!/usr/bin/env bash
# Copies the built files of the pinned front-end packages (package.json / package-lock.json)
# into xinan/static/vendor/, which is committed: running xinan needs no Node, only whoever
# upgrades a package runs this (needs node + npm).
#
#   bash scripts/vendor_assets.sh          # npm ci, then copy
#   SKIP_NPM=1 bash scripts/vendor_assets.sh   # copy from an existing node_modules
#
# Only the files the pages load are copied. Source-map comments are stripped because the maps
# are not shipped (a manifest static storage would otherwise fail on the missing .map files).
# The icon sprite holds only the Tabler icons named in ICONS below; add a name there to use it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${SKIP_NPM:-}" ]; then
    npm ci --no-audit --no-fund --ignore-scripts
fi

NM=node_modules
OUT=xinan/static/vendor
rm -rf "$OUT/tabler" "$OUT/htmx" "$OUT/echarts" "$OUT/tabler-icons" "$OUT/swagger-ui"
mkdir -p "$OUT/tabler/css" "$OUT/tabler/js" "$OUT/htmx" "$OUT/echarts" "$OUT/tabler-icons" "$OUT/swagger-ui"

strip_maps() {  # strip_maps SRC DEST
    sed -e 's|/\*# sourceMappingURL=[^*]*\*/||' -e 's|^//# sourceMappingURL=.*$||' "$1" > "$2"
}

strip_maps "$NM/@tabler/core/dist/css/tabler.min.css" "$OUT/tabler/css/tabler.min.css"
strip_maps "$NM/@tabler/core/dist/js/tabler.min.js" "$OUT/tabler/js/tabler.min.js"
strip_maps "$NM/htmx.org/dist/htmx.min.js" "$OUT/htmx/htmx.min.js"
strip_maps "$NM/echarts/dist/echarts.min.js" "$OUT/echarts/echarts.min.js"

# Licences travel with the files (MIT, BSD-0-Clause, Apache-2.0 + NOTICE, MIT).
cp "$NM/htmx.org/LICENSE" "$OUT/htmx/LICENSE"
cp "$NM/echarts/LICENSE" "$OUT/echarts/LICENSE"
cp "$NM/echarts/NOTICE" "$OUT/echarts/NOTICE"
cp "$NM/@tabler/icons/LICENSE" "$OUT/tabler-icons/LICENSE"

# Swagger UI for the API's documentation page (/api/docs), Apache-2.0.
strip_maps "$NM/swagger-ui-dist/swagger-ui-bundle.js" "$OUT/swagger-ui/swagger-ui-bundle.js"
strip_maps "$NM/swagger-ui-dist/swagger-ui.css" "$OUT/swagger-ui/swagger-ui.css"
cp "$NM/swagger-ui-dist/favicon-32x32.png" "$NM/swagger-ui-dist/LICENSE" "$NM/swagger-ui-dist/NOTICE" "$OUT/swagger-ui/"
if [ -f "$NM/@tabler/core/LICENSE" ]; then
    cp "$NM/@tabler/core/LICENSE" "$OUT/tabler/LICENSE"
else
    # The npm tarball of @tabler/core carries no LICENSE file; its package.json says MIT.
    cat > "$OUT/tabler/LICENSE" <<'MIT'
MIT License

Copyright (c) 2018-2026 The Tabler Authors; codecalm.net Paweł Kuna

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
MIT
fi

ICONS=(
    layout-dashboard users server key address-book tool alert-triangle gavel report-analytics
    shield-check language logout user-circle check info-circle alert-circle x building
    user-check link lock clock-hour-4 hourglass-empty chevron-right menu-2 settings list-check
    checklist file-certificate
)
python3 - "$NM/@tabler/icons/icons/outline" "$OUT/tabler-icons/sprite.svg" "${ICONS[@]}" <<'PY'
"""Builds an SVG sprite: one <symbol id="ti-NAME"> per icon, drawing attributes on a <g> so the
page's CSS (Tabler's .icon sets stroke-width) still applies through <use>."""
import re
import sys
from pathlib import Path

src, dest, names = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
symbols = []
for name in names:
    svg = (src / f"{name}.svg").read_text()
    body = re.search(r"<svg[^>]*>(.*)</svg>", svg, re.S).group(1)
    body = body.replace('<path stroke="none" d="M0 0h24v24H0z" fill="none" />', "")
    body = " ".join(body.split())
    symbols.append(
        f'<symbol id="ti-{name}" viewBox="0 0 24 24"><g fill="none" stroke="currentColor" '
        f'stroke-linecap="round" stroke-linejoin="round">{body}</g></symbol>'
    )
dest.write_text('<svg xmlns="http://www.w3.org/2000/svg" style="display:none">\n' + "\n".join(symbols) + "\n</svg>\n")
PY

# What was copied, by the versions actually installed (a test compares it with package.json).
node -e '
const lock = require("./package-lock.json");
const out = {};
for (const name of Object.keys(require("./package.json").dependencies).sort()) out[name] = lock.packages["node_modules/" + name].version;
require("fs").writeFileSync(process.argv[1], JSON.stringify(out, null, 2) + "\n");
' "$OUT/VERSIONS.json"

du -sh "$OUT"
