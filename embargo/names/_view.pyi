from embargo.names.prepare import PreparedName, Token

class View:
    """One prepared name as the compiled scoring reads it (see _view.c)."""

    def __init__(
        self,
        tokens: tuple[Token, ...],
        roles: tuple[str, ...],
        rarity: tuple[float, ...],
        syllabic: bool,
        abjad: bool,
        joined: tuple[str, ...],
    ) -> None: ...
    def fields(
        self,
    ) -> tuple[
        tuple[str, ...], tuple[str, ...], tuple[bool, ...], tuple[float, ...], bool, bool, tuple[str, ...]
    ]: ...

def view_of(name: PreparedName, rarity: dict[str, float], unknown: float, /) -> View: ...
