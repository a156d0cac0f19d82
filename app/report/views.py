"""The public report: the page with its charts, the open data, and the outputs feed."""

import json

from flask import Blueprint, current_app, render_template, url_for

from app.models import current_programme
from app.report import opendata
from app.report.build import LICENCE, LICENCE_URL, build_report
from app.report.charts import answers, trend
from app.report.feed import LIMIT, outputs_by_round, outputs_feed
from app.report.figures import FIGURES
from app.report.network import network_chart
from app.report.publish import display

bp = Blueprint("report", __name__)


def _licensed(response):
    """Point the response at its licence, for the data that has no room for a line of text."""
    response.headers["Link"] = f'<{LICENCE_URL}>; rel="license"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/report")
def page():
    """Show the report: figures per round and overall, charts with their numbers beneath."""
    report = build_report(current_programme())
    return render_template(
        "report/index.html",
        report=report,
        figures=FIGURES,
        display=display,
        charts={
            "trend": trend(report.columns, report.dates) if report.rounds else None,
            "answers": answers(report.columns, report.dates) if report.rounds else None,
            "network": (
                network_chart(report.nodes, report.edges, report.groups_drawn, report.trios)
                if report.nodes
                else None
            ),
        },
        licence=LICENCE,
        licence_url=LICENCE_URL,
        suppression=opendata.SUPPRESSION,
    )


@bp.get("/report.csv")
def csv_data():
    """The report's figures as CSV: a row per round, then all rounds."""
    body = opendata.as_csv(build_report(current_programme()))
    response = current_app.response_class(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'inline; filename="unmentoring-report.csv"'
    return _licensed(response)


@bp.get("/report.json")
def json_data():
    """The report's figures as JSON, with the licence, the suppression rule and the schema."""
    programme = current_programme()
    body = json.dumps(opendata.as_json(build_report(programme), programme.title), indent=2)
    return _licensed(current_app.response_class(body, mimetype="application/json"))


@bp.get("/outputs")
def outputs_page():
    """The shared outputs as a page: newest first, by round, named only where people chose it."""
    return render_template(
        "report/outputs.html",
        sections=outputs_by_round(current_programme()),
        limit=LIMIT,
        feed_url=url_for("report.feed"),
    )


@bp.get("/outputs.atom")
def feed():
    """The Atom feed of shared outputs; its own and its pages' addresses are under the
    programme's prefix (/p/<slug>), as its readers subscribe to them."""
    programme = current_programme()
    public_url = current_app.config["PUBLIC_URL"].rstrip("/") + programme.path_prefix
    body = outputs_feed(programme, public_url)
    return current_app.response_class(body, mimetype="application/atom+xml")
