/**
 * @file web.h
 * @brief The web view: the to-do list served as plain HTML pages and forms
 *        on 127.0.0.1, the third architecture over the same core. Each
 *        form posts one command line that goes through todo_parse() and
 *        todo_app_change(), as the terminal's do, so undo and redo see one
 *        history; the list page carries an ETag made from the model's
 *        version and the view state, and answers a matching If-None-Match
 *        with 304.
 *
 * Ownership: todo_web_create() borrows the app, which must outlive the
 * server. Thread-safety: the server answers from one thread of its own
 * (libmicrohttpd's internal poll thread) and owns the app while it runs:
 * the caller must not touch the app until todo_web_destroy() returns.
 */
#ifndef TODO_WEB_H
#define TODO_WEB_H

#include "app.h"
#include "common/dp_stream.h"

#include <stddef.h>
#include <stdint.h>

/** @brief The largest request body accepted, in bytes: a form holding a
 *         whole command line even if every byte of it is percent-encoded
 *         (three bytes each), with room for the field names. A larger
 *         body is refused with 413 before it is read. */
#define TODO_WEB_BODY_MAX (3 * TODO_LINE_MAX + 256)

/** @brief The rows one list page shows; longer lists are paged with
 *         previous and next links (`?page=N`), so a page costs the same
 *         whatever the list's length. */
#define TODO_WEB_PAGE_ROWS 50

/** @brief Seconds a connection may stay silent before the server closes
 *         it, so that a slow or half-open client cannot hold a slot. */
#define TODO_WEB_TIMEOUT 10

/** @brief The most connections served at once; more wait in the kernel's
 *         queue. */
#define TODO_WEB_CONNECTIONS 64

/** @brief How to start the web view; zero fields are the defaults. */
struct todo_web_options {
	/** The port on 127.0.0.1; 0 lets the kernel pick a free one. */
	uint16_t port;
	/** The largest request body; 0 means #TODO_WEB_BODY_MAX. */
	size_t body_max;
	/** Optional: NULL means no request log. Else one line per answer,
	 *  "METHOD PATH STATUS BODY-BYTES", written from the server's
	 *  thread; the stream must outlive the server. */
	struct dp_stream *log;
};

/** @brief What the web view has answered since it started. */
struct todo_web_stats {
	uint64_t requests;      /**< Requests answered. */
	uint64_t pages;         /**< 200s with the list page. */
	uint64_t not_modified;  /**< 304s: the page's ETag matched. */
	uint64_t redirects;     /**< 303s after a POST. */
	uint64_t client_errors; /**< 400, 403, 404, 405 and 413. */
	uint64_t commands;      /**< Command lines carried out. */
	uint64_t bytes_read;    /**< Request body bytes read. */
	uint64_t bytes_sent;    /**< Response body bytes sent. */
};

/** @brief The web view's server (opaque). */
typedef struct todo_web todo_web;

/**
 * @brief Start serving the app's list on 127.0.0.1.
 * @param[in,out] app     The core; borrowed, and owned by the server's
 *                        thread until todo_web_destroy().
 * @param[in]     options The options, read during the call; NULL means
 *                        every default.
 * @return The running server, stopped and freed by todo_web_destroy();
 *         NULL when `app` is NULL, memory runs out or the port cannot be
 *         bound.
 */
todo_web *todo_web_create(struct todo_app *app,
                          const struct todo_web_options *options);

/**
 * @brief Stop the server, waiting for its thread, and free it. The app is
 *        the caller's again afterwards.
 * @param[in] web The server; NULL is a no-op.
 */
void todo_web_destroy(todo_web *web);

/**
 * @brief The port the server listens on.
 * @param[in] web The server.
 * @return The port, or 0 when `web` is NULL.
 */
uint16_t todo_web_port(const todo_web *web);

/**
 * @brief Read the server's counters. Safe from any thread: they are read
 *        under the lock the server answers with.
 * @param[in]  web   The server.
 * @param[out] stats Receives the counters.
 * @return #DP_OK, or #DP_EINVAL when an argument is NULL.
 */
int todo_web_stats(todo_web *web, struct todo_web_stats *stats);

/**
 * @brief Serve until the input ends or SIGINT or SIGTERM arrives: what
 *        `todo --arch web` runs. Prints "serving http://127.0.0.1:PORT/"
 *        as one line on `out` once the server listens. SIGINT and SIGTERM
 *        are blocked in the server's thread and caught during the call;
 *        their previous handlers are restored before it returns.
 * @param[in,out] app      The core.
 * @param[in]     options  The options; NULL means every default.
 * @param[in,out] out      Where the address is printed.
 * @param[in]     input_fd A descriptor read (and its bytes discarded)
 *                         until its end, e.g. standard input.
 * @return #DP_OK after a clean stop; #DP_EINVAL when `app` or `out` is
 *         NULL; #DP_EIO when the server could not start (the port is
 *         taken) or the input could not be read.
 */
int todo_web_run(struct todo_app *app, const struct todo_web_options *options,
                 struct dp_stream *out, int input_fd);

#endif /* TODO_WEB_H */
