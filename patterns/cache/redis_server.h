/**
 * @file redis_server.h
 * @brief A throwaway `redis-server` for tests, examples and benchmarks:
 *        started as a child process on a Unix socket in a new temporary
 *        directory (and, if asked, on a free TCP port of 127.0.0.1 only),
 *        with persistence off, and stopped with nothing left behind.
 *
 * Ownership: the caller allocates the struct; dp_redis_server_stop()
 * ends the process and removes the directory. Thread-safety: none.
 */
#ifndef DP_REDIS_SERVER_H
#define DP_REDIS_SERVER_H

#include <stdbool.h>
#include <sys/types.h>

/** @brief The longest path this helper keeps, the socket's included. */
#define DP_REDIS_SERVER_PATH_MAX 108

/**
 * @brief A running (or killed) server. Public so that callers can keep
 *        one on the stack; read its fields, never write them.
 */
struct dp_redis_server {
	pid_t pid; /**< The process; 0 when none runs. */
	int port;  /**< The TCP port on 127.0.0.1, or 0. */
	char directory
		[DP_REDIS_SERVER_PATH_MAX]; /**< The temporary directory. */
	char socket_path[DP_REDIS_SERVER_PATH_MAX]; /**< The Unix socket. */
};

/**
 * @brief Whether `redis-server` can be found on the PATH.
 * @return true when an executable `redis-server` is there.
 */
bool dp_redis_server_available(void);

/**
 * @brief Find a TCP port of 127.0.0.1 that is free now (the kernel picks
 *        one; another process could take it before it is used).
 * @param[out] port Receives it.
 * @return #DP_OK; #DP_EINVAL when `port` is NULL; #DP_EIO when no socket
 *         could be bound.
 */
int dp_redis_server_free_port(int *port);

/**
 * @brief Start a server and wait until it answers PING (5 s at most).
 * @param[out] server   Receives the server's description.
 * @param[in]  tcp_port 0 for the Unix socket only; else a port on
 *                      127.0.0.1 to listen on as well.
 * @return #DP_OK; #DP_EINVAL when `server` is NULL or the port is out of
 *         range; #DP_ENOENT when `redis-server` is not installed; #DP_EIO
 *         when it would not start or answer (nothing is left behind).
 */
int dp_redis_server_start(struct dp_redis_server *server, int tcp_port);

/**
 * @brief Kill the server at once (SIGKILL), as a crash would, keeping its
 *        directory so that dp_redis_server_restart() can use it again.
 * @param[in,out] server A started server.
 * @return #DP_OK; #DP_EINVAL when `server` is NULL or not running.
 */
int dp_redis_server_kill(struct dp_redis_server *server);

/**
 * @brief Start a killed server again on the same socket and port; it
 *        comes back empty, as persistence is off.
 * @param[in,out] server A killed server.
 * @return #DP_OK; #DP_EINVAL when `server` is NULL or still running;
 *         #DP_EIO when it would not start or answer.
 */
int dp_redis_server_restart(struct dp_redis_server *server);

/**
 * @brief Stop the server (SIGTERM, then SIGKILL after 5 s) and remove its
 *        directory with everything in it.
 * @param[in,out] server A started server, running or killed; NULL or a
 *                       stopped one is a no-op.
 * @return #DP_OK, or #DP_EIO when the directory could not be removed.
 */
int dp_redis_server_stop(struct dp_redis_server *server);

#endif /* DP_REDIS_SERVER_H */
