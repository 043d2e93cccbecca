# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The errors of the collection. The shared code raises them; only a module's front door turns one into a failure.

Each error carries a one-line message and the extra keys of the failed result (``details``). Errors of an API
request also carry the request, its HTTP status and the API's parsed error, which a failed result shows as
``status`` and ``api_error``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class AcretoError(Exception):
    """A failure, with everything its message and the failed result need.

    ``uncertain`` is True when a request that is not idempotent (POST) may have been applied although it
    failed (the connection dropped after sending, a read timeout, a 5xx). ``replayable`` is True when a
    login got no answer or a 5xx, so that sending it again may work.
    """

    def __init__(self, message, method=None, path=None, status=None, api_message=None, api_error=None,
                 uncertain=False, retries=0, details=None):
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.api_message = api_message
        self.api_error = api_error
        self.uncertain = uncertain
        self.replayable = False
        self.retries = retries
        self.details = dict(details or {})

    def __str__(self):
        return self.message

    def during(self, action):
        """The same error, its message led by what was being done: '<action> failed: <message>'."""
        self.message = "%s failed: %s" % (action, self.message)
        return self

    def result(self):
        """The keys of the failed result: msg, the details and, for a request, status and api_error."""
        result = dict(self.details, msg=self.message)
        if self.method is not None:
            result.update(status=self.status, api_error=self.api_error)
        return result


class AcretoAuthError(AcretoError):
    """Login failed, or the token was rejected and cannot be renewed."""


class AcretoInputError(AcretoError):
    """An option, or an entry of a list option, is wrong; found before any write."""


class AcretoNotFoundError(AcretoError):
    """A customer, ecosystem, profile group or object that was named does not exist."""


class AcretoAmbiguousError(AcretoError):
    """A name matches several objects where one is wanted."""


class AcretoStatusError(AcretoError):
    """The ecosystem is in a status that forbids what was asked."""


class AcretoTimeoutError(AcretoError):
    """A wait for the ecosystem ran out of time; ``ecosystem`` is the last one read, ``polls`` the reads made."""

    def __init__(self, message, ecosystem=None, polls=0, details=None):
        super().__init__(message, details=details)
        self.ecosystem = ecosystem
        self.polls = polls
