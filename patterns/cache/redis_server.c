/*
 * A throwaway redis-server. It runs in the foreground as our child, so
 * that waitpid() tells us when it is gone and nothing outlives the test;
 * it is ready when it answers PING, polled every few milliseconds rather
 * than waited for with one long sleep.
 */
#define _XOPEN_SOURCE 700 /* kill, nanosleep, fork and exec */

#include "cache/redis_server.h"

#include "common/dp_common.h"
#include "common/dp_temp.h"

#include <hiredis/hiredis.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { POLL_MS = 5, READY_MS = 5000, STOP_MS = 5000 };

static void sleep_ms(long ms)
{
	struct timespec pause = {.tv_sec = ms / 1000,
	                         .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&pause, NULL);
}

bool dp_redis_server_available(void)
{
	const char *path = getenv("PATH");
	char candidate[4096];

	if (path == NULL)
		return false;
	while (*path != '\0') {
		size_t length = strcspn(path, ":");
		int written = snprintf(candidate, sizeof(candidate),
		                       "%.*s/redis-server", (int)length, path);
		if (written > 0 && (size_t)written < sizeof(candidate) &&
		    access(candidate, X_OK) == 0)
			return true;
		path += length;
		if (*path == ':')
			path++;
	}
	return false;
}

int dp_redis_server_free_port(int *port)
{
	if (port == NULL)
		return DP_EINVAL;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return DP_EIO;
	struct sockaddr_in address = {.sin_family = AF_INET};
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t size = sizeof(address);
	int rc = DP_EIO;
	if (bind(fd, (struct sockaddr *)&address, sizeof(address)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&address, &size) == 0) {
		*port = ntohs(address.sin_port);
		rc = DP_OK;
	}
	close(fd);
	return rc;
}

static bool answers_ping(const char *socket_path)
{
	struct timeval timeout = {.tv_sec = 0, .tv_usec = 200000};
	redisContext *redis = redisConnectUnixWithTimeout(socket_path, timeout);
	bool ok = false;

	if (redis != NULL && redis->err == 0) {
		redisReply *reply = redisCommand(redis, "PING");
		ok = reply != NULL && reply->type == REDIS_REPLY_STATUS &&
		     strcmp(reply->str, "PONG") == 0;
		freeReplyObject(reply);
	}
	redisFree(redis);
	return ok;
}

/* Wait for the child to end, up to `ms`; true when it has. */
static bool reaped(pid_t pid, long ms)
{
	for (long waited = 0;; waited += POLL_MS) {
		pid_t done = waitpid(pid, NULL, WNOHANG);
		if (done == pid || done < 0)
			return true;
		if (waited >= ms)
			return false;
		sleep_ms(POLL_MS);
	}
}

static int spawn(struct dp_redis_server *server)
{
	char port[16];
	snprintf(port, sizeof(port), "%d", server->port);

	pid_t pid = fork();
	if (pid < 0)
		return DP_EIO;
	if (pid == 0) {
#ifdef __linux__
		/* A test that fails ends its process at once: the server
		 * must not outlive it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		/* The server's log would mix with the tests' output. */
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execlp("redis-server", "redis-server", "--port", port, "--bind",
		       "127.0.0.1", "--unixsocket", server->socket_path,
		       "--unixsocketperm", "700", "--dir", server->directory,
		       "--save", "", "--appendonly", "no", "--daemonize", "no",
		       (char *)NULL);
		_exit(127);
	}
	server->pid = pid;

	for (long waited = 0; waited < READY_MS; waited += POLL_MS) {
		if (answers_ping(server->socket_path))
			return DP_OK;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			server->pid = 0;
			return DP_EIO;
		}
		sleep_ms(POLL_MS);
	}
	kill(pid, SIGKILL);
	reaped(pid, STOP_MS);
	server->pid = 0;
	return DP_EIO;
}

int dp_redis_server_start(struct dp_redis_server *server, int tcp_port)
{
	if (server == NULL || tcp_port < 0 || tcp_port > 65535)
		return DP_EINVAL;
	memset(server, 0, sizeof(*server));
	if (!dp_redis_server_available())
		return DP_ENOENT;
	server->port = tcp_port;

	int rc = dp_temp_dir_make(server->directory, sizeof(server->directory),
	                          "dp_redis");
	if (rc != DP_OK)
		return DP_EIO;
	int written = snprintf(server->socket_path, sizeof(server->socket_path),
	                       "%s/redis.sock", server->directory);
	if (written < 0 || (size_t)written >= sizeof(server->socket_path)) {
		rc = DP_EIO;
		goto fail_remove_directory;
	}
	rc = spawn(server);
	if (rc != DP_OK)
		goto fail_remove_directory;
	return DP_OK;

fail_remove_directory:
	dp_temp_dir_remove(server->directory);
	memset(server, 0, sizeof(*server));
	return rc;
}

int dp_redis_server_kill(struct dp_redis_server *server)
{
	if (server == NULL || server->pid == 0)
		return DP_EINVAL;
	kill(server->pid, SIGKILL);
	reaped(server->pid, STOP_MS);
	server->pid = 0;
	return DP_OK;
}

int dp_redis_server_restart(struct dp_redis_server *server)
{
	if (server == NULL || server->pid != 0 || server->directory[0] == '\0')
		return DP_EINVAL;
	return spawn(server);
}

int dp_redis_server_stop(struct dp_redis_server *server)
{
	if (server == NULL || server->directory[0] == '\0')
		return DP_OK;
	if (server->pid != 0) {
		kill(server->pid, SIGTERM);
		if (!reaped(server->pid, STOP_MS)) {
			kill(server->pid, SIGKILL);
			reaped(server->pid, STOP_MS);
		}
	}
	int rc = dp_temp_dir_remove(server->directory);
	memset(server, 0, sizeof(*server));
	return rc == DP_OK ? DP_OK : DP_EIO;
}
