# ---- patterns/http_cache: `make browser-check` ----------------------------
# The HTTP cache chapter against a real browser: headless Chromium loads
# a page from patterns/http_cache/browser_main.c twice, and the server's
# request log must show a 304 for the page and one request for its
# fresh stylesheet. Run by `make docs-check` (and so by CI), not by `make
# test`: Chromium is a large package that the tests do not otherwise need.
BROWSER_SERVER := build/http_cache/browser_server

.PHONY: browser-check

browser-check: ## Headless Chromium loads a page from the HTTP cache server twice; its log must show a 304.
	@scripts/deps.sh test chromium $(CC_DEPS)
	@$(MAKE) --no-print-directory MODE=debug build/libdp.a
	@mkdir -p $(dir $(BROWSER_SERVER))
	$(Q)$(CC) $(PROF_CFLAGS) -o $(BROWSER_SERVER) \
	    patterns/http_cache/browser_main.c build/libdp.a $(LIBS)
	@scripts/browser_check.sh $(BROWSER_SERVER) build/browser-check
