"""How a fault's path is matched against request paths, in time linear in the path, whatever the pattern.

`path` is plain text found anywhere in the request path; a leading `^` anchors it at the start, a trailing `$` at
the end. `path_regex` is a regular expression, run by the small automaton below instead of Python's backtracking
`re`, so that a pattern such as `(a+)+b` cannot stall the server: the cost of a match is at most the length of
the path times the size of the compiled pattern, and both are capped.
"""

from typing import Callable

try:  # Python 3.11+
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # Python 3.10
    import sre_constants as sre  # pylint: disable=deprecated-module
    import sre_parse  # pylint: disable=deprecated-module

# Characters with a meaning in a regular expression; in `path` they would silently match only themselves.
REGEX_CHARACTERS = set("\\[](){}*+?|^$")
PATTERN_MAX_CHARS = 200
PROGRAM_MAX_STEPS = 200
# A longer request path never matches a path_regex (uvicorn accepts paths of many kilobytes).
PATH_MAX_CHARS = 1024


class PatternError(ValueError):
    """A path or path_regex that is refused; the message says why, without naming the field."""


def text_matcher(text: str) -> Callable[[str], bool]:
    """`path`: plain text, anywhere in the request path; `^` and `$` at its ends anchor it."""
    anchored_start = text.startswith("^")
    anchored_end = text.endswith("$") and len(text) > 1
    literal = text[1 if anchored_start else 0:len(text) - 1 if anchored_end else len(text)]
    special = sorted(REGEX_CHARACTERS.intersection(literal))
    if special:
        raise PatternError("holds %s, which would be matched as plain text; give a regular expression as "
                           "path_regex" % ", ".join(repr(c) for c in special))
    if not literal:
        raise PatternError("must hold more than the anchors ^ and $")
    if anchored_start and anchored_end:
        return lambda path: path == literal
    if anchored_start:
        return lambda path: path.startswith(literal)
    if anchored_end:
        return lambda path: path.endswith(literal)
    return lambda path: literal in path


def regex_matcher(pattern: str) -> Callable[[str], bool]:
    """`path_regex`: searched in the request path by a linear-time automaton (no backreferences, no lookaround)."""
    if len(pattern) > PATTERN_MAX_CHARS:
        raise PatternError("is longer than %d characters" % PATTERN_MAX_CHARS)
    try:
        parsed = sre_parse.parse(pattern)
    except sre.error as err:
        raise PatternError("is not a valid regular expression: %s" % err) from None
    if parsed.state.flags & ~sre.SRE_FLAG_UNICODE:
        raise PatternError("inline flags such as (?i) are not supported")
    program = _Compiler().compile(parsed)
    return lambda path: len(path) <= PATH_MAX_CHARS and _search(program, path)


# --- the automaton: a Thompson NFA run as a set of states, one step per character --------------------------------

_CATEGORIES = {
    sre.CATEGORY_DIGIT: str.isdecimal,
    sre.CATEGORY_NOT_DIGIT: lambda c: not c.isdecimal(),
    sre.CATEGORY_SPACE: str.isspace,
    sre.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    sre.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    sre.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}
_STARTS = (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)
_ENDS = (sre.AT_END, sre.AT_END_STRING)
_UNSUPPORTED = {
    "GROUPREF": "backreferences", "GROUPREF_EXISTS": "conditional groups", "ASSERT": "lookarounds",
    "ASSERT_NOT": "lookarounds", "AT": "anchors other than ^, $, \\A and \\Z", "ATOMIC_GROUP": "atomic groups",
    "POSSESSIVE_REPEAT": "possessive repeats",
}


