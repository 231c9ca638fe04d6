"""A minimal reader of the WordNet 3.0 noun database (Debian ``wordnet-base``).

Only what mapping ImageNet classes to tags needs: synsets named like nltk (``dog.n.01``) and
their hypernym closure. Reading the two plain-text files directly avoids a dependency.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DEFAULT_WORDNET_DIR = Path("/usr/share/wordnet")


class WordNet:
    def __init__(self, root: Path = DEFAULT_WORDNET_DIR) -> None:
        self._hypernyms: dict[str, list[str]] = {}
        self._lemmas: dict[str, list[str]] = {}
        self._senses: dict[str, list[str]] = {}
        self._read_data(root / "data.noun")
        self._read_index(root / "index.noun")

    def _read_data(self, path: Path) -> None:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("  "):  # licence header
                    continue
                fields = line.split(" | ")[0].split()
                offset, n_words = fields[0], int(fields[3], 16)
                self._lemmas[offset] = [fields[4 + 2 * i] for i in range(n_words)]
                pos = 4 + 2 * n_words
                n_pointers = int(fields[pos])
                parents = []
                for i in range(n_pointers):
                    symbol, target = fields[pos + 1 + 4 * i], fields[pos + 2 + 4 * i]
                    if symbol in ("@", "@i"):  # hypernym, instance hypernym
                        parents.append(target)
                self._hypernyms[offset] = parents

    def _read_index(self, path: Path) -> None:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                fields = line.split()
                lemma, n_senses = fields[0], int(fields[2])
                self._senses[lemma] = fields[-n_senses:]

    def offset(self, name: str) -> str:
        """``'dog.n.01'`` -> its 8-digit offset (raises KeyError for unknown names)."""
        lemma, pos, number = name.rsplit(".", 2)
        if pos != "n":
            raise KeyError(f"only nouns are supported: {name}")
        return self._senses[lemma.lower()][int(number) - 1]

    def lemmas(self, offset: str) -> list[str]:
        return self._lemmas[offset]

    def ancestors(self, offset: str) -> frozenset[str]:
        """The offset itself and every hypernym above it."""
        return _closure(self, offset)


@cache
def _closure(wordnet: WordNet, offset: str) -> frozenset[str]:
    result = {offset}
    for parent in wordnet._hypernyms.get(offset, []):
        result |= _closure(wordnet, parent)
    return frozenset(result)


def wnid_to_offset(wnid: str) -> str:
    """ImageNet ids are 'n' + the WordNet 3.0 noun offset."""
    return wnid[1:]
