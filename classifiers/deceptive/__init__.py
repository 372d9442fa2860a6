"""Deceptive UI patterns on whole pages: pure detectors over element maps, plus a text student.

Nothing here opens a browser, a file or the network: the crawler (`crawler.visits`) provides
`PageVisits`; the CLI turns the `Detection`s into `PageFinding` records and stores the annotated
screenshot.

Example:
    >>> from classifiers.deceptive import audit_visits
    >>> findings = audit_visits(visits)              # detectors only
    >>> findings = audit_visits(visits, student)     # plus the promoted deceptive-ui student
"""

from classifiers.deceptive.annotate import annotate
from classifiers.deceptive.detection import Detection
from classifiers.deceptive.page import DETECTORS, audit_visits, run_detectors
from classifiers.deceptive.taxonomy import TYPES, level1, pattern

__all__ = [
    "DETECTORS",
    "TYPES",
    "Detection",
    "annotate",
    "audit_visits",
    "level1",
    "pattern",
    "run_detectors",
]
