"""Exact and near-duplicate articles within a batch (syndicated copies of one wire story).

Exact copies share a fingerprint of their normalised words (case, punctuation and spacing do
not matter). Near copies (the same story with another intro line, a trimmed tail or a
different byline) are found with MinHash over word 5-shingles and LSH (datasketch), then
confirmed on the estimated Jaccard similarity. The first article seen is the canonical one;
every later copy points at it, so a stream can be deduplicated as it goes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from datasketch import MinHash, MinHashLSH

from sitreps.records import Article

DEFAULT_THRESHOLD = 0.7
NUM_PERM = 128
SHINGLE_WORDS = 5
_WORD_RE = re.compile(r"\w+")


def text_fingerprint(text: str) -> str:
    """A hash of the text's words, lower-cased: equal for copies that differ only in form."""
    words = _WORD_RE.findall(text.casefold())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def minhash(text: str, num_perm: int = NUM_PERM) -> MinHash | None:
    """MinHash of the text's word 5-shingles; None for a text too short to have one."""
    words = _WORD_RE.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return None
    grams = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    signature = MinHash(num_perm=num_perm)
    signature.update_batch([gram.encode("utf-8") for gram in grams])
    return signature


class DuplicateFinder:
    """Streaming duplicate detection: ``add`` each article, get its canonical id or None."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.threshold, self.num_perm = threshold, num_perm
        self._exact: dict[str, str] = {}
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._signatures: dict[str, tuple[int, MinHash, str]] = {}

    def add(self, article: Article) -> str | None:
        """The id of the earlier article this one copies, or None (it becomes canonical)."""
        fingerprint = text_fingerprint(article.text)
        if fingerprint in self._exact:
            return self._exact[fingerprint]
        signature = minhash(article.text, self.num_perm)
        canonical = self._near_copy_of(signature) if signature is not None else None
        if canonical is not None:
            self._exact[fingerprint] = canonical
            return canonical
        self._exact[fingerprint] = article.id
        if signature is not None:
            key = str(len(self._signatures))
            self._signatures[key] = (len(self._signatures), signature, article.id)
            self._lsh.insert(key, signature)
        return None

    def _near_copy_of(self, signature: MinHash) -> str | None:
        matches = []
        for key in self._lsh.query(signature):
            order, other, article_id = self._signatures[key]
            if signature.jaccard(other) >= self.threshold:
                matches.append((order, article_id))
        return min(matches)[1] if matches else None


def find_duplicates(
    articles: Iterable[Article], threshold: float = DEFAULT_THRESHOLD
) -> dict[str, str]:
    """{article id: canonical article id} for every article that copies an earlier one.

    The canonical article is the first of its group in input order; it is not in the result.
    Articles whose ids are equal (same text, no caller id) are one article here.
    """
    finder = DuplicateFinder(threshold)
    duplicates: dict[str, str] = {}
    for article in articles:
        canonical = finder.add(article)
        if canonical is not None and canonical != article.id:
            duplicates[article.id] = canonical
    return duplicates
