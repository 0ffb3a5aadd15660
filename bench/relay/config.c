// SPDX-License-Identifier: MIT
/*
 * ksrtp-relay's config file: one directive a line, "name=value" fields in
 * any order, '#' to the end of the line is a comment.
 *
 *   listen 0.0.0.0:5004 | listen [::]:5004
 *   stream ssrc=0x11223344 profile=AEAD_AES_128_GCM key=<hex> salt=<hex> [replay_window=N]
 *   receiver addr=192.0.2.7:6000 profile=AES_CM_128_HMAC_SHA1_80 key=<hex> salt=<hex>
 *            streams=all | streams=0x11223344,0x55667788
 *
 * Addresses are IPv4 "a.b.c.d:port" or IPv6 "[v6]:port"; the listen
 * address's family is the relay's, every receiver must be of it.
 *
 * Everything is checked before anything is used, and an error names the
 * file, the line and the field, never a field's value: a key pasted into the
 * wrong field must not end up in a log.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "relay.h"

#define LINE_MAX_LEN 4096

static const struct {
	const char *name;
	enum ksrtp_profile profile;
	uint8_t key_len, salt_len;
} profiles[] = {
	{ "AEAD_AES_128_GCM", KSRTP_AEAD_AES_128_GCM, 16, 12 },
	{ "AEAD_AES_256_GCM", KSRTP_AEAD_AES_256_GCM, 32, 12 },
	{ "AES_CM_128_HMAC_SHA1_80", KSRTP_AES_CM_128_HMAC_SHA1_80, 16, 14 },
	{ "AES_CM_128_HMAC_SHA1_32", KSRTP_AES_CM_128_HMAC_SHA1_32, 16, 14 },
};
#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

const char *relay_profile_name(enum ksrtp_profile p)
{
	unsigned int i;

	for (i = 0; i < NPROFILES; i++)
		if (profiles[i].profile == p)
			return profiles[i].name;
	return "?";
}

const char *relay_addr_str(const union relay_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->in6.sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, relay_addr_port(a));
	} else {
		inet_ntop(AF_INET, &a->in.sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, relay_addr_port(a));
	}
	return buf;
}

socklen_t relay_addr_len(const union relay_addr *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->in6) : sizeof(a->in);
}

unsigned int relay_addr_port(const union relay_addr *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->in6.sin6_port : a->in.sin_port);
}

void relay_addr_set_port(union relay_addr *a, unsigned int port)
{
	if (a->sa.sa_family == AF_INET6)
		a->in6.sin6_port = htons((uint16_t)port);
	else
		a->in.sin_port = htons((uint16_t)port);
}

/* Where the parser is, for error messages. */
struct parse {
	const char *path;
	unsigned int line;
	char *err;
	size_t errlen;
};

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "%s:%u: ", p->path, p->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Decimal, or hexadecimal after 0x; never octal, so "010" is ten. */
static int parse_u32(const char *s, uint32_t *out)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	unsigned long long v;
	char *end;

	s += hex ? 2 : 0;
	/* Digits only: strtoull would also take a sign, blanks or a second 0x. */
	if (!*s || s[strspn(s, hex ? "0123456789abcdefABCDEF" : "0123456789")])
		return -1;
	errno = 0;
	v = strtoull(s, &end, hex ? 16 : 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Whether a receiver can be sent to: not 0.0.0.0 or ::, not 255.255.255.255. */
static bool sendable(const union relay_addr *a)
{
	if (a->sa.sa_family == AF_INET6)
		return !IN6_IS_ADDR_UNSPECIFIED(&a->in6.sin6_addr);
	return a->in.sin_addr.s_addr != htonl(INADDR_ANY) &&
	       a->in.sin_addr.s_addr != htonl(INADDR_BROADCAST);
}

/* "a.b.c.d:port" or "[v6]:port" (RFC 3986 section 3.2.2); port in [min_port, 65535]. */
static int parse_addr(struct parse *p, const char *field, const char *s, unsigned int min_port,
		      union relay_addr *out)
{
	bool v6 = *s == '[';
	const char *start = s + v6, *end = v6 ? strchr(start, ']') : strrchr(s, ':');
	char ip[INET6_ADDRSTRLEN];
	uint32_t port;

	if (!end || (v6 && end[1] != ':') || (size_t)(end - start) >= sizeof(ip))
		return fail(p, "%s: want IPv4-address:port or [IPv6-address]:port", field);
	memcpy(ip, start, (size_t)(end - start));
	ip[end - start] = 0;
	memset(out, 0, sizeof(*out));
	out->sa.sa_family = v6 ? AF_INET6 : AF_INET;
	if (v6 ? inet_pton(AF_INET6, ip, &out->in6.sin6_addr) != 1 :
		 inet_pton(AF_INET, ip, &out->in.sin_addr) != 1)
		return fail(p, "%s: not an %s address", field, v6 ? "IPv6" : "IPv4");
	end += v6;
	if (parse_u32(end + 1, &port) || port < min_port || port > 65535)
		return fail(p, "%s: port out of range (%u..65535)", field, min_port);
	relay_addr_set_port(out, port);
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly want bytes of hex; the message says how many it got, not what. */
static int parse_hex(struct parse *p, const char *field, const char *s, const char *profile,
		     uint8_t *out, size_t want)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (hex_digit(s[i]) < 0)
			return fail(p, "%s: not hex (character %zu)", field, i + 1);
	if (n != 2 * want)
		return fail(p, "%s: %s takes %zu bytes (%zu hex digits), got %zu digits", field,
			    profile, want, 2 * want, n);
	for (i = 0; i < want; i++)
		out[i] = (uint8_t)(hex_digit(s[2 * i]) << 4 | hex_digit(s[2 * i + 1]));
	return 0;
}

/*
 * A name the user wrote (a directive, a field), fit to echo in an error: a
 * short word that cannot be key material. A line that is a pasted key, or a
 * hex run before an '=', is not shown.
 */
static const char *shown(const char *name)
{
	static const char word[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	size_t n = strlen(name);

	if (n && n <= 20 && strspn(name, word) == n && strspn(name, "0123456789abcdefABCDEF") < n)
		return name;
	return "(not shown)";
}

/* The fields of one directive line, by name. */
enum field { F_SSRC, F_PROFILE, F_KEY, F_SALT, F_REPLAY_WINDOW, F_ADDR, F_STREAMS, F_COUNT };
static const char *const field_names[F_COUNT] = {
	"ssrc", "profile", "key", "salt", "replay_window", "addr", "streams",
};

/* Split "a=b c=d" into val[field]; only the fields in `allowed` (a bitmask). */
static int split_fields(struct parse *p, char *rest, unsigned int allowed, char *val[F_COUNT])
{
	char *save = NULL, *tok;
	unsigned int f;

	memset(val, 0, F_COUNT * sizeof(*val));
	for (tok = strtok_r(rest, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			return fail(p, "a field without '=': want name=value");
		*eq = 0;
		for (f = 0; f < F_COUNT; f++)
			if (!strcmp(tok, field_names[f]))
				break;
		if (f == F_COUNT || !(allowed & 1u << f))
			return fail(p, "unknown field '%s'", shown(tok));
		if (val[f])
			return fail(p, "%s given twice", field_names[f]);
		val[f] = eq + 1;
	}
	for (f = 0; f < F_COUNT; f++)
		if ((allowed & 1u << f) && !val[f] && f != F_REPLAY_WINDOW)
			return fail(p, "missing %s=", field_names[f]);
	return 0;
}

static int parse_keys(struct parse *p, char *val[F_COUNT], struct relay_keys *k)
{
	unsigned int i;

	memset(k, 0, sizeof(*k));
	for (i = 0; i < NPROFILES; i++)
		if (!strcmp(val[F_PROFILE], profiles[i].name))
			break;
	if (i == NPROFILES)
		return fail(p, "profile: unknown (AEAD_AES_128_GCM, AEAD_AES_256_GCM, "
			    "AES_CM_128_HMAC_SHA1_80 or AES_CM_128_HMAC_SHA1_32)");
	k->profile = profiles[i].profile;
	k->key_len = profiles[i].key_len;
	k->salt_len = profiles[i].salt_len;
	if (parse_hex(p, "key", val[F_KEY], profiles[i].name, k->key, k->key_len) ||
	    parse_hex(p, "salt", val[F_SALT], profiles[i].name, k->salt, k->salt_len))
		return -1;
	if (val[F_REPLAY_WINDOW] &&
	    (parse_u32(val[F_REPLAY_WINDOW], &k->replay_window) ||
	     k->replay_window < KSRTP_REPLAY_WINDOW_MIN ||
	     k->replay_window > KSRTP_REPLAY_WINDOW_MAX))
		return fail(p, "replay_window: want %u..%u packets", KSRTP_REPLAY_WINDOW_MIN,
			    KSRTP_REPLAY_WINDOW_MAX);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int parse_streams_list(struct parse *p, char *s, struct relay_receiver *r)
{
	char *tok;
	unsigned int n = 1, i;
	const char *c;

	if (!strcmp(s, "all")) {
		r->all_streams = true;
		return 0;
	}
	for (c = s; *c; c++)
		n += *c == ',';
	r->ssrcs = calloc(n, sizeof(*r->ssrcs));
	if (!r->ssrcs)
		return fail(p, "out of memory");
	while ((tok = strsep(&s, ","))) {
		if (!*tok)
			return fail(p, "streams: item %u is empty", r->nssrcs + 1);
		if (parse_u32(tok, &r->ssrcs[r->nssrcs]))
			return fail(p, "streams: item %u is not a 32-bit SSRC", r->nssrcs + 1);
		r->nssrcs++;
	}
	qsort(r->ssrcs, r->nssrcs, sizeof(*r->ssrcs), cmp_u32);
	for (i = 1; i < r->nssrcs; i++)
		if (r->ssrcs[i] == r->ssrcs[i - 1])
			return fail(p, "streams: SSRC 0x%08x listed twice", r->ssrcs[i]);
	return 0;
}

/* Growable arrays of the config under construction. */
static void *grow(void *v, unsigned int n, size_t size)
{
	/* Doubling at powers of two: n elements fit, n + 1 may not. */
	if (n & (n - 1) || n == 0)
		return n ? v : malloc(size);
	return reallocarray(v, 2 * n, size);
}

static int parse_line(struct parse *p, char *line, struct relay_config *c, bool *have_listen)
{
	char *val[F_COUNT], *directive, *rest;

	line[strcspn(line, "#\r\n")] = 0;
	directive = line + strspn(line, " \t");
	if (!*directive)
		return 0;
	rest = directive + strcspn(directive, " \t");
	if (*rest)
		*rest++ = 0;
	if (!strcmp(directive, "listen")) {
		char *addr = rest + strspn(rest, " \t"), *end = addr + strcspn(addr, " \t");

		if (end[strspn(end, " \t")])
			return fail(p, "listen: want one address:port");
		*end = 0;
		if (*have_listen)
			return fail(p, "listen given twice");
		*have_listen = true;
		return parse_addr(p, "listen", addr, 0, &c->listen);
	}
	if (!strcmp(directive, "stream")) {
		struct relay_stream *s;
		void *v;

		if (c->nstreams == RELAY_MAX_STREAMS)
			return fail(p, "more than %u streams", RELAY_MAX_STREAMS);
		v = grow(c->streams, c->nstreams, sizeof(*c->streams));
		if (!v)
			return fail(p, "out of memory");
		c->streams = v;
		s = &c->streams[c->nstreams];
		memset(s, 0, sizeof(*s));
		s->config_line = p->line;
		c->nstreams++;
		if (split_fields(p, rest, 1u << F_SSRC | 1u << F_PROFILE | 1u << F_KEY |
					  1u << F_SALT | 1u << F_REPLAY_WINDOW, val))
			return -1;
		if (parse_u32(val[F_SSRC], &s->ssrc))
			return fail(p, "ssrc: not a 32-bit number");
		return parse_keys(p, val, &s->keys);
	}
	if (!strcmp(directive, "receiver")) {
		struct relay_receiver *r;
		void *v;

		if (c->nreceivers == RELAY_MAX_RECEIVERS)
			return fail(p, "more than %u receivers", RELAY_MAX_RECEIVERS);
		v = grow(c->receivers, c->nreceivers, sizeof(*c->receivers));
		if (!v)
			return fail(p, "out of memory");
		c->receivers = v;
		r = &c->receivers[c->nreceivers];
		memset(r, 0, sizeof(*r));
		r->config_line = p->line;
		c->nreceivers++;
		if (split_fields(p, rest, 1u << F_ADDR | 1u << F_PROFILE | 1u << F_KEY |
					  1u << F_SALT | 1u << F_STREAMS, val))
			return -1;
		if (parse_addr(p, "addr", val[F_ADDR], 1, &r->addr) || parse_keys(p, val, &r->keys))
			return -1;
		if (!sendable(&r->addr))
			return fail(p, "addr: the unspecified or the broadcast address");
		return parse_streams_list(p, val[F_STREAMS], r);
	}
	return fail(p, "unknown directive '%s' (listen, stream or receiver)", shown(directive));
}

static int cmp_stream(const void *a, const void *b)
{
	const struct relay_stream *x = a, *y = b;

	return x->ssrc < y->ssrc ? -1 : x->ssrc > y->ssrc;
}

int relay_config_stream(const struct relay_config *c, uint32_t ssrc)
{
	unsigned int lo = 0, hi = c->nstreams;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (c->streams[mid].ssrc == ssrc)
			return (int)mid;
		if (c->streams[mid].ssrc < ssrc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

bool relay_receiver_wants(const struct relay_receiver *r, uint32_t ssrc)
{
	return r->all_streams ||
	       bsearch(&ssrc, r->ssrcs, r->nssrcs, sizeof(*r->ssrcs), cmp_u32);
}

bool relay_keys_equal(const struct relay_keys *a, const struct relay_keys *b)
{
	return a->profile == b->profile && a->replay_window == b->replay_window &&
	       !memcmp(a->key, b->key, sizeof(a->key)) &&
	       !memcmp(a->salt, b->salt, sizeof(a->salt));
}

/* Whole-file checks: duplicates, references, and the forwarding table. */
static int finish(struct parse *p, struct relay_config *c, bool have_listen)
{
	unsigned int i, j, k, total = 0;

	if (!have_listen) {
		p->line = 0;
		snprintf(p->err, p->errlen, "%s: no listen line", p->path);
		return -1;
	}
	qsort(c->streams, c->nstreams, sizeof(*c->streams), cmp_stream);
	for (i = 1; i < c->nstreams; i++)
		if (c->streams[i].ssrc == c->streams[i - 1].ssrc) {
			const struct relay_stream *a = &c->streams[i - 1], *b = &c->streams[i];

			p->line = a->config_line > b->config_line ? a->config_line : b->config_line;
			return fail(p, "duplicate stream ssrc=0x%08x (also on line %u)", a->ssrc,
				    a->config_line < b->config_line ? a->config_line :
								      b->config_line);
		}
	for (i = 0; i < c->nreceivers; i++) {
		const struct relay_receiver *r = &c->receivers[i];

		p->line = r->config_line;
		if (r->addr.sa.sa_family != c->listen.sa.sa_family)
			return fail(p, "addr: an %s receiver, but the relay listens on %s",
				    r->addr.sa.sa_family == AF_INET6 ? "IPv6" : "IPv4",
				    c->listen.sa.sa_family == AF_INET6 ? "IPv6" : "IPv4");
		for (j = 0; j < i; j++)
			if (!memcmp(&c->receivers[j].addr, &r->addr, sizeof(r->addr)))
				return fail(p, "duplicate receiver addr (also on line %u)",
					    c->receivers[j].config_line);
		for (j = 0; j < r->nssrcs; j++)
			if (relay_config_stream(c, r->ssrcs[j]) < 0)
				return fail(p, "streams: no stream has ssrc=0x%08x", r->ssrcs[j]);
	}
	c->fanout_start = calloc(c->nstreams + 1, sizeof(*c->fanout_start));
	for (i = 0; i < c->nstreams; i++)
		for (j = 0; j < c->nreceivers; j++)
			total += relay_receiver_wants(&c->receivers[j], c->streams[i].ssrc);
	c->fanout = calloc(total ? total : 1, sizeof(*c->fanout));
	if (!c->fanout_start || !c->fanout)
		return fail(p, "out of memory");
	for (i = 0, k = 0; i < c->nstreams; i++) {
		c->fanout_start[i] = k;
		for (j = 0; j < c->nreceivers; j++)
			if (relay_receiver_wants(&c->receivers[j], c->streams[i].ssrc))
				c->fanout[k++] = j;
	}
	c->fanout_start[c->nstreams] = k;
	return 0;
}

struct relay_config *relay_config_load(const char *path, char *err, size_t errlen)
{
	struct parse p = { .path = path, .err = err, .errlen = errlen };
	struct relay_config *c = calloc(1, sizeof(*c));
	bool have_listen = false;
	char line[LINE_MAX_LEN + 2];
	int bad = 0;
	FILE *f;

	if (!c) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(c);
		return NULL;
	}
	while (!bad && fgets(line, sizeof(line), f)) {
		p.line++;
		if (!strchr(line, '\n') && !feof(f))
			bad = fail(&p, "line longer than %u characters", LINE_MAX_LEN);
		else
			bad = parse_line(&p, line, c, &have_listen);
	}
	if (!bad && ferror(f))
		bad = fail(&p, "read error");
	explicit_bzero(line, sizeof(line));
	fclose(f);
	if (bad || finish(&p, c, have_listen)) {
		relay_config_free(c);
		return NULL;
	}
	return c;
}

void relay_config_free(struct relay_config *c)
{
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < c->nreceivers; i++)
		free(c->receivers[i].ssrcs);
	if (c->streams)
		explicit_bzero(c->streams, c->nstreams * sizeof(*c->streams));
	if (c->receivers)
		explicit_bzero(c->receivers, c->nreceivers * sizeof(*c->receivers));
	free(c->streams);
	free(c->receivers);
	free(c->fanout_start);
	free(c->fanout);
	free(c);
}
