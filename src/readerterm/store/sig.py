"""Per-article text signatures for "more on this story": pure functions, no I/O.

An article's terms are its most frequent content words with their counts (title words
count TITLE_WEIGHT times), at most MAX_TERMS, counted from the text FTS5 indexed when a
query needs them (related.py). They are weighted by idf at query time; the document
frequencies come from FTS5's own vocabulary. Near-duplicates (the
same wire story in two feeds) are told at query time, from word 3-shingles of the few
texts ranked highest: cheaper than a sketch for every article written.

Words are split and folded the way FTS5's `unicode61 remove_diacritics 2` tokenizer does
(letters and digits, lower case, accents dropped), so they match its vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from operator import itemgetter

MAX_TERMS = 64
TITLE_WEIGHT = 3
SHINGLE_WORDS = 400

_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile(r"[\u0300-\u036f]+")
_ACCENTED = re.compile(r"[^\x00-\x7f\u2000-\u206f]")  # beyond ASCII and punctuation

# Function words of English and German (the languages of most feeds here) and the
# reporting verbs every news story has. Anything else common is down-weighted by idf.
_STOP = """
a about above after again against all almost also although am among an and another any
are around as at be because been before being below between both but by can could did do
does doing down during each either else even ever every few for from further had has have
having he her here hers herself him himself his how however i if in into is it its itself
just least less let like many may me might more most much must my myself neither no nor
not now of off often on once one only or other others otherwise our ours ourselves out
over own per perhaps rather same several shall she should since so some still such than
that the their theirs them themselves then there these they this those though through
thus to too under until up upon us very via was we were what whatever when where whether
which while who whom whose why will with within without would yet you your yours
yourself yourselves said says say saying told tell according added adds just new two
three four five six seven eight nine ten first last year years time week day today
yesterday monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr get got
make made going people way well back including around still many much told
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer
anderes auch auf aus bei bin bis bist da damit dann das dass dem den denen der des
dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem
einen einer eines er es etwas euch euer für gegen gewesen hab habe haben hat hatte
hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in indem
ins ist jede jedem jeden jeder jedes jetzt kann kein keine keinem keinen keiner können
könnte man manche mehr mein meine mich mir mit muss musste nach nicht nichts noch nun
nur ob oder ohne sehr sein seine seinem seinen seiner seit sich sie sind so solche soll
sollte sondern sonst über um und uns unser unter viel vom von vor wann war waren warum
was weil weiter welche wenn wer werde werden wie wieder will wir wird wo wurde wurden
zu zum zur zwar zwischen sagte sagt heute jahr jahre
"""


# ASCII text: every character but a letter or a digit becomes a space, then split (the
# same tokens as _WORD, about three times faster: a refresh does this for every article).
_ASCII_SEPARATORS = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})


def words(text: str) -> list[str]:
    """The text's tokens as FTS5's unicode61 tokenizer (remove_diacritics 2) makes them."""
    if text.isascii():
        return text.lower().translate(_ASCII_SEPARATORS).split()
    if _ACCENTED.search(text):
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return _WORD.findall(text.lower())


STOPWORDS = frozenset(words(_STOP))


def term_counts(title: str, body: str) -> dict[str, int]:
    """The article's content words with counts (title words weighted), top MAX_TERMS."""
    counts: dict[str, int] = {}
    for term in words(body):  # (a plain dict counts faster than Counter's constructor)
        counts[term] = counts.get(term, 0) + 1
    for term in words(title):
        counts[term] = counts.get(term, 0) + TITLE_WEIGHT
    for term in STOPWORDS.intersection(counts):
        del counts[term]
    kept = [(t, n) for t, n in counts.items()
            if len(t) > 2 or (len(t) == 2 and not t.isdigit())]
    if len(kept) > MAX_TERMS:
        kept = sorted(kept, key=itemgetter(1), reverse=True)[:MAX_TERMS]
    return dict(kept)


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    """The word 3-shingles of the text's opening SHINGLE_WORDS words (stop words kept:
    word order is what tells a copy from a retelling)."""
    tokens = words(text)[:SHINGLE_WORDS]
    return frozenset(zip(tokens, tokens[1:], tokens[2:], strict=False))


def resemblance(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    """Jaccard similarity of two shingle sets: near 1 for the same wire story."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
