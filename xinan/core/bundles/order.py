"""The order a bundle is written in: registers after the registers their rows name (people after
departments and posts), and inside a register that names itself (a department's parent) each
row after the row it names."""

import heapq

from ..registers import Register, registry


def related_fields(register: Register) -> list[tuple[str, type]]:
    """(field name, related model) of the register's importable relations."""
    out = []
    for name in register.importable_fields():
        field = register.field(name)
        if field.is_relation and field.related_model is not None:
            out.append((name, field.related_model))
    return out


def register_order(registers: list[Register] | None = None) -> list[Register]:
    """Registers in dependency order (Kahn's algorithm, ties kept in declaration order).

    A cycle between two registers cannot be loaded row by row; it fails loudly here, at the first
    bundle load or dump after such a declaration, rather than writing half a bundle."""
    registers = list(registry.all() if registers is None else registers)
    by_model = {r.model: r for r in registers}
    needs = {r.slug: {by_model[m].slug for _n, m in related_fields(r) if m in by_model and m is not r.model}
             for r in registers}
    done, out = set(), []
    while len(out) < len(registers):
        ready = [r for r in registers if r.slug not in done and needs[r.slug] <= done]
        if not ready:
            stuck = sorted(set(needs) - done)
            raise RuntimeError(f"registers reference each other in a cycle: {stuck}")
        for r in ready:
            done.add(r.slug)
            out.append(r)
    return out


def rows_in_order(items: list[tuple[int, str | None, set[str]]]) -> tuple[list[int], list[int]]:
    """Order rows of one register so each comes after the rows it names.

    ``items`` are (index, own key, keys of rows of the same register it names). Returns the indexes
    in order (ties in file order), and the indexes caught in a cycle (a department that is its own
    ancestor, or names itself)."""
    by_key = {key: index for index, key, _refs in items if key is not None}
    blockers = {index: {by_key[k] for k in refs if k in by_key} for index, _key, refs in items}
    dependants: dict[int, list[int]] = {}
    for index, needed in blockers.items():
        for other in needed:
            dependants.setdefault(other, []).append(index)
    ready = [index for index, needed in blockers.items() if not needed]
    heapq.heapify(ready)
    order = []
    while ready:
        index = heapq.heappop(ready)
        order.append(index)
        for waiting in dependants.get(index, ()):
            blockers[waiting].discard(index)
            if not blockers[waiting]:
                heapq.heappush(ready, waiting)
    placed = set(order)
    return order, [index for index, _k, _r in items if index not in placed]
