"""Coverage of the catalogue by the pack: per domain and per kind, how many clauses are
implemented, attested, not applicable or missing (and, of the missing, how many in part)."""

from collections import Counter, defaultdict

from .resolution import Resolution, resolve

COLUMNS = ("implemented", "attestation", "not_applicable", "missing")


def rows(resolutions: dict[str, Resolution] | None = None) -> list[Resolution]:
    return list((resolutions or resolve()).values())


def tally(items: list[Resolution], key: str) -> list[tuple[str, Counter]]:
    groups: dict[str, Counter] = defaultdict(Counter)
    for r in items:
        counter = groups[getattr(r, key)]
        counter[r.status] += 1
        counter["total"] += 1
        if r.status == "missing" and r.by:
            counter["partial"] += 1
    return sorted(groups.items(), key=lambda kv: (-kv[1]["total"], kv[0]))


def totals(items: list[Resolution]) -> Counter:
    counter = Counter(r.status for r in items)
    counter["total"] = len(items)
    counter["partial"] = sum(1 for r in items if r.status == "missing" and r.by)
    return counter


def _table(title: str, groups, total: Counter) -> list[str]:
    head = f"{title:<18}{'total':>7}{'implemented':>13}{'attestation':>13}{'not_applicable':>16}{'missing':>9}{'(partial)':>11}"
    lines = [head, "-" * len(head)]
    for name, c in groups + [("合计 / total", total)]:
        if name == "合计 / total":
            lines.append("-" * len(head))
        label = name if name != "合计 / total" else "total"
        lines.append(f"{label:<18}{c['total']:>7}{c['implemented']:>13}{c['attestation']:>13}{c['not_applicable']:>16}"
                     f"{c['missing']:>9}{c['partial']:>11}")
    return lines


def report(items: list[Resolution], pack_name: str) -> str:
    total = totals(items)
    out = [f"条款覆盖 / coverage — pack {pack_name}, catalogue {len(items)} clauses",
           "implemented = 已实现(记录可证或系统强制) / records show it or the software enforces it; "
           "attestation = 以声明为证; (partial) = missing but covered in part",
           "", "按领域 / by domain"]
    out += _table("domain", tally(items, "domain"), total)
    out += ["", "按类型 / by kind"]
    out += _table("kind", tally(items, "kind"), total)
    missing = [r for r in items if r.status == "missing"]
    out += ["", f"未实现 / not yet implemented ({len(missing)}):"]
    by_domain: dict[str, list[str]] = defaultdict(list)
    for r in missing:
        by_domain[r.domain].append(r.id + ("*" if r.by else ""))
    for domain in sorted(by_domain):
        ids = by_domain[domain]
        out.append(f"  {domain} ({len(ids)}): " + ", ".join(ids))
    out.append("  (* = partly covered; `xinan policy coverage --format json` lists by what)")
    return "\n".join(out)
