/**
 * @file third_party.h
 * @brief PRETEND THIRD-PARTY CODE: "tp", a tiny transport library written
 *        in another project's style, for the Adapter chapter to adapt.
 *
 * It is deliberately not in the house style: `int` lengths, `ssize_t`
 * results with -1 and `errno`, short sends and receives, a struct of
 * function pointers sharing one `void *handle`. It allocates nothing: a
 * loopback keeps its bytes in storage the caller provides. Thread-safety:
 * none. Do not copy this style; adapt it (see adapter.h).
 */
#ifndef TP_THIRD_PARTY_H
#define TP_THIRD_PARTY_H

#include <sys/types.h>

/**
 * @brief The library's transport interface: how it moves bytes.
 *
 * Like a socket: a call may move fewer bytes than asked.
 */
struct tp_transport {
	/** Handed to every function unchanged. */
	void *handle;
	/** Send up to `len` bytes; return how many were taken, or -1 and set
	 * `errno`. */
	ssize_t (*send)(void *handle, const char *data, int len);
	/** Receive up to `len` bytes; return how many, 0 when nothing is
	 * left, or -1 and set `errno`. May be NULL for a send-only transport. */
	ssize_t (*recv)(void *handle, char *data, int len);
	/** Stop the transport; return 0 or -1. May be NULL. */
	int (*shutdown)(void *handle);
};

/**
 * @brief A loopback transport: what is sent can be received, in order,
 *        at most `max_chunk` bytes per call.
 */
struct tp_loopback {
	char *storage; /**< The caller's buffer. */
	int capacity;  /**< Its size in bytes. */
	int start;     /**< Offset of the first unread byte. */
	int length;    /**< Bytes sent and not yet received. */
	int max_chunk; /**< The most bytes one send or receive moves. */
	int is_down;   /**< Non-zero after shutdown: sends fail with EPIPE. */
	long sends;    /**< Calls of send, successful or not. */
	long receives; /**< Calls of recv. */
};

/**
 * @brief Set up a loopback over the caller's storage.
 * @param[out] loop      The loopback.
 * @param[in]  storage   At least `capacity` bytes, owned by the caller.
 * @param[in]  capacity  How many bytes can wait to be received.
 * @param[in]  max_chunk The most bytes per call (at least 1).
 * @return 0, or -1 with `errno` = EINVAL for a bad argument.
 */
int tp_loopback_init(struct tp_loopback *loop, char *storage, int capacity,
                     int max_chunk);

/**
 * @brief The transport interface of a loopback.
 * @param[in] loop The loopback; it must outlive the transport.
 * @return A transport whose handle is `loop`.
 */
struct tp_transport tp_loopback_transport(struct tp_loopback *loop);

#endif /* TP_THIRD_PARTY_H */
