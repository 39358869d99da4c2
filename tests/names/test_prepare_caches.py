"""The caches of prepared names stay out of the collector's young generation."""

from __future__ import annotations

import gc

from embargo.names.prepare import prepare_name


def test_a_new_name_does_not_make_the_collector_walk_the_cache_of_names() -> None:
    """After the caches were frozen (as the API server and the batch runner freeze what an index made), a
    name prepared for the first time leaves no large container among the young objects: one there is
    walked by every collection of them (a cache keyed by (name, schema) tuples was, with all its names)."""
    for i in range(3000):
        prepare_name(f"Ivan Petrov {i:04d}", "Person")
        prepare_name(f"Acme Trading {i:04d} LLC", None)
    gc.collect()
    gc.freeze()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        prepare_name("Olga Nikolayevna Sidorova", "Person")
        prepare_name("Sidorova Trading LLC", "Company")
        young = gc.get_objects(generation=0)
        big = [type(o).__name__ for o in young if isinstance(o, dict | list | set) and len(o) > 1000]
        assert not big
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
