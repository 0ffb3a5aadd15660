// SPDX-License-Identifier: MIT
/*
 * A second relay on a port one already serves exits 1 naming the address
 * and the reason, instead of joining the first one's SO_REUSEPORT group and
 * taking part of its traffic. The first one goes on forwarding.
 */
#include "relay_test.h"

#define SSRC 0x90e70001u

int main(void)
{
	struct rt_keys sk, rk;
	struct sockaddr_in sa, ra;
	ksrtp_session *tx = rt_session(), *rx;
	struct rt_relay first, second;
	char config[4096], *listen_line, again[4200], want[64];
	uint8_t pkt[RT_PKT];
	int sfd, rfd, n;
	size_t len;

	sfd = rt_fanout_setup(tx, SSRC, 51, &sk, &sa, 1, 150, &rk, &ra, &rfd, &rx, config);
	rt_relay_start_or_fail(&first, config, NULL);
	/* The same config, on the port the first one got. */
	listen_line = strchr(config, '\n');
	snprintf(again, sizeof(again), "listen 127.0.0.1:%u%s", ntohs(first.addr.sin_port),
		 listen_line);
	rt_relay_init(&second);
	CHECK(rt_relay_start(&second, again, NULL) == -1);
	CHECK(WIFEXITED(second.status) && WEXITSTATUS(second.status) == 1);
	snprintf(want, sizeof(want), "listen 127.0.0.1:%u: Address already in use",
		 ntohs(first.addr.sin_port));
	CHECK(strstr(rt_read_file(second.log), want) != NULL);
	if (test_failures)
		fprintf(stderr, "second relay's log:\n%s", rt_read_file(second.log));
	rt_relay_cleanup(&second);

	rt_send(sfd, tx, &first.addr, SSRC, 1, 100, pkt);
	n = rt_recv(rfd, pkt, sizeof(pkt), RT_WAIT_MS);
	CHECK(n > 0);
	len = n > 0 ? (size_t)n : 0;
	CHECK_ERR(ksrtp_unprotect(rx, pkt, &len), 0);
	CHECK(rt_relay_stop(&first) == 0);
	rt_relay_cleanup(&first);
	ksrtp_session_free(rx);
	ksrtp_session_free(tx);
	close(rfd);
	close(sfd);
	return test_result();
}
