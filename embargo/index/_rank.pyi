from array import array

import numpy as np
import numpy.typing as npt

_Votes = tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], npt.NDArray[np.int32]]

class Scratch:
    def __init__(self, n_entities: int) -> None: ...

def rank(
    scratch: Scratch,
    voting: list[tuple[list[_Votes], list[int], npt.NDArray[np.float64]]],
    initials: array[int],
    sizes: array[int],
    limit: int,
    keep_ratio: float,
) -> list[tuple[int, tuple[int, ...]]]: ...
