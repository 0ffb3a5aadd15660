// SPDX-License-Identifier: MIT
/*
 * ksrtp-bench crypto: heap bytes per stream. A call server holds one stream
 * per SSRC and direction, tens of thousands of them, so the per-stream
 * footprint matters as much as ns per packet. Measured as the growth of the
 * heap in use (mallinfo2: allocated chunks plus mmap()ed blocks, so malloc's
 * own overhead and the SSRC table's growth count) over adding many inbound
 * streams with distinct keys to one session.
 */
#include <malloc.h>
#include <math.h>
#include <stdlib.h>

#include "crypto_bench.h"
#include "stream.h"
#include "stream_table.h"

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/*
 * Heap growth over `streams` streams, per stream; NAN when mallinfo2() saw no
 * growth at all (another allocator, such as a sanitizer's, is in use).
 */
static double per_stream(size_t grown, unsigned int streams)
{
	return grown ? (double)grown / streams : NAN;
}

/* Heap bytes per ksrtp stream, or -1. */
static double ksrtp_bytes_per_stream(const struct crypto_profile *prof, unsigned int streams)
{
	const struct ksrtp_config cfg = { .engine = KSRTP_ENGINE_USER };
	uint8_t master[KSRTP_MAX_KEY_LEN + CRYPTO_MASTER_SALT_MAX];
	struct ksrtp_policy policy = {
		.profile = prof->id,
		.direction = KSRTP_INBOUND,
		.key = master,
		.key_len = prof->key_len,
		.salt = master + prof->key_len,
		.salt_len = prof->salt_len,
	};
	uint64_t state = 0x9e3779b97f4a7c15ull;
	ksrtp_session *s;
	size_t before, grown;
	unsigned int i;
	int err;

	s = ksrtp_session_new(&cfg, &err);
	if (!s) {
		fprintf(stderr, "ksrtp-bench: ksrtp_session_new: %s\n", ksrtp_strerror(err));
		return -1;
	}
	before = heap_in_use();
	for (i = 0; i < streams; i++) {
		crypto_random_bytes(&state, master, sizeof(master));
		policy.ssrc = i + 1;
		err = ksrtp_add_stream(s, &policy);
		if (err) {
			fprintf(stderr, "ksrtp-bench: ksrtp_add_stream: %s\n", ksrtp_strerror(err));
			ksrtp_session_free(s);
			return -1;
		}
	}
	grown = heap_in_use() - before;
	ksrtp_session_free(s);
	return per_stream(grown, streams);
}

/* Heap bytes per libsrtp2 stream, or -1. */
static double libsrtp_bytes_per_stream(const struct crypto_profile *prof, unsigned int streams)
{
	uint8_t master[KSRTP_MAX_KEY_LEN + CRYPTO_MASTER_SALT_MAX];
	uint64_t state = 0x9e3779b97f4a7c15ull;
	srtp_policy_t policy = { 0 };
	srtp_err_status_t err;
	size_t before, grown;
	unsigned int i;
	srtp_t s;

	prof->srtp_policy(&policy.rtp);
	prof->srtp_policy(&policy.rtcp);
	policy.ssrc.type = ssrc_specific;
	policy.key = master;
	err = srtp_create(&s, NULL);
	if (err) {
		fprintf(stderr, "ksrtp-bench: srtp_create: error %d\n", err);
		return -1;
	}
	before = heap_in_use();
	for (i = 0; i < streams; i++) {
		crypto_random_bytes(&state, master, sizeof(master));
		policy.ssrc.value = i + 1;
		err = srtp_add_stream(s, &policy);
		if (err) {
			fprintf(stderr, "ksrtp-bench: srtp_add_stream: error %d\n", err);
			srtp_dealloc(s);
			return -1;
		}
	}
	grown = heap_in_use() - before;
	srtp_dealloc(s);
	return per_stream(grown, streams);
}

