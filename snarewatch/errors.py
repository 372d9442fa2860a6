"""Errors raised by snarewatch. Each carries a message fit to show a user as is."""


class SnarewatchError(Exception):
    """Base class: the CLI prints the message (no traceback) and exits with status 1."""


class ConfigError(SnarewatchError):
    """Settings, a task spec or a site profile is invalid or missing."""


class StoreError(SnarewatchError):
    """The database or landing area cannot be read or written."""


class SQLRefusedError(StoreError):
    """A user's SQL statement was refused by the read-only guard."""


class ImportDataError(SnarewatchError):
    """An input file for `snarewatch import` cannot be read at all."""


class FetchError(SnarewatchError):
    """A page could not be fetched (network error, bad status, timeout)."""


class BlockedError(FetchError):
    """A page may not be fetched: robots.txt, a non-http(s) scheme, or a crawl limit."""


class ParseError(SnarewatchError):
    """A fetched page or an LLM answer could not be parsed."""


class LLMError(SnarewatchError):
    """The LLM backend failed for good on one item (answer outside the label set, bad request)."""


class LLMTransientError(LLMError):
    """The LLM backend failed in a way a retry may fix (429, 5xx, timeout, dropped connection)."""


class ModelMissingError(SnarewatchError):
    """A model file or package is not installed; the message says how to install it."""


class NotFittedError(SnarewatchError, ValueError):
    """A classifier was asked to predict before `fit`."""


class NothingToDoError(SnarewatchError):
    """A command found nothing to work on (no items, no labels): the message says what to run."""


class UntrustworthyResultError(SnarewatchError):
    """A command finished, but what it produced would mislead (a collapsed labelling run, a
    student trained on almost nothing): its records are kept, and the message says why."""
