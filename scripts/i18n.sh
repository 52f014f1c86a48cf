#!/usr/bin/env bash
# Refreshes the English catalogue after strings were added or changed, then compiles it.
#
#   bash scripts/i18n.sh            # makemessages + compilemessages
#   bash scripts/i18n.sh --check    # only report untranslated / fuzzy entries (exit 1 if any)
#
# msgids are the Chinese strings in the code (zh-hans is the source language); after running,
# fill in every empty msgstr in xinan/locale/en/LC_MESSAGES/django.po (and remove "fuzzy"
# marks after checking the guess), run this script again, and commit the .po and .mo together:
# xinan/core/tests/test_shell.py fails on an empty msgstr or a .mo that differs from the .po.
# Needs GNU gettext (apt-get install -y gettext).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
PO=xinan/locale/en/LC_MESSAGES/django.po

if [ "${1:-}" != "--check" ]; then
    # --add-location=file: no line numbers, so unrelated edits don't churn the .po.
    "$PY" manage.py makemessages -l en --no-obsolete --add-location=file \
        --ignore=.venv --ignore=node_modules --ignore=data --ignore=var --ignore='test-artifacts'
    "$PY" manage.py compilemessages -l en --ignore=.venv --ignore=node_modules
fi

# e.g. "812 translated messages, 2 fuzzy translations, 3 untranslated messages."
stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$PO" 2>&1)
echo "$PO: $stats"
case "$stats" in
    *fuzzy*|*untranslated*) echo "translate the entries above (msgattrib --untranslated / --only-fuzzy $PO lists them)"; exit 1 ;;
esac
