import numpy as np
import numpy.typing as npt

# one query token's votes: entities (ascending, distinct), their weights, the name of each that voted
_Votes = tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], npt.NDArray[np.int32]]
# min_df, weights, sizes, largest, tids: the fields of memory._Expansion
_ExpansionFields = tuple[int, npt.NDArray[np.float64], npt.NDArray[np.int64], int, npt.NDArray[np.int32]]

class Tables:
    """An index's lookup tables and its tokens' votes, as the compiled expansion reads them (see _votes.c)."""

    def __init__(
        self,
        vocab: dict[str, int],
        by_phonetic: dict[str, list[int]],
        by_deletion: dict[str, list[int]],
        by_skeleton: dict[str, list[int]],
        sorted_vocab: list[str],
        idf: list[float],
        post_size: list[int],
        flat_ents: npt.NDArray[np.int32],
        flat_nids: npt.NDArray[np.int32],
        vote_start: npt.NDArray[np.int64],
        max_idf: float,
        max_expansions: int,
        max_prefix: int,
        dicts_only: bool = False,
        /,
    ) -> None: ...

def expansion(
    tables: Tables,
    text: str,
    variants: tuple[str, ...],
    ocr: str,
    phonetic: str,
    skeleton: str,
    vowelless: bool,
    initial: bool,
    syllabic: bool,
    /,
) -> _ExpansionFields: ...
def expansion_of(
    tables: Tables, text: str, variants: tuple[str, ...], syllabic: bool, /
) -> _ExpansionFields | None: ...
def best_per_entity(
    tables: Tables, tids: npt.NDArray[np.int32], weights: npt.NDArray[np.float64], /
) -> _Votes: ...
def pair_gains(items: list[tuple[_Votes, _Votes | None, _Votes | None]], /) -> _Votes | None: ...
