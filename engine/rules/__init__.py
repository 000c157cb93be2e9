"""Stage 3: YAML rule packs → results (hookspecs, plugins, packs, scope, evaluation, examples).

Pack authors mark their hooks with `hookimpl`, exported here: `from engine.rules import hookimpl`.
It is `pluggy.HookimplMarker("nianbao")`, so a pack may equally make its own with that name and
need no import from the engine at all (the shipped packs do).
"""

from engine.rules.hookspecs import hookimpl

__all__ = ["hookimpl"]