def _class_predicate(items) -> Callable[[str], bool]:
    negated = False
    tests = []
    for op, av in items:
        if op is sre.NEGATE:
            negated = True
        elif op is sre.LITERAL:
            tests.append(lambda c, code=av: ord(c) == code)
        elif op is sre.RANGE:
            tests.append(lambda c, low=av[0], high=av[1]: low <= ord(c) <= high)
        elif op is sre.CATEGORY and av in _CATEGORIES:
            tests.append(_CATEGORIES[av])
        else:
            raise PatternError("%s is not supported in a character class" % str(op).lower())
    return lambda c: any(test(c) for test in tests) != negated


class _Compiler:
    """Parsed pattern -> program of ("char", predicate), ("split", a, b), ("jump", a), ("at", kind), ("match",)."""

    def __init__(self):
        self.program = []

    def compile(self, parsed) -> list:
        self.sequence(parsed)
        self.emit(("match",))
        return self.program

    def emit(self, instruction) -> int:
        if len(self.program) >= PROGRAM_MAX_STEPS:
            raise PatternError("is too large once its repetitions are expanded (more than %d steps)"
                               % PROGRAM_MAX_STEPS)
        self.program.append(instruction)
        return len(self.program) - 1

    def sequence(self, items) -> None:
        for op, av in items:
            self.item(op, av)

    def item(self, op, av) -> None:
        if op is sre.LITERAL:
            self.emit(("char", lambda c, code=av: ord(c) == code))
        elif op is sre.NOT_LITERAL:
            self.emit(("char", lambda c, code=av: ord(c) != code))
        elif op is sre.ANY:
            self.emit(("char", lambda c: c != "\n"))
        elif op is sre.IN:
            self.emit(("char", _class_predicate(av)))
        elif op is sre.AT and av in _STARTS + _ENDS:
            self.emit(("at", "start" if av in _STARTS else "end"))
        elif op is sre.SUBPATTERN:
            _group, add_flags, del_flags, items = av
            if add_flags or del_flags:
                raise PatternError("inline flags such as (?i) are not supported")
            self.sequence(items)
        elif op is sre.BRANCH:
            self.branch(av[1])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):  # lazy or greedy: the same for "does it match"
            self.repeat(*av)
        else:
            raise PatternError("%s are not supported" % _UNSUPPORTED.get(str(op), str(op).lower()))

    def branch(self, alternatives) -> None:
        jumps = []
        for alternative in alternatives[:-1]:
            split = self.emit(None)
            self.sequence(alternative)
            jumps.append(self.emit(None))
            self.program[split] = ("split", split + 1, len(self.program))
        self.sequence(alternatives[-1])
        for jump in jumps:
            self.program[jump] = ("jump", len(self.program))

    def repeat(self, least, most, items) -> None:
        for _ in range(least):
            self.sequence(items)
        if most is sre.MAXREPEAT:
            split = self.emit(None)
            self.sequence(items)
            self.emit(("jump", split))
            self.program[split] = ("split", split + 1, len(self.program))
            return
        for _ in range(most - least):
            split = self.emit(None)
            self.sequence(items)
            self.program[split] = ("split", split + 1, len(self.program))


def _closure(program, states: set, start: int, position: int, length: int) -> None:
    """Add `start` and every state reachable from it without reading a character."""
    pending = [start]
    while pending:
        index = pending.pop()
        if index in states:
            continue
        states.add(index)
        instruction = program[index]
        kind = instruction[0]
        if kind == "split":
            pending += [instruction[2], instruction[1]]
        elif kind == "jump":
            pending.append(instruction[1])
        elif kind == "at" and (position == 0 if instruction[1] == "start" else position == length):
            pending.append(index + 1)


def _search(program, path: str) -> bool:
    match = len(program) - 1
    length = len(path)
    states = set()
    _closure(program, states, 0, 0, length)
    for position, character in enumerate(path):
        if match in states:
            return True
        following = set()
        for index in states:
            instruction = program[index]
            if instruction[0] == "char" and instruction[1](character):
                _closure(program, following, index + 1, position + 1, length)
        _closure(program, following, 0, position + 1, length)  # a search tries every start position
        states = following
    return match in states
