"""The analyst report: SQL views over the store rendered as one offline HTML file with charts.

A reader of the store (read-only), like `snarewatch sql`. `build_report(db_path, out)` writes the
file; the views it reads (wildlife_ads, deceptive_elements, sellers, repost_clusters, sites) are
defined in `snarewatch/store/migrations/0700_report_views.sql`.
"""

from snarewatch.report.build import ReportResult, build_report, render_report
from snarewatch.report.data import ReportData, load_report_data

__all__ = ["ReportData", "ReportResult", "build_report", "load_report_data", "render_report"]
