"""One rule for text a person typed or a file carried: it is shown as text, never as markup.

Streamlit reads Markdown (with colour, emoji short codes, icons and LaTeX) in titles,
labels, captions, help texts, table cells and `st.markdown`. A partner named
`**Evil** :red[Corp] $x$ ![](http://tracker/pixel)` must appear exactly like that, fetch
nothing and link nowhere, so every such string passes through `literal` on its way out.
"""

from __future__ import annotations

import re

__all__ = ["literal"]

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the
# ones that start emphasis, links, images, code, headings, lists, tables, HTML, colour
# (`:red[…]`), short codes (`:smile:`) or LaTeX (`$…$`) in Streamlit's Markdown.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:=^&\"'])")
# GFM turns bare addresses into links after parsing, escapes or not: "http://…", "www.…" and
# "name@host.tld". An invisible WORD JOINER inside each breaks the pattern, not the text.
_WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(https?|ftp|www)(?=\\?[:.])|(?<=[\w.+-])(?=@)")


def literal(text: object) -> str:
    """`text` with every Markdown, colour, short-code and LaTeX character escaped, bare web
    and e-mail addresses kept from becoming links, and its line breaks kept as line breaks."""
    escaped = _AUTOLINK.sub(lambda m: m.group(0) + _WORD_JOINER, str(text))
    escaped = _MARKUP.sub(r"\\\1", escaped)
    return "  \n".join(escaped.splitlines()) if "\n" in escaped else escaped
