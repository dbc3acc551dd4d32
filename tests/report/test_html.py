"""The HTML report is one self-contained, escaped page; the fragment is the same section alone."""

import re

import pytest

from nndoctor.findings import Finding
from nndoctor.report import html
from nndoctor.report.html import render_fragment, render_html
from nndoctor.result import Diagnosis

PNG = "data:image/png;base64,"


@pytest.fixture
def fast_plots(monkeypatch):
    """One stub plot per diagnosis, for tests about text: drawing real plots costs ~0.1 s each."""
    monkeypatch.setattr(html, "plots_for", lambda d: [{"title": "stub", "png": "iVBORw0KGgo=", "error": None}])


def test_single_self_contained_document(classification, regression, fast_plots):
    page = render_html([classification, regression], title="clinic")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count("<html") == 1 and page.count("</body>") == 1
    assert 'src="http' not in page and 'href="http' not in page and "<link" not in page
    assert "<script" not in page  # no JS needed
    assert "<title>clinic</title>" in page


def test_every_available_plot_is_inlined(classification, regression):
    # 5 plots for classification with controls, 2 (loss, epochs) for regression: see test_plots;
    # and the before/after bars of the classification's verified fix, in its finding.
    page = render_html([classification, regression])
    assert page.count(PNG) == 5 + 1 + 2


def test_summary_table_links_each_diagnosis(many, fast_plots):
    page = render_html(many[:4])
    summary = page[page.index('<table class="nd-summary">'):page.index("</table>")]
    for i, d in enumerate(many[:4], 1):
        title = d.get("scenario")
        assert f'<a href="#diagnosis-{i}">{title}</a>' in summary
        assert f'id="diagnosis-{i}"' in page
    assert "lr-too-high" in summary and "[0.352, 0.648]" in summary and "val_r2 0.930" in summary


def test_sections_show_findings_evidence_fix_and_verification(classification, fast_plots):
    page = render_html([classification])
    for expected in ("nd-sev-error", "nd-sev-warning", "nd-sev-info", "tail_cv", "0.36",
                     "Divide the learning rate by 10.", "0.500", "0.970", "[0.870, 0.996]",
                     "confirmed by: lr/10", "nan-in-data", "rule IS001", "recorded_run", "1.2 s"):
        assert expected in page, expected
    assert re.search(r"<pre><code>model\.compile\(optimizer=keras\.optimizers\.Adam\(1e-3\), \.\.\.\)</code></pre>", page)


def test_user_text_is_escaped(classification):
    classification["findings"][0]["message"] = "<script>alert('x')</script>"
    classification["scenario"] = "<b>bold</b>"
    classification["details"]["controls"]["<img src=x>"] = None
    page = render_html([classification])
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;script&gt;" in render_fragment(classification)


def test_fragment_has_no_page_wrapper(classification):
    frag = render_fragment(classification)
    assert "<html" not in frag and "<!DOCTYPE" not in frag and "<body" not in frag
    assert frag.startswith('<div class="nndoctor">') and "<style>" in frag
    assert frag.count(PNG) == 5 + 1 and "lr-too-high" in frag


def test_missing_and_none_values_do_not_crash(sparse, minimal, regression):
    page = render_html([sparse, minimal, regression])
    assert page.count("<section") == 3
    assert "INCONCLUSIVE" in page and "HEALTHY" in page
    assert PNG not in render_fragment(minimal)


def test_diagnosis_to_html_and_repr_html():
    d = Diagnosis(task={"kind": "classification", "n_classes": 2, "framework": "keras"},
                  findings=[Finding("lr-too-high", "LR001", "error", 0.9, "loss oscillates")])
    assert "<html" in d.to_html() and "LR001" in d.to_html()
    assert "<html" not in d._repr_html_() and "LR001" in d._repr_html_()


def test_ten_diagnoses_fit_in_three_megabytes(many):
    page = render_html(many)
    size = len(page.encode("utf-8"))
    assert page.count("<section") == 10
    assert size < 3_000_000, f"{size / 1e6:.2f} MB"
