"""The analyst report: SQL views over the store rendered as one offline HTML file with charts.

A reader of the store (read-only), like `snarewatch sql`. `build_report(db_path, out)` writes the
file. It reads the table macros task_ads, task_sellers, task_repost_clusters, task_elements and
task_sites for the tasks it is about (`snarewatch/store/migrations/0960_task_analyst_views.sql`),
the same rows the views wildlife_ads, sellers, ... hold for the bundled tasks.
"""

from snarewatch.report.build import ReportResult, build_report, render_report
from snarewatch.report.data import ReportData, load_report_data

__all__ = ["ReportData", "ReportResult", "build_report", "load_report_data", "render_report"]