int crypto_stream_memory(FILE *out, json_object *root, const struct crypto_profile *profiles,
			 unsigned int n_profiles, unsigned int streams)
{
	const size_t bitmap_default = ksrtp_replay_bitmap_size(KSRTP_REPLAY_WINDOW_DEFAULT);
	const size_t bitmap_max = ksrtp_replay_bitmap_size(KSRTP_REPLAY_WINDOW_MAX);
	const size_t alloc_default =
		(sizeof(struct ksrtp_stream) + bitmap_default + 63) & ~(size_t)63;
	json_object *o = json_object_new_object(), *rows = json_object_new_array();
	bool unmeasured = false;
	unsigned int i;

	json_object_object_add(root, "stream_memory", o);
	json_object_object_add(o, "streams", json_object_new_int64(streams));
	json_object_object_add(o, "direction", json_object_new_string("inbound"));
	json_object_object_add(o, "sizeof_ksrtp_stream",
			       json_object_new_int64(sizeof(struct ksrtp_stream)));
	json_object_object_add(o, "sizeof_gcm_key_data",
			       json_object_new_int64(sizeof(struct gcm_key_data)));
	json_object_object_add(o, "sizeof_ksrtp_cm_keys",
			       json_object_new_int64(sizeof(struct ksrtp_cm_keys)));
	json_object_object_add(o, "replay_bitmap_bytes_default_window",
			       json_object_new_int64((int64_t)bitmap_default));
	json_object_object_add(o, "replay_bitmap_bytes_max_window",
			       json_object_new_int64((int64_t)bitmap_max));
	json_object_object_add(o, "stream_allocation_bytes_default_window",
			       json_object_new_int64((int64_t)alloc_default));
	json_object_object_add(o, "sizeof_table_slot",
			       json_object_new_int64(sizeof(struct ksrtp_table_slot)));
	json_object_object_add(o, "profiles", rows);

	fprintf(out, "\nMemory per stream: heap growth (mallinfo2: in use + mmap) over adding\n"
		     "%u inbound streams with distinct keys to one session\n", streams);
	fprintf(out, "  %-26s %16s %18s\n", "profile", "ksrtp B/stream", "libsrtp2 B/stream");
	for (i = 0; i < n_profiles; i++) {
		double k = ksrtp_bytes_per_stream(&profiles[i], streams);
		double l = libsrtp_bytes_per_stream(&profiles[i], streams);
		json_object *row = json_object_new_object();

		if (k < 0 || l < 0)
			return -1;
		fprintf(out, "  %-26s %16.0f %18.0f\n", profiles[i].name, k, l);
		unmeasured |= isnan(k) || isnan(l);
		json_object_object_add(row, "profile", json_object_new_string(profiles[i].name));
		json_object_object_add(row, "ksrtp_bytes_per_stream",
				       isnan(k) ? NULL : json_object_new_double(k));
		json_object_object_add(row, "libsrtp2_bytes_per_stream",
				       isnan(l) ? NULL : json_object_new_double(l));
		json_object_array_add(rows, row);
	}
	if (unmeasured)
		fprintf(out, "  nan: mallinfo2() saw no growth (not glibc's malloc: sanitizer?)\n");
	fprintf(out, "  sizeof(struct ksrtp_stream) %zu B; its key union: gcm_key_data %zu B,\n"
		     "  AES-CM+HMAC keys %zu B. Replay bitmap: %zu B at the default %u-packet\n"
		     "  window, %zu B at %u. One 64-byte-aligned allocation of %zu B a stream\n"
		     "  by default. SSRC table: %zu B a slot, load <= 1/2 (2-4 slots a stream).\n",
		sizeof(struct ksrtp_stream), sizeof(struct gcm_key_data),
		sizeof(struct ksrtp_cm_keys), bitmap_default, KSRTP_REPLAY_WINDOW_DEFAULT,
		bitmap_max, KSRTP_REPLAY_WINDOW_MAX, alloc_default,
		sizeof(struct ksrtp_table_slot));
	return 0;
}
