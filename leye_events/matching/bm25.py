"""Okapi BM25 over token lists, with an inverted index so that a query only touches the
documents that share a term with it."""
import math
from collections import Counter

K1 = 1.5
B = 0.75


class Bm25Index:
    """An index of ``{doc_id: tokens}``; ``scores(query)`` gives each matching document its BM25 score."""

    def __init__(self, documents: dict[int, list[str]]):
        self.size = len(documents)
        self.lengths = {doc_id: len(words) for doc_id, words in documents.items()}
        self.average_length = (sum(self.lengths.values()) / self.size) if self.size else 0.0
        self.postings: dict[str, dict[int, int]] = {}
        for doc_id, words in documents.items():
            for word, count in Counter(words).items():
                self.postings.setdefault(word, {})[doc_id] = count

    def idf(self, word: str) -> float:
        frequency = len(self.postings.get(word, ()))
        return math.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5))

    def scores(self, query: list[str]) -> dict[int, float]:
        """BM25 score of every document sharing at least one query term (query terms counted once)."""
        result: dict[int, float] = {}
        average = self.average_length or 1.0
        for word in set(query):
            posting = self.postings.get(word)
            if not posting:
                continue
            weight = self.idf(word)
            for doc_id, count in posting.items():
                norm = K1 * (1 - B + B * self.lengths[doc_id] / average)
                result[doc_id] = result.get(doc_id, 0.0) + weight * count * (K1 + 1) / (count + norm)
        return result

    def matched_terms(self, query: list[str], doc_id: int) -> list[str]:
        """The query terms found in the document, in query order, each once."""
        seen, found = set(), []
        for word in query:
            if word not in seen and doc_id in self.postings.get(word, ()):
                found.append(word)
            seen.add(word)
        return found
