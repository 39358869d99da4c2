"""embargo-v4, released after embargo-v3 (``tests/match/test_embargo_v4.py`` and the golden scores of
``tests/match`` pin it).

embargo-v3, plus:
- an organisation's listed name is also read as the list wrote it, where v3's reading changed it (its legal
  form as its class): a query that writes the form damaged (``"J. STOCK COMPANY X"``, ``"COMPANY STOCK JOINT
  X"``, ``"JOINT COMPANY X"``) is not read as the form, and meets the listed words one by one, as v2 did;
- a name that has no word that names anyone, only initials and titles (a vessel ``"K M A"``, ``"LADY
  D"``), is also read written as one word (``"kma"``, ``"ladyd"``), on both sides: other writers run such
  names together, and without it retrieval had no word to look up;
- a query name in the Arabic script is also read with ``ض ظ ذ ث`` said as Persian and Urdu say them (z, z,
  z, s), as the lists write names from Iran, Afghanistan and Pakistan (``"فضل"`` -> Fazal), and with a final
  ``ى`` read as the ``ي`` Egyptian writing leaves undotted (``"على"`` -> Ali).
"""

from __future__ import annotations

from dataclasses import replace

from embargo.match import embargo_v3
from embargo.match.reading import read_query_v4
from embargo.match.scoring import Algorithm
from embargo.names.readings import listed_names_v4

NAME: str = "embargo-v4"

ALGORITHM: Algorithm = replace(
    embargo_v3.ALGORITHM,
    name=NAME,
    description="embargo-v3, plus: an organisation's listed name also as written; a name of initials and titles alone (a vessel's 'K M A') also read "
    "as one word on both sides; an Arabic-script name also read with its d/z/th letters as Persian and Urdu "
    "say them and its final alif maqsura as Egyptian ya.",
    listed_reading=listed_names_v4,
    query_reading=read_query_v4,
)
