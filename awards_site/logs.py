"""Log lines a client cannot forge.

Whatever a request carries (its path, its headers, a value quoted in an error) is written with
its control characters escaped, so `%0d%0a` in a URL cannot start a line of its own: in the text
format a line that does not start with a space is always the start of one record. The JSON
format needs no help, its encoder escapes them.
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

# C0 and C1 controls, DEL and the Unicode line separators: whatever a terminal or a log viewer
# may take for the end of a line, or for a command.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    """`text` with each control character written as a Python escape (`\\r`, `\\x1b`)."""
    return _CONTROL_CHARACTERS.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def _indented(text: str) -> str:
    return "\n".join(f"  {escape_controls(line)}" for line in text.splitlines())


class TextFormatter(logging.Formatter):
    """The text format: the record on one line, a traceback or stack below it indented."""

    def formatMessage(self, record):
        return escape_controls(super().formatMessage(record))

    def formatException(self, ei):
        return _indented(super().formatException(ei))

    def formatStack(self, stack_info):
        return _indented(super().formatStack(stack_info))


class AccessLogger(GunicornLogger):
    """gunicorn's logger (`gunicorn.conf.py`), with an access line that stays one line.

    `%(U)s` is the path as the client sent it, still percent-encoded (gunicorn's own is the
    decoded one, where `%0d%0a` is a line break); every other value has its control characters
    escaped.
    """

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        raw_uri = environ.get("RAW_URI") or environ.get("PATH_INFO", "")
        atoms["U"] = raw_uri.partition("?")[0]  # the query string stays out (personal data)
        return {name: escape_controls(v) if isinstance(v, str) else v for name, v in atoms.items()}
