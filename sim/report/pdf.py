"""The printable PDF, typeset from the report's own HTML by WeasyPrint.

One source for both formats: the PDF is the HTML page laid out on A4 by its print style sheet
(page size, margins, footer with page numbers, page breaks), with real tables and text. WeasyPrint
needs Debian's Pango (libpango-1.0-0, libpangoft2-1.0-0) and the font the style sheet names
(DejaVu Sans, fonts-dejavu-core); .ci/run and the README install them.

Byte-identical reruns: WeasyPrint writes a creation date only when the page declares one
(`<meta name="dcterms.created">`, which the template does not) and a file identifier only when
asked (`pdf_identifier`, left off); font subsets are named from their content. So the same HTML
gives the same bytes, which tests/report checks.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path


def render_pdf(page: str, path: Path) -> None:
    """Typeset `page` (the report's HTML) into `path`."""
    # WeasyPrint logs its steps (already when imported, parsing its own style sheets) and each
    # screen-only CSS rule it skips; none of that is the reader's business.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        # Without Debian's libharfbuzz-subset0 WeasyPrint subsets fonts with fontTools and,
        # when imported, warns that a future version will need the library: a fact about the
        # machine (scripts/system_deps installs it), not about our code, and the PDF is the same
        # kind of file either way. So that warning alone is silenced, where it arises.
        warnings.filterwarnings(
            "ignore", message="HarfBuzz-Subset will be required", category=DeprecationWarning
        )
        from weasyprint import HTML

    HTML(string=page, base_url=None).write_pdf(
        path, pdf_identifier=False, uncompressed_pdf=False, custom_metadata=False
    )
