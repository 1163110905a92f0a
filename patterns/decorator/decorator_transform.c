/*
 * The decorators that change the bytes: a byte-for-byte map, and line
 * numbers. Both forward flush and close unchanged; only the data path
 * differs from a pure pass-through.
 */
#include "decorator/decorator.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- byte maps ----------------------------------------------------------- */

static void map_identity(struct dp_byte_map *map)
{
	for (size_t b = 0; b < DP_ARRAY_SIZE(map->table); b++)
		map->table[b] = (unsigned char)b;
}

/* ASCII ranges by value, not toupper(3): the result must not depend on
 * the process's locale. */
int dp_byte_map_upper(struct dp_byte_map *map)
{
	if (map == NULL)
		return DP_EINVAL;
	map_identity(map);
	for (int c = 'a'; c <= 'z'; c++)
		map->table[c] = (unsigned char)(c - 'a' + 'A');
	return DP_OK;
}

int dp_byte_map_rot13(struct dp_byte_map *map)
{
	if (map == NULL)
		return DP_EINVAL;
	map_identity(map);
	for (int i = 0; i < 26; i++) {
		map->table['a' + i] = (unsigned char)('a' + (i + 13) % 26);
		map->table['A' + i] = (unsigned char)('A' + (i + 13) % 26);
	}
	return DP_OK;
}

int dp_byte_map_xor(struct dp_byte_map *map, unsigned char key)
{
	if (map == NULL)
		return DP_EINVAL;
	for (size_t b = 0; b < DP_ARRAY_SIZE(map->table); b++)
		map->table[b] = (unsigned char)(b ^ key);
	return DP_OK;
}

/* ---- transform ----------------------------------------------------------- */

struct transform_stream {
	struct dp_stream base; /* Base. Must be first. */
	struct dp_stream *inner;
	struct dp_byte_map map;
	/* Mapped bytes on their way down: the caller's buffer is const. */
	unsigned char chunk[DP_TRANSFORM_CHUNK];
	const struct dp_allocator *alloc;
};

static struct transform_stream *transform_of(struct dp_stream *stream)
{
	return dp_container_of(stream, struct transform_stream, base);
}

static int transform_write(struct dp_stream *stream, const void *buf,
                           size_t len)
{
	struct transform_stream *self = transform_of(stream);
	const unsigned char *in = buf;

	for (size_t done = 0; done < len;) {
		size_t n = len - done;
		if (n > DP_TRANSFORM_CHUNK)
			n = DP_TRANSFORM_CHUNK;
		for (size_t i = 0; i < n; i++)
			self->chunk[i] = self->map.table[in[done + i]];
		int rc = dp_stream_write(self->inner, self->chunk, n);
		if (rc != DP_OK)
			return rc;
		done += n;
	}
	return DP_OK;
}

/* On the way up the bytes are the caller's already: map them in place. */
static int transform_read(struct dp_stream *stream, void *buf, size_t len,
                          size_t *got)
{
	struct transform_stream *self = transform_of(stream);
	unsigned char *out = buf;
	int rc = dp_stream_read(self->inner, buf, len, got);

	for (size_t i = 0; rc == DP_OK && i < *got; i++)
		out[i] = self->map.table[out[i]];
	return rc;
}

static int transform_flush(struct dp_stream *stream)
{
	return dp_stream_flush(transform_of(stream)->inner);
}

static int transform_close(struct dp_stream *stream)
{
	struct transform_stream *self = transform_of(stream);
	int rc = dp_stream_close(self->inner);

	dp_free(self->alloc, self);
	return rc;
}

static const struct dp_stream_ops transform_ops = {
	.name = "transform",
	.read = transform_read,
	.write = transform_write,
	.flush = transform_flush,
	.close = transform_close,
};

struct dp_stream *dp_transform_stream_create(struct dp_stream *inner,
                                             const struct dp_byte_map *map,
                                             const struct dp_allocator *alloc)
{
	if (inner == NULL || map == NULL)
		return NULL;
	struct transform_stream *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	dp_stream_init(&self->base, &transform_ops);
	self->inner = inner;
	self->map = *map;
	self->alloc = alloc;
	return &self->base;
}

/* ---- line numbers -------------------------------------------------------- */

struct numbering_stream {
	struct dp_stream base; /* Base. Must be first. */
	struct dp_stream *inner;
	uint64_t next_line;
	bool at_line_start;
	const struct dp_allocator *alloc;
};

static struct numbering_stream *numbering_of(struct dp_stream *stream)
{
	return dp_container_of(stream, struct numbering_stream, base);
}

/* The line's prefix goes down when its first byte does, not when the
 * previous newline did: a stream that ends with '\n' gets no dangling
 * number. */
static int numbering_write(struct dp_stream *stream, const void *buf,
                           size_t len)
{
	struct numbering_stream *self = numbering_of(stream);
	const char *text = buf;

	while (len > 0) {
		if (self->at_line_start) {
			char prefix[32];
			int n = snprintf(prefix, sizeof(prefix),
			                 "%" PRIu64 ": ", self->next_line);
			int rc =
				dp_stream_write(self->inner, prefix, (size_t)n);
			if (rc != DP_OK)
				return rc;
			self->next_line++;
			self->at_line_start = false;
		}
		const char *newline = memchr(text, '\n', len);
		size_t n = newline != NULL ? (size_t)(newline - text) + 1 : len;
		int rc = dp_stream_write(self->inner, text, n);
		if (rc != DP_OK)
			return rc;
		self->at_line_start = newline != NULL;
		text += n;
		len -= n;
	}
	return DP_OK;
}

static int numbering_flush(struct dp_stream *stream)
{
	return dp_stream_flush(numbering_of(stream)->inner);
}

static int numbering_close(struct dp_stream *stream)
{
	struct numbering_stream *self = numbering_of(stream);
	int rc = dp_stream_close(self->inner);

	dp_free(self->alloc, self);
	return rc;
}

/* Write-only: reading numbered text back would need to strip numbers. */
static const struct dp_stream_ops numbering_ops = {
	.name = "numbering",
	.write = numbering_write,
	.flush = numbering_flush,
	.close = numbering_close,
};

struct dp_stream *dp_numbering_stream_create(struct dp_stream *inner,
                                             const struct dp_allocator *alloc)
{
	if (inner == NULL)
		return NULL;
	struct numbering_stream *self = dp_alloc(alloc, sizeof(*self));
	if (self == NULL)
		return NULL;
	dp_stream_init(&self->base, &numbering_ops);
	self->inner = inner;
	self->next_line = 1;
	self->at_line_start = true;
	self->alloc = alloc;
	return &self->base;
}
