/*
 * The stream dispatchers. Every argument is checked here, once, and the
 * optional slots get their documented meaning here, so that no
 * implementation repeats either (rule: "check for NULL in one dispatcher").
 *
 * A zero-length read or write never reaches the implementation: a read of
 * zero bytes would be indistinguishable from the end of the input, and a
 * write of zero bytes to write(2) has surprising results on some files.
 */
#include "common/dp_stream.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int dp_stream_init(struct dp_stream *stream, const struct dp_stream_ops *ops)
{
	if (stream == NULL || ops == NULL || ops->name == NULL ||
	    ops->close == NULL)
		return DP_EINVAL;
	stream->ops = ops;
	return DP_OK;
}

int dp_stream_read(struct dp_stream *stream, void *buf, size_t len, size_t *got)
{
	if (got == NULL)
		return DP_EINVAL;
	*got = 0;
	if (stream == NULL || (buf == NULL && len > 0))
		return DP_EINVAL;
	if (stream->ops->read == NULL)
		return DP_ENOTSUP;
	if (len == 0)
		return DP_OK;
	int rc = stream->ops->read(stream, buf, len, got);
	/* The contract promises 0 on error whatever the implementation
	 * left behind. */
	if (rc != DP_OK)
		*got = 0;
	return rc;
}

int dp_stream_write(struct dp_stream *stream, const void *buf, size_t len)
{
	if (stream == NULL || (buf == NULL && len > 0))
		return DP_EINVAL;
	if (stream->ops->write == NULL)
		return DP_ENOTSUP;
	if (len == 0)
		return DP_OK;
	return stream->ops->write(stream, buf, len);
}

int dp_stream_write_string(struct dp_stream *stream, const char *text)
{
	if (text == NULL)
		return DP_EINVAL;
	return dp_stream_write(stream, text, strlen(text));
}

int dp_stream_printf(struct dp_stream *stream, const char *format, ...)
{
	char text[DP_STREAM_PRINTF_MAX + 1];
	va_list args;

	if (stream == NULL || format == NULL)
		return DP_EINVAL;
	va_start(args, format);
	int len = vsnprintf(text, sizeof(text), format, args);
	va_end(args);
	if (len < 0)
		return DP_EINVAL;
	if ((size_t)len >= sizeof(text))
		return DP_ERANGE;
	return dp_stream_write(stream, text, (size_t)len);
}

int dp_stream_flush(struct dp_stream *stream)
{
	if (stream == NULL)
		return DP_EINVAL;
	if (stream->ops->flush == NULL)
		return DP_OK;
	return stream->ops->flush(stream);
}

int dp_stream_close(struct dp_stream *stream)
{
	if (stream == NULL)
		return DP_OK;
	return stream->ops->close(stream);
}

const char *dp_stream_name(const struct dp_stream *stream)
{
	return stream == NULL ? "(null)" : stream->ops->name;
}
