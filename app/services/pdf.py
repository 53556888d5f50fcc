"""What every PDF the app prints shares: the page frame and the text the core fonts can write."""

from __future__ import annotations

from fpdf import FPDF

# The PDF core fonts speak Latin-1, which covers Italian; typographic signs outside it are
# written with their plain equivalents instead of being lost.
_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "€": "EUR",
                        "\u00a0": " "})


def latin1(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


class PdfForm(FPDF):
    """An A4 page with the issuer and the document's title on top and the page numbers below."""

    def __init__(self, issuer: str, title: str) -> None:
        super().__init__(format="A4")
        self.issuer, self.form_title = issuer, title
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)

    def header(self) -> None:
        self.set_font("Helvetica", "B", 9)
        self.set_text_color(90, 90, 110)
        self.cell(0, 6, latin1(f"{self.issuer} - {self.form_title}"), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 6, f"{self.page_no()}/{{nb}}", align="R")
