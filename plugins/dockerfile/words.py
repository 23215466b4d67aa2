"""Word-level rules of Dockerfiles: quoting, flags, JSON arrays, ARG expansion, argument shapes.

They follow BuildKit's Dockerfile frontend (`parser/line_parsers.go`, `split_command.go`,
`shell/lex.go`, `instructions/parse.go`) so checks see the words Docker would see. They are
pure functions on strings that raise `ValueError` in BuildKit's words; the parser adds the line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping

Pairs = tuple[tuple[str, str | None], ...]
Shape = tuple[tuple[str, ...], tuple[str, ...] | None, Pairs]  # (args, exec_form, pairs)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]")
_HEREDOC = re.compile(r"(\d*)<<(-?)\s*([^<]*)")
_FLAG_START = re.compile(r"\s*--")
_STAGE_NAME = re.compile(r"[a-z][a-z0-9-_.]*")


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # Go's decoder refuses NaN/Infinity: shell form


_JSON = json.JSONDecoder(parse_constant=_reject_constant)


def _word_pattern(escape: str, heredoc: bool) -> re.Pattern[str]:
    """One word: runs of plain characters, quoted strings and escaped characters."""
    e = re.escape(escape)
    plain = f"[^\\s'\"{e}<]+|<" if heredoc else f"[^\\s'\"{e}]+"
    parts = [plain, "'[^']*'?", f'"(?:[^"{e}]|{e}.)*"?', f"{e}.?"]
    if heredoc:
        parts.insert(0, "<<[ \\t]*")  # BuildKit's lexer keeps `<< EOF` together
    return re.compile("(?:" + "|".join(parts) + ")+", re.DOTALL)


def _token_pattern(escape: str) -> re.Pattern[str]:
    """The pieces of one word, for quote removal."""
    e = re.escape(escape)
    return re.compile(f"[^'\"{e}]+|'[^']*'?|\"(?:[^\"{e}]|{e}.)*\"?|{e}.?", re.DOTALL)


_WORDS = {(e, h): _word_pattern(e, h) for e in ("\\", "`") for h in (False, True)}
_TOKENS = {e: _token_pattern(e) for e in ("\\", "`")}
_DQ_ESCAPES = {e: re.compile(f'{re.escape(e)}(["$]|{re.escape(e)})') for e in ("\\", "`")}


# --- splitting and quote removal -----------------------------------------------------------


def split_words(text: str, escape: str = "\\", *, heredoc: bool = False) -> list[str]:
    """Whitespace-separated words with quotes and escapes kept, as BuildKit's `parseWords`.

    Nothing is removed because the quote marks still matter later (to tell `ENV a="b c"` from
    `ENV a=b c`, or a quoted heredoc delimiter from a bare one). With `heredoc`, `<<` keeps the
    blanks after it so `<< EOF` stays one word, as in BuildKit's lexer.
    """
    return _WORDS[escape, heredoc].findall(text)


def unquote(word: str, escape: str = "\\") -> str:
    """`word` with quotes and escapes removed but `$VAR` kept, as Docker stores ENV/LABEL text."""
    if escape not in word:
        if "'" not in word and '"' not in word:
            return word
        if len(word) > 1 and word[0] == word[-1] and word[0] in "'\"" and word[0] not in word[1:-1]:
            return word[1:-1]  # the common `"simple value"`
    out = []
    for token in _TOKENS[escape].findall(word):
        first = token[0]
        if first == "'":
            out.append(token[1:-1] if len(token) > 1 and token[-1] == "'" else token[1:])
        elif first == '"':
            inner = token[1:-1] if len(token) > 1 and token[-1] == '"' else token[1:]
            out.append(_DQ_ESCAPES[escape].sub(r"\1", inner))
        elif first == escape:
            out.append(token[1:])
        else:
            out.append(token)
    return "".join(out)


def extract_flags(text: str) -> tuple[Pairs, str]:
    """Leading `--name[=value]` words and the rest of the arguments, as `extractBuilderFlags`.

    Flags are only recognised before the first argument; a bare `--` ends them. Quotes inside a
    flag are removed and a backslash escapes the next character (always `\\`, as in BuildKit).
    """
    if not text.startswith("--"):
        return (), text
    flags: list[tuple[str, str | None]] = []
    pattern, pos = _WORDS["\\", False], 0
    while (start := _FLAG_START.match(text, pos)) is not None:
        match = pattern.match(text, start.end() - 2)
        word, pos = match.group(), match.end()  # type: ignore[union-attr]
        if word == "--":
            break
        if "'" in word or '"' in word or "\\" in word:
            word = _unquote_flag(word)
        name, sep, value = word[2:].partition("=")
        flags.append((name, value if sep else None))
    return tuple(flags), text[pos:].strip()


def _unquote_flag(word: str) -> str:
    """Flag quoting: quotes are dropped and a backslash escapes any character, even in `'...'`."""
    out: list[str] = []
    quote = ""
    chars = iter(word)
    for ch in chars:
        if ch == quote:
            quote = ""
        elif not quote and ch in "'\"":
            quote = ch
        elif ch == "\\":
            out.append(next(chars, ""))
        else:
            out.append(ch)
    return "".join(out)


def parse_json_array(text: str) -> list[str] | None:
    """The exec-form arguments if `text` is a JSON array of strings, else None (shell form).

    As in Docker, text that does not decode as a JSON array is shell form and text after the
    array is ignored, but an array holding a non-string is an error.
    """
    if not text.startswith("["):
        return None
    try:
        value, _ = _JSON.raw_decode(text)
    except ValueError:
        return None
    if not isinstance(value, list):
        return None
    if not all(isinstance(item, str) for item in value):
        raise ValueError("when using JSON array syntax, arrays must be comprised of strings only")
    return value


# --- variable expansion (ARGs in FROM) ------------------------------------------------------


class _Expander:
    """A small port of BuildKit's `ProcessWord`: quotes, escapes and `$VAR`/`${VAR...}` forms.

    Unset variables expand to "" as in BuildKit. `${VAR:?msg}` (an error at build time) and
    modifiers this port does not know expand leniently to the value or "".
    """

    def __init__(self, text: str, env: Mapping[str, str], escape: str) -> None:
        self.text, self.env, self.escape, self.pos = text, env, escape, 0

    def word(self, stop: str = "") -> str:
        out: list[str] = []
        text, n = self.text, len(self.text)
        while self.pos < n and text[self.pos] != stop:
            ch = text[self.pos]
            self.pos += 1
            if ch == self.escape:
                out.append(text[self.pos : self.pos + 1])
                self.pos += 1
            elif ch == "'":
                end = text.find("'", self.pos)
                end = n if end < 0 else end
                out.append(text[self.pos : end])
                self.pos = end + 1
            elif ch == '"':
                out.append(self._double_quoted())
            else:
                out.append(self._dollar() if ch == "$" else ch)
        return "".join(out)

    def _double_quoted(self) -> str:
        out: list[str] = []
        text, n = self.text, len(self.text)
        while self.pos < n and text[self.pos] != '"':
            ch = text[self.pos]
            self.pos += 1
            if ch == "$":
                out.append(self._dollar())
            elif ch == self.escape and text[self.pos : self.pos + 1] in ('"', "$", self.escape):
                out.append(text[self.pos])
                self.pos += 1
            else:
                out.append(ch)
        self.pos += 1  # the closing quote
        return "".join(out)

    def _dollar(self) -> str:
        braced = self.text.startswith("{", self.pos)
        match = _NAME.match(self.text, self.pos + braced)
        if match is None:
            return "$"
        self.pos = match.end()
        if not braced:
            return self.env.get(match.group(), "")
        result = self._modifier(self.env.get(match.group()))
        self.pos += 1  # the closing brace
        return result

    def _modifier(self, value: str | None) -> str:
        op = next((op for op in _MODIFIERS if self.text.startswith(op, self.pos)), "")
        if op == "}":
            return value or ""
        self.pos += len(op)
        arg = self.word(stop="}")
        if op in (":-", "-"):
            return arg if value is None or (op == ":-" and not value) else value
        if op in (":+", "+"):
            return "" if value is None or (op == ":+" and not value) else arg
        if op in ("#", "##", "%", "%%") and value:
            return _trim_pattern(value, arg, op)
        return value or ""


_MODIFIERS = (":-", ":+", ":?", "##", "%%", "-", "+", "?", "#", "%", "}")


def _trim_pattern(value: str, pattern: str, op: str) -> str:
    """`${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}` with the shell globs `*` and `?`."""
    glob = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    regex = re.compile(glob, re.DOTALL)
    cuts = range(len(value) + 1)
    if op[0] == "#":
        for i in reversed(cuts) if op == "##" else cuts:
            if regex.fullmatch(value, 0, i):
                return value[i:]
    else:
        for i in cuts if op == "%%" else reversed(cuts):
            if regex.fullmatch(value, i):
                return value[:i]
    return value


def expand(word: str, env: Mapping[str, str], escape: str = "\\") -> str:
    """`word` with quotes removed and `$VAR`/`${VAR...}` substituted from `env`."""
    if "$" not in word and "'" not in word and '"' not in word and escape not in word:
        return word
    return _Expander(word, env, escape).word()


# --- key=value lists, heredoc words, image references ---------------------------------------


def parse_key_values(text: str, escape: str = "\\", *, bare_names: bool = False) -> Pairs:
    """`(key, value)` pairs of ENV/LABEL (`bare_names=False`) or ARG (`bare_names=True`).

    ENV and LABEL take `k=v k2="v 2"` or the legacy `KEY some value` (first word without `=`);
    ARG takes `NAME` (value None) and `NAME=default`. Quotes are removed; variables are not
    expanded (Docker does that at build time).
    """
    return _pairs(split_words(text, escape), text, escape, bare_names)


def _pairs(words: list[str], text: str, escape: str, bare_names: bool) -> Pairs:
    if not words:
        return ()
    if not bare_names and "=" not in words[0]:
        parts = text.strip().split(None, 1)
        if len(parts) < 2:
            raise ValueError("must have two arguments")
        return ((unquote(parts[0], escape), unquote(parts[1], escape)),)
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        key, sep, value = word.partition("=")
        if not sep and not bare_names:
            raise ValueError(f"can't find = in {word!r}; must be of the form name=value")
        if not key:
            raise ValueError("names can not be blank")
        pairs.append((unquote(key, escape), unquote(value, escape) if sep else None))
    return tuple(pairs)


def parse_heredoc_word(word: str) -> tuple[str, bool, bool] | None:
    """`(delimiter, strip_tabs, expand)` if `word` opens a heredoc (`<<EOF`, `<<-"EOF"`), else None.

    As BuildKit decides it: the delimiter must be one word, and any quote in it turns off
    expansion of the body.
    """
    match = _HEREDOC.fullmatch(word)
    if match is None or not match.group(3) or len(split_words(match.group(3))) != 1:
        return None
    raw = match.group(3)
    name = unquote(raw)
    quotes_removed = raw.count("'") + raw.count('"') != name.count("'") + name.count('"')
    return name, match.group(2) == "-", not quotes_removed


def split_image(ref: str) -> tuple[str | None, str, str | None, str | None]:
    """`(registry, repository, tag, digest)` of an image reference, without Docker's defaults.

    The first path component is a registry only if it has a `.` or `:` (a port), is
    `localhost`, or has upper-case letters, as in `distribution/reference`; `library/` and
    `docker.io` are not added, so checks see what was written.
    """
    name, _, digest = ref.partition("@")
    registry = None
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        registry, name = first, rest
    repository, colon, tag = name.rpartition(":")
    if not colon or "/" in tag:
        repository, tag = name, ""
    return registry, repository, tag or None, digest or None


# --- argument shapes per instruction (BuildKit's line parsers and argument checks) ---------


def _command(keyword: str, rest: str, escape: str) -> Shape:
    """RUN/CMD/ENTRYPOINT/SHELL: a JSON array (exec form) or the text as one shell command."""
    array = parse_json_array(rest)
    if keyword == "SHELL" and not array:
        raise ValueError("SHELL requires the arguments to be in JSON form, with at least one item")
    if array is not None:
        return tuple(array), tuple(array), ()
    return ((rest,) if rest else ()), None, ()


def _paths(keyword: str, rest: str, escape: str) -> Shape:
    """COPY/ADD/VOLUME: a JSON array or whitespace-separated words."""
    array = parse_json_array(rest)
    args = tuple(array) if array is not None else tuple(rest.split())
    if keyword == "VOLUME":
        if not args:
            raise ValueError("VOLUME requires at least one argument")
        if any(not arg.strip() for arg in args):
            raise ValueError("VOLUME specified can not be an empty string")
    elif len(args) < 2:
        raise ValueError(f"{keyword} requires at least two arguments: sources and a destination")
    elif parse_heredoc_word(args[-1]) is not None:
        raise ValueError(f"{keyword} cannot accept a heredoc as a destination")
    return args, (args if array is not None else None), ()


def _from_or_expose(keyword: str, rest: str, escape: str) -> Shape:
    """FROM image [AS name] and EXPOSE port...: whitespace-separated words."""
    args = tuple(rest.split())
    if keyword == "EXPOSE" and not args:
        raise ValueError("EXPOSE requires at least one argument")
    if keyword == "FROM":
        if len(args) == 3 and args[1].lower() == "as":
            if not _STAGE_NAME.fullmatch(args[2].lower()):
                raise ValueError(f"invalid name for build stage: {args[2]!r} (want [a-z][a-z0-9-_.]*)")
        elif len(args) != 1:
            raise ValueError("FROM requires either one or three arguments: image [AS name]")
    return args, None, ()


def _key_values(keyword: str, rest: str, escape: str) -> Shape:
    """ENV/LABEL (`k=v ...` or legacy `k v`) and ARG (`NAME[=default] ...`)."""
    words = split_words(rest, escape)
    try:
        pairs = _pairs(words, rest, escape, keyword == "ARG")
    except ValueError as exc:
        raise ValueError(f"{keyword} {exc}") from None
    if not pairs:
        raise ValueError(f"{keyword} requires at least one argument")
    return tuple(words), None, pairs


def _single(keyword: str, rest: str, escape: str) -> Shape:
    """USER/WORKDIR/MAINTAINER/STOPSIGNAL: the whole text is the one argument."""
    if not rest:
        raise ValueError(f"{keyword} requires exactly one argument")
    return (rest,), None, ()


def _healthcheck(keyword: str, rest: str, escape: str) -> Shape:
    """HEALTHCHECK NONE, or HEALTHCHECK [options] CMD command (exec or shell form)."""
    parts = rest.split(None, 1)
    if not parts:
        raise ValueError("HEALTHCHECK requires at least one argument")
    kind, command = parts[0].upper(), (parts[1].strip() if len(parts) > 1 else "")
    if kind == "NONE":
        if command:
            raise ValueError("HEALTHCHECK NONE takes no arguments")
        return ("NONE",), None, ()
    if kind != "CMD":
        raise ValueError(f"Unknown type {parts[0]!r} in HEALTHCHECK (try CMD)")
    args, exec_form, _ = _command("CMD", command, escape)
    if not args:
        raise ValueError("Missing command after HEALTHCHECK CMD")
    return ("CMD", *args), exec_form, ()


SHAPES: dict[str, Callable[[str, str, str], Shape]] = {
    **dict.fromkeys(("RUN", "CMD", "ENTRYPOINT", "SHELL"), _command),
    **dict.fromkeys(("COPY", "ADD", "VOLUME"), _paths),
    **dict.fromkeys(("FROM", "EXPOSE"), _from_or_expose),
    **dict.fromkeys(("ENV", "LABEL", "ARG"), _key_values),
    **dict.fromkeys(("USER", "WORKDIR", "MAINTAINER", "STOPSIGNAL"), _single),
    "HEALTHCHECK": _healthcheck,
}
"""How each keyword's argument text becomes `(args, exec_form, pairs)`; ONBUILD is the parser's."""
