// SPDX-License-Identifier: MIT
/* Sessions: engine choice, stream registry, templates, counters. */
#include <stdlib.h>
#include <sys/random.h>

#include "engine_kernel.h"
#include "session.h"

ksrtp_session *ksrtp_session_new(const struct ksrtp_config *cfg, int *err)
{
	enum ksrtp_engine engine = cfg ? cfg->engine : KSRTP_ENGINE_AUTO;
	struct ksrtp_kernel *k;
	ksrtp_session *s;
	uint32_t seeds[2];
	int e = 0;

	if (engine != KSRTP_ENGINE_AUTO && engine != KSRTP_ENGINE_USER &&
	    engine != KSRTP_ENGINE_KERNEL) {
		e = KSRTP_EINVAL;
		goto fail;
	}
	if (engine != KSRTP_ENGINE_USER) {
		/* AUTO falls back per stream (ksrtp.h) and, without a usable module, to user. */
		k = ksrtp_kernel_open(cfg ? cfg->kernel_transport : KSRTP_KERNEL_IOCTL,
				      engine == KSRTP_ENGINE_AUTO, &e);
		if (k) {
			s = calloc(1, sizeof(*s));
			if (!s) {
				ksrtp_kernel_close(k);
				e = KSRTP_ENOMEM;
				goto fail;
			}
			s->engine = KSRTP_ENGINE_KERNEL;
			s->kernel = k;
			if (err)
				*err = 0;
			return s;
		}
		if (engine == KSRTP_ENGINE_KERNEL)
			goto fail;
		e = 0;
	}
	if (!ksrtp_imb()) {
		e = KSRTP_ENOMEM;
		goto fail;
	}
	if (getrandom(seeds, sizeof(seeds), 0) != sizeof(seeds)) {
		e = KSRTP_ENOMEM;
		goto fail;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		e = KSRTP_ENOMEM;
		goto fail;
	}
	s->engine = KSRTP_ENGINE_USER;
	if (ksrtp_table_init(&s->streams[KSRTP_OUTBOUND - 1], seeds[0]) ||
	    ksrtp_table_init(&s->streams[KSRTP_INBOUND - 1], seeds[1])) {
		ksrtp_session_free(s);
		e = KSRTP_ENOMEM;
		goto fail;
	}
	if (err)
		*err = 0;
	return s;
fail:
	if (err)
		*err = e;
	return NULL;
}

void ksrtp_session_free(ksrtp_session *s)
{
	int d;

	if (!s)
		return;
	ksrtp_kernel_close(s->kernel);
	for (d = 0; d < 2; d++) {
		ksrtp_table_destroy(&s->streams[d]);
		ksrtp_stream_free(s->templates[d]);
	}
	free(s);
}

enum ksrtp_engine ksrtp_session_engine(const ksrtp_session *s)
{
	return s ? s->engine : KSRTP_ENGINE_AUTO;
}

int ksrtp_stream_engine(const ksrtp_session *s, uint32_t ssrc, enum ksrtp_direction dir)
{
	if (!s || (dir != KSRTP_OUTBOUND && dir != KSRTP_INBOUND))
		return KSRTP_EINVAL;
	if (s->kernel)
		return ksrtp_kernel_stream_engine(s->kernel, ssrc, dir);
	if (ksrtp_table_find(&s->streams[dir - 1], ssrc) || s->templates[dir - 1])
		return KSRTP_ENGINE_USER;
	return KSRTP_ENOSTREAM;
}

int ksrtp_add_stream_keys_at(ksrtp_session *s, const struct ksrtp_policy *p,
			     const struct ksrtp_session_keys *keys, uint32_t rtcp_last_index)
{
	struct ksrtp_stream *st;
	int err;

	if (!s || !keys)
		return KSRTP_EINVAL;
	err = ksrtp_policy_check(p);
	if (err)
		return err;
	if (rtcp_last_index >= KSRTP_SRTCP_INDEX_MAX ||
	    (rtcp_last_index && p->direction != KSRTP_OUTBOUND))
		return KSRTP_EINVAL;
	if (s->kernel)
		return ksrtp_kernel_add_stream(s->kernel, p, keys, rtcp_last_index);
	if (p->any_ssrc && s->templates[p->direction - 1])
		return KSRTP_EEXIST;
	st = ksrtp_stream_new(p, keys, &err);
	if (!st)
		return err;
	st->rtcp_last_index = rtcp_last_index;
	if (p->any_ssrc) {
		s->templates[p->direction - 1] = st;
		return 0;
	}
	err = ksrtp_table_insert(&s->streams[p->direction - 1], st);
	if (err)
		ksrtp_stream_free(st);
	return err;
}

int ksrtp_add_stream_with_session_keys(ksrtp_session *s, const struct ksrtp_policy *p,
				       const struct ksrtp_session_keys *keys)
{
	return ksrtp_add_stream_keys_at(s, p, keys, 0);
}

int ksrtp_add_stream(ksrtp_session *s, const struct ksrtp_policy *p)
{
	struct ksrtp_session_keys keys;
	int err;

	if (!s)
		return KSRTP_EINVAL;
	err = ksrtp_policy_check(p);
	if (err)
		return err;
	/* The module derives the keys itself: the master key goes there as it is. */
	if (s->kernel)
		return ksrtp_kernel_add_stream(s->kernel, p, NULL, 0);
	err = ksrtp_kdf(p->profile, p->key, p->salt, &keys);
	if (!err)
		err = ksrtp_add_stream_with_session_keys(s, p, &keys);
	ksrtp_wipe(&keys, sizeof(keys));
	return err;
}

int ksrtp_remove_stream(ksrtp_session *s, uint32_t ssrc, enum ksrtp_direction dir)
{
	struct ksrtp_stream *st;

	if (!s || (dir != KSRTP_OUTBOUND && dir != KSRTP_INBOUND))
		return KSRTP_EINVAL;
	if (s->kernel)
		return ksrtp_kernel_remove_stream(s->kernel, ssrc, dir);
	st = ksrtp_table_remove(&s->streams[dir - 1], ssrc);
	if (!st)
		return KSRTP_ENOSTREAM;
	ksrtp_stream_free(st);
	return 0;
}

int ksrtp_stream_stats(const ksrtp_session *s, uint32_t ssrc, enum ksrtp_direction dir,
		       struct ksrtp_stats *out)
{
	const struct ksrtp_stream *st;

	if (!s || !out || (dir != KSRTP_OUTBOUND && dir != KSRTP_INBOUND))
		return KSRTP_EINVAL;
	if (s->kernel)
		return ksrtp_kernel_stream_stats(s->kernel, ssrc, dir, out);
	st = ksrtp_table_find(&s->streams[dir - 1], ssrc);
	if (!st)
		return KSRTP_ENOSTREAM;
	*out = st->stats;
	return 0;
}

struct ksrtp_stream *ksrtp_session_adopt(ksrtp_session *s, enum ksrtp_direction dir,
					 uint32_t ssrc)
{
	struct ksrtp_stream *st = ksrtp_stream_clone(s->templates[dir - 1], ssrc);

	if (st && ksrtp_table_insert(&s->streams[dir - 1], st)) {
		ksrtp_stream_free(st);
		st = NULL;
	}
	return st;
}
