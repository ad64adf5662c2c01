"""The audit pack's two renderings: a PDF for reading and a ZIP of CSV files for checking."""

import io
import zipfile

from django.template.loader import render_to_string

from sms.auditpack.contents import PackContents, uk_date, uk_time
from sms.core.csv_export import csv_rows


def pack_title(contents: PackContents) -> str:
    return f"Audit pack for {contents.sponsor.name}"


def pack_period(contents: PackContents) -> str:
    return f"{uk_date(contents.period_start)} to {uk_date(contents.period_end)}"


def render_zip(contents: PackContents) -> bytes:
    """One CSV per section (cells a spreadsheet would run are neutralised) and a note of what it is."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        about = [
            pack_title(contents),
            f"Licence number: {contents.licence.number if contents.licence else 'none'}",
            f"Period: {pack_period(contents)}",
            f"Produced: {uk_time(contents.produced_at)}",
            "",
            "Files:",
            *[f"{number:02d}-{section.key}.csv: {section.title} ({len(section.rows)} rows). {section.intro}"
              for number, section in enumerate(contents.sections, start=1)],
        ]  # fmt: skip
        archive.writestr("README.txt", "\n".join(about) + "\n")
        for number, section in enumerate(contents.sections, start=1):
            archive.writestr(f"{number:02d}-{section.key}.csv", "".join(csv_rows(section.columns, section.rows)))
    return buffer.getvalue()


def render_pdf(contents: PackContents) -> bytes:
    """A paginated PDF with a table of contents; every page names the organisation, the licence and the
    day it was produced, and is numbered "page N of M"."""
    # Imported here: WeasyPrint loads the Pango libraries, which only the worker producing packs needs.
    from weasyprint import HTML

    html = render_to_string(
        "auditpack/pack.html",
        {
            "contents": contents,
            "title": pack_title(contents),
            "period": pack_period(contents),
            "produced": uk_time(contents.produced_at),
        },
    )
    return HTML(string=html).write_pdf()
