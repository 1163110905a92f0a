/*
 * The ready-made key and value tables: integers, strings and byte strings.
 *
 * Each copy is one block from the cache's allocator, so a key or value
 * costs one allocation and one free, and the cache's counting or failing
 * allocator sees every byte.
 */
#include "lru_cache/lru_cache.h"

#include <string.h>

/* FNV-1a: short, byte at a time, good enough for keys of a few words. */
static uint64_t fnv1a(uint64_t hash, const unsigned char *bytes, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		hash ^= bytes[i];
		hash *= 0x100000001b3u;
	}
	return hash;
}

static const uint64_t fnv_offset_basis = 0xcbf29ce484222325u;

/* ---- int64_t ------------------------------------------------------------ */

static uint64_t int64_hash(void *ctx, const void *key)
{
	(void)ctx;
	return dp_lru_int64_hash(*(const int64_t *)key);
}

static bool int64_equal(void *ctx, const void *a, const void *b)
{
	(void)ctx;
	return *(const int64_t *)a == *(const int64_t *)b;
}

static void *int64_dup(void *ctx, const void *src,
                       const struct dp_allocator *alloc)
{
	(void)ctx;
	int64_t *copy = dp_alloc(alloc, sizeof(*copy));
	if (copy != NULL)
		*copy = *(const int64_t *)src;
	return copy;
}

/* Shared by every table: a copy is always one block. */
static void block_free(void *ctx, void *block, const struct dp_allocator *alloc)
{
	(void)ctx;
	dp_free(alloc, block);
}

const struct dp_lru_key_ops dp_lru_int64_key = {
	.hash = int64_hash,
	.equal = int64_equal,
	.dup = int64_dup,
	.free = block_free,
};

const struct dp_lru_value_ops dp_lru_int64_value = {
	.dup = int64_dup,
	.free = block_free,
};

/* ---- NUL-terminated strings --------------------------------------------- */

static uint64_t string_hash(void *ctx, const void *key)
{
	(void)ctx;
	const char *string = key;
	return fnv1a(fnv_offset_basis, key, strlen(string));
}

static bool string_equal(void *ctx, const void *a, const void *b)
{
	(void)ctx;
	return strcmp(a, b) == 0;
}

static void *string_dup(void *ctx, const void *src,
                        const struct dp_allocator *alloc)
{
	(void)ctx;
	return dp_strdup(alloc, src);
}

const struct dp_lru_key_ops dp_lru_string_key = {
	.hash = string_hash,
	.equal = string_equal,
	.dup = string_dup,
	.free = block_free,
};

/* ---- byte strings ------------------------------------------------------- */

static uint64_t bytes_hash(void *ctx, const void *key)
{
	(void)ctx;
	const struct dp_lru_bytes *bytes = key;
	return fnv1a(fnv_offset_basis, bytes->data, bytes->size);
}

static bool bytes_equal(void *ctx, const void *a, const void *b)
{
	(void)ctx;
	const struct dp_lru_bytes *x = a;
	const struct dp_lru_bytes *y = b;
	return x->size == y->size &&
	       (x->size == 0 || memcmp(x->data, y->data, x->size) == 0);
}

/* The header and the bytes in one block, the bytes right after it, so the
 * copy is freed with one call. */
static void *bytes_dup(void *ctx, const void *src,
                       const struct dp_allocator *alloc)
{
	(void)ctx;
	const struct dp_lru_bytes *bytes = src;
	if (bytes->size > SIZE_MAX - sizeof(struct dp_lru_bytes))
		return NULL;
	struct dp_lru_bytes *copy =
		dp_alloc(alloc, sizeof(*copy) + bytes->size);
	if (copy == NULL)
		return NULL;
	unsigned char *data = (unsigned char *)(copy + 1);
	if (bytes->size > 0)
		memcpy(data, bytes->data, bytes->size);
	copy->data = data;
	copy->size = bytes->size;
	return copy;
}

const struct dp_lru_key_ops dp_lru_bytes_key = {
	.hash = bytes_hash,
	.equal = bytes_equal,
	.dup = bytes_dup,
	.free = block_free,
};

const struct dp_lru_value_ops dp_lru_bytes_value = {
	.dup = bytes_dup,
	.free = block_free,
};
