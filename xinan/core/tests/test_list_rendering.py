"""The parts of a list page rendered in Python for speed: they must give what the template engine
gave, escaped the same way (docs/performance.md)."""

import re

import pytest
from django import forms
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from xinan.core import navigation
from xinan.core.navigation import nav_register
from xinan.core.registers import registry
from xinan.core.tables import table_rows
from xinan.core.widgets import FastNullBooleanSelect, FastSelect


def _normalise(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", "2", ["2"], "<x>"])
def test_fast_select_gives_the_markup_of_django_select(value):
    choices = [("", "---------"), ("1", "一"), ("2", "<b>二</b> & \"三\""), (3, "四")]
    attrs = {"class": "form-select form-select-sm", "id": "id_kind"}
    fast = FastSelect(attrs=attrs, choices=choices).render("kind", value)
    django = forms.Select(attrs=attrs, choices=choices).render("kind", value)
    assert _normalise(fast) == _normalise(django)


@pytest.mark.parametrize("value", [None, True, False, "true", "false", "2", "3", "x"])
def test_fast_yes_no_select_gives_the_markup_of_django_null_boolean_select(value):
    attrs = {"class": "form-select form-select-sm", "id": "id_important"}
    fast = FastNullBooleanSelect(attrs=attrs).render("important", value)
    django = forms.NullBooleanSelect(attrs=attrs).render("important", value)
    assert _normalise(fast) == _normalise(django) and fast.count(" selected") == 1


def test_fast_select_renders_optgroups_like_django():
    choices = [("组一", [("a", "甲"), ("b", "乙")]), ("c", "丙")]
    fast = FastSelect(choices=choices).render("x", "b")
    django = forms.Select(choices=choices).render("x", "b")
    assert _normalise(fast) == _normalise(django)


@pytest.mark.django_db
def test_table_rows_escape_values_link_the_first_cell_and_dash_empty_ones(make_person, department):
    """A name typed as HTML is shown as text; an empty value as —; the first cell links to the record."""
    person = make_person(name="<script>alert(1)</script>")
    people = registry.get("people")
    html = str(table_rows(people, [person], "registers:people_detail"))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    first_cell = re.search(r"<td>(.*?)</td>", html).group(1)
    assert first_cell.startswith(f'<a href="/org/people/{person.pk}/">')
    assert "<td>—</td>" in html or all(getattr(person, c.split("__")[0], None) is not None for c in people.columns)


@pytest.mark.django_db
def test_list_page_shows_choice_labels_in_the_page_language(make_person, make_user, login):
    """Choice columns show their labels (人员状态 在岗 / Active) and follow the language switch."""
    make_person(name="王五")
    client = login(make_user("system_admin"))
    html = client.get("/org/people/").content.decode()
    assert "王五" in html and "在岗" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/org/people/"})
    html = client.get("/org/people/").content.decode()
    assert "王五" in html and "Active" in html and "在岗" not in html


@pytest.fixture
def saved_nav():
    saved = {code: list(section.items) for code, section in navigation.NAV.items()}
    yield
    for code, items in saved.items():
        navigation.NAV[code].items[:] = items


@pytest.mark.django_db
def test_cached_sidebar_never_shows_one_user_the_menu_of_another(make_user, login, saved_nav):
    """The sidebar is rendered once per set of visible items: an auditor's menu (with the audit
    item) rendered first must not be what the system administrator then gets, in either language."""
    nav_register("audit", "审计事件(缓存测试)", "core:dashboard", "audit.event.view", order=1)
    auditor, admin = make_user("auditor"), make_user("system_admin")
    assert "审计事件(缓存测试)" in login(auditor).get("/").content.decode()
    admin_client = login(admin, Client())
    assert "审计事件(缓存测试)" not in admin_client.get("/").content.decode()
    admin_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = admin_client.get("/").content.decode()
    with translation.override("en"):
        assert escape(str(navigation.NAV["org"].label)) in english  # the section title in English
    assert "审计事件(缓存测试)" not in english


def test_table_cells_show_times_in_the_organisations_time_zone_as_templates_do():
    """A time stored in UTC (00:50Z) is listed as the organisation's local time (08:50 in Asia/Shanghai),
    the same text the template engine gives; dates, numbers and booleans are unchanged."""
    import datetime

    from django.template import Context, Template
    from django.utils import timezone

    from xinan.core.tables import _cell

    stored = datetime.datetime(2026, 11, 26, 0, 50, tzinfo=datetime.timezone.utc)
    with timezone.override("Asia/Shanghai"), translation.override("zh-hans"):
        for value in (stored, datetime.date(2026, 11, 26), 7, True):
            assert _cell(value) == Template("{{ v }}").render(Context({"v": value}))
        assert "08:50" in _cell(stored) and "00:50" not in _cell(stored)


@pytest.mark.django_db
def test_filter_bar_keeps_every_choice_including_yes_no(make_user, login):
    """The equipment filters: department and kind as fast selects with their options, and the
    yes/no 重要资产 filter with its three options (it keeps Django's own widget)."""
    html = login(make_user("system_admin")).get("/assets/equipment/").content.decode()
    important = re.search(r'<select name="important".*?</select>', html, re.S).group(0)
    assert len(re.findall(r"<option", important)) == 3
    kind = re.search(r'<select name="kind".*?</select>', html, re.S).group(0)
    assert "台式计算机" in kind and len(re.findall(r"<option", kind)) > 5


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["kind=desktop&department={d}&important=true", "", "department=999999&important=false"])
def test_filter_bar_gives_the_markup_of_the_form_it_replaced(department, query):
    """The filter bar written from the kept fields (``filters.ListFilters.render``) is what the
    template loop over a bound FilterSet form gave: label, ``for`` and the widget of each field,
    chosen values selected, a refused value marked invalid, labels escaped."""
    from django.http import QueryDict
    from django.template import Context, Template

    from xinan.core.filters import filterset_class, list_filters

    equipment = registry.get("equipment")
    params = QueryDict(query.format(d=department.pk))
    form = filterset_class(equipment)(params, queryset=equipment.model.objects.all()).form
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-select form-select-sm" if isinstance(field.widget, forms.Select)
                                      else "form-control form-control-sm")
    template = Template('{% for f in form %}<div class="col-auto"><label class="form-label" for="{{ f.id_for_label }}">'
                        '{{ f.label }}</label>{{ f }}</div>\n{% endfor %}')
    expected = template.render(Context({"form": form}))
    filters = list_filters(equipment)
    html = str(filters.render(params, filters.clean(params)))
    assert _normalise(html) == _normalise(expected)
    if "desktop" in query:
        assert 'value="desktop" selected' in html and f'value="{department.pk}" selected' in html
        assert 'value="true" selected' in html
    if "999999" in query:
        assert 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_cached_sidebar_marks_the_page_being_shown(make_user, login):
    """The sidebar is kept per set of grants and active item: each page still marks its own item,
    and the next page does not inherit the previous one's mark."""
    client = login(make_user("system_admin"))

    def active_links(path):
        html = client.get(path).content.decode()
        return re.findall(r'<a class="dropdown-item active" href="([^"]+)" aria-current="page">', html)

    assert active_links("/assets/equipment/") == ["/assets/equipment/"]
    assert active_links("/org/people/") == ["/org/people/"]
    assert active_links("/assets/equipment/") == ["/assets/equipment/"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_value_rows_give_the_markup_of_model_rows(make_person, make_department, language):
    """List pages read rows as tuples and related rows by key (tables.value_rows); the table must
    be what the model instances gave: related rows by their __str__ (escaped), choices as labels in
    the page language, dates localised, empty values as —, archived rows muted."""
    from datetime import date

    from django.utils import timezone

    from xinan.core.tables import value_rows
    from xinan.org.models import Person

    dept = make_department(name="<b>审计部</b>")
    people = [make_person(name="王五", dept=dept), make_person(name="赵六", dept=dept, joined_on=date(2024, 3, 1))]
    Person.objects.filter(pk=people[1].pk).update(archived_at=timezone.now())
    register = registry.get("people")
    rows = register.base_queryset().filter(pk__in=[p.pk for p in people]).order_by("pk")
    with translation.override(language):
        expected = str(table_rows(register, list(rows), "registers:people_detail"))
        got = str(value_rows(register, rows, tuple(register.list_fields()), "registers:people_detail"))
    assert got == expected
    assert "&lt;b&gt;审计部&lt;/b&gt;" in got and got.count('class="text-muted"') == 1


@pytest.mark.django_db
def test_a_renamed_related_row_shows_on_every_list_at_the_next_request(make_person, make_department, make_user,
                                                                        login):
    """A department's name is kept per process for the lists that show it; a list built from
    that (no query on departments) must still be rebuilt when the department is renamed."""
    from xinan.org import services

    dept = make_department(name="旧名部门")
    make_person(name="王五", dept=dept)
    client = login(make_user("system_admin"))
    assert "旧名部门" in client.get("/org/people/").content.decode()
    assert "旧名部门" in client.get("/org/people/?sort=name").content.decode()  # the name from the kept rows
    services.department_update(None, dept, name="新名部门")
    for path in ("/org/people/", "/org/people/?sort=name"):
        html = client.get(path).content.decode()
        assert "新名部门" in html and "旧名部门" not in html, path


@pytest.mark.parametrize("query", ["", "sort=asset_no", "kind=desktop&sort=-asset_no&q=a+b%26c",
                                   "q=%3Cx%3E&sort=location&sort=hostname&status=in_use", "status=in_use&kind=server"])
def test_header_row_gives_the_markup_of_the_template_it_replaced(query):
    """The column headers, written in Python: each label linking to the list sorted by it (the
    other way round when it is the current sort), the other parameters kept in order."""
    from django.http import QueryDict
    from django.template import Context, Template

    from xinan.core.tables import header_row, query_with

    register = registry.get("equipment")
    params = QueryDict(query, mutable=True)
    sort = params.get("sort", "")
    template = Template(
        '{% for name, label, sort_query in headers %}<th><a href="?{{ sort_query }}">{{ label }}'
        '{% if sort == name %} ▲{% elif sort == "-"|add:name %} ▼{% endif %}</a></th>{% endfor %}')
    headers = [(c, register.label(c), query_with(params, "sort", f"-{c}" if sort == c else c)) for c in register.columns]
    with translation.override("zh-hans"):
        expected = template.render(Context({"headers": headers, "sort": sort}))
        assert header_row(register, params, sort) == expected
    assert "&amp;" in expected or "&" not in "".join(h[2] for h in headers)


@pytest.mark.django_db
def test_filters_applied_in_one_call_select_what_the_filterset_selects(make_department, make_person):
    """``ListFilters.apply`` puts the plain filters into one ``filter()`` call; every combination
    of values (choice, related row, yes/no, none) selects the rows the FilterSet selects."""
    from itertools import product

    from django.http import QueryDict

    from xinan.assets import services as assets
    from xinan.assets.models import Equipment
    from xinan.core.filters import filterset_class, list_filters

    one, two = make_department("甲"), make_department("乙")
    for i, (dept, kind, status, important) in enumerate(product((one, two), ("desktop", "server"), ("in_use", "spare"),
                                                                 (True, False))):
        assets.equipment_create(None, asset_no=f"F{i:03d}", kind=kind, department=dept, status=status,
                                important=important, impact="影响" if important else "",
                                responsible=make_person(dept=dept) if kind == "desktop" else None)
    equipment = registry.get("equipment")
    filters = list_filters(equipment)
    assert set(filters._plain_lookups) >= {"department", "kind", "status", "important"}
    base = Equipment.objects.all()
    for dept, kind, status, important in product(("", one.pk, two.pk), ("", "server"), ("", "spare"), ("", "true", "false")):
        params = QueryDict(f"department={dept}&kind={kind}&status={status}&important={important}")
        cleaned = filters.clean(params)
        expected = set(filterset_class(equipment)(params, queryset=base).qs.values_list("pk", flat=True))
        got = set(filters.apply(base, cleaned).values_list("pk", flat=True))
        assert got == expected, params.urlencode()
        live = set(filters.apply(base, cleaned, archived_at__isnull=True).values_list("pk", flat=True))
        assert live == expected  # none archived
    assert len(set(filters.apply(base, filters.clean(QueryDict(f"department={one.pk}&kind=server"))).values_list(
        "pk", flat=True))) == 4


@pytest.mark.django_db
def test_first_page_that_holds_the_whole_list_needs_no_count(make_user, login, department):
    """The first page is read before the count: a list that fits on it is counted by its rows (no
    COUNT query); a longer one is counted, and every page, a page past the end (the last page) and
    a page number that is not one (the first) show what Django's paginator gave."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinan.assets.services import equipment_create

    user = make_user("system_admin")
    client = login(user)
    for i in range(3):
        equipment_create(user, asset_no=f"PG-{i:03d}", kind="desktop", department=department)

    def page(**params):
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/assets/equipment/", params).content.decode()
        counts = [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "assets_equipment" in q["sql"]]
        return html, len(counts), re.findall(r'<a href="/assets/equipment/\d+/">(PG-\d+)</a>', html)

    html, counted, shown = page()
    assert (counted, shown) == (0, ["PG-000", "PG-001", "PG-002"]) and "共 3 条" in html and "1 / 1" in html
    for i in range(3, 27):
        equipment_create(user, asset_no=f"PG-{i:03d}", kind="desktop", department=department)
    html, counted, shown = page(per_page="25")
    assert counted == 1 and shown == [f"PG-{i:03d}" for i in range(25)] and "共 27 条" in html and "1 / 2" in html
    html, counted, shown = page(per_page="25", page="2")
    assert shown == ["PG-025", "PG-026"] and "共 27 条" in html and "2 / 2" in html
    for number in ("9", "0", "-1"):  # past the end: the last page
        assert page(per_page="25", page=number)[2] == ["PG-025", "PG-026"], number
    for number in ("x", "1.5", "1"):  # not a page number: the first page
        html, _counted, shown = page(per_page="25", page=number)
        assert len(shown) == 25 and "1 / 2" in html, number
