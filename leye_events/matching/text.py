"""Chinese (and mixed) text to search tokens with jieba, the segmenter used for matching.

``tokens`` uses jieba's search mode, which also yields the shorter words inside long ones
(数据分析 → 数据, 分析, 数据分析), so that a seeker's 数据分析 meets a post's 数据 岗位.
Punctuation, whitespace, stop words and single Latin letters are dropped; Latin words are
lower-cased.
"""
import logging
import re
import threading

_init_lock = threading.Lock()
_ready = False

STOP_WORDS = frozenset("""
的 了 和 与 及 或 等 在 是 有 为 对 能 会 可 以 上 下 中 人 我 你 他 她 我们 你们 相关 优先 熟悉 熟练 具有 具备
良好 一定 能力 工作 负责 要求 岗位 职位 进行 使用 以上 以下 左右 经验 年 个 名 者 可以 愿意 希望 一 二 三
""".split())
_WORD = re.compile(r"[\w\u4e00-\u9fff]+")


def _ensure_ready():
    """jieba, imported and initialized on first use (it costs a worker ~21 MiB; only matching needs it)."""
    global _ready
    if not _ready:
        with _init_lock:
            if not _ready:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    import jieba

    return jieba


def tokens(text: str | None) -> list[str]:
    """The search tokens of ``text`` (repeats kept: BM25 counts them)."""
    if not text:
        return []
    jieba = _ensure_ready()
    result = []
    for word in jieba.lcut_for_search(text):
        word = word.strip().lower()
        if not word or word in STOP_WORDS or not _WORD.fullmatch(word):
            continue
        if len(word) == 1 and word.isascii():
            continue
        result.append(word)
    return result


def phrases(text: str | None) -> list[str]:
    """The phrases a person typed in a list field (split on commas, slashes, spaces and the like)."""
    return [part.strip() for part in re.split(r"[,，、;；/\s]+", text or "") if part.strip()]
