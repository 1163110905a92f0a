# ---- the site: `make docs` and `make docs-check` --------------------------
# Two sites from one source. `make docs` is the students': no reference
# answer is on it, and scripts/check_no_solutions.sh fails the build if
# one is. `make docs SOLUTIONS=1` is the instructors', with the answers in
# solutions/ shown where the pages link to them. DOCS_SOLUTIONS tells
# docs/Doxyfile and the docs filter which one they are building. The
# charts come from mk/charts.mk.
ifeq ($(SOLUTIONS),1)
DOCS_SOLUTIONS := solutions
DOCS_AUDIENCE  := instructors
else ifeq ($(filter-out 0,$(SOLUTIONS)),)
DOCS_SOLUTIONS :=
DOCS_AUDIENCE  := students
else
$(error SOLUTIONS must be 1 (the instructors' site), 0 or unset, not '$(SOLUTIONS)')
endif

# Pictures allowed to be wider than a 1,280 px window: reported by `make
# docs` but not failing it. None today; name a picture (dot_NAME.svg) here
# only while it is being redrawn.
DOCS_WIDE_DIAGRAMS :=

# The main page and two chapter pages, opened in a headless Chromium at
# 1,280 px: the sidebar in course order, with each chapter's diagram
# beside it (Command's was 2,151 px wide before it was laid out again).
DOCS_CHECK_PAGES := index.html md_patterns_strategy_README.html \
                    md_patterns_command_README.html

.PHONY: docs docs-check

docs: ## The students' site in docs/html/ (SOLUTIONS=1: the instructors'); fails on a warning, a broken link, a lost or too wide diagram, chapters out of course order, unparsed Markdown or an answer shown.
	@scripts/deps.sh docs
	@if [ -n "$(DOCS_SOLUTIONS)" ] && [ ! -d solutions ]; then \
	    echo "docs: SOLUTIONS=1 needs the reference answers in solutions/," \
	         "which this copy does not have" >&2; exit 2; fi
	@$(MAKE) --no-print-directory charts
	@# From empty, so that no page of an earlier build can satisfy a link.
	@rm -rf docs/html
	@awk -f scripts/course_order.awk -f scripts/check_course_order.awk \
	    docs/mainpage.md
	@DOCS_SOLUTIONS="$(DOCS_SOLUTIONS)" doxygen docs/Doxyfile
	@scripts/fix_graph_links.sh docs/html
	@scripts/check_links.sh docs/html
	@DOCS_WIDE_DIAGRAMS="$(DOCS_WIDE_DIAGRAMS)" \
	    scripts/check_diagrams.sh docs/html
	@scripts/check_markup.sh docs/html
	@$(if $(DOCS_SOLUTIONS),,scripts/check_no_solutions.sh docs/html .)
	@echo "docs: the $(DOCS_AUDIENCE)' site; open docs/html/index.html"

docs-check: docs ## Render pages in headless Chromium (screenshots in build/docs-check/), then browser-check.
	@scripts/deps.sh chromium
	@scripts/docs_check.sh docs/html build/docs-check $(DOCS_CHECK_PAGES)
	@$(MAKE) --no-print-directory browser-check
