"""Gather the report's rows and turn them into published figures, once per request."""

from typing import NamedTuple

from app.report.aggregates import all_figures
from app.report.data import report_rows
from app.report.network import network
from app.report.publish import publish

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class Report(NamedTuple):
    """Published figures per column ("1", "2", …, "all"), round dates (date objects), the
    network, and how many of the groups drawn were trios."""

    columns: dict
    dates: dict
    nodes: list
    edges: list
    trios: int = 0

    @property
    def groups_drawn(self):
        """Return how many groups (pairs and trios) were drawn over all rounds."""
        return self.columns["all"]["pairs"]

    @property
    def rounds(self):
        """Return the round columns, oldest first."""
        return [column for column in self.columns if column != "all"]


def build_report(programme):
    """Return the programme's Report: suppressed figures only, nothing about any one person."""
    rounds, orgs, check_ins, outputs = report_rows(programme)
    columns = publish(all_figures(rounds, orgs, check_ins, outputs))
    nodes, edges = network(rounds, orgs)
    dates = {str(r.number): r.round_date for r in rounds}
    trios = sum(len(group) == 3 for r in rounds for group in r.groups)
    return Report(columns, dates, nodes, edges, trios)
