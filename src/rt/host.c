/* host.c — the host side of the runtime: the main thread and foreign
 * threads (libuv I/O threads of plugins) act through the host
 * pseudo-process, whose capability table and mailboxes are guarded by
 * rt->host_mtx. Nothing here stops or waits for the schedulers. */
#include <errno.h>
#include <time.h>

#include "rt_int.h"

void hr__host_signal(hr_rt *rt)
{
	pthread_mutex_lock(&rt->hcv_mtx);
	rt->hsignal++;
	pthread_cond_broadcast(&rt->hcv);
	pthread_mutex_unlock(&rt->hcv_mtx);
}

#define HOST_CALL(rt, expr)                                                    \
	do {                                                                   \
		int rc_;                                                       \
		pthread_mutex_lock(&(rt)->host_mtx);                           \
		rc_ = (expr);                                                  \
		pthread_mutex_unlock(&(rt)->host_mtx);                         \
		return rc_;                                                    \
	} while (0)

int hr_host_spawn(hr_rt *rt, const hr_spawn_opts *o, hr_handle *child)
{
	HOST_CALL(rt, hr__spawn(rt, rt->host, NULL, o, child));
}

int hr_host_send(hr_rt *rt, hr_handle h, const void *data, size_t len,
		 const hr_handle *caps, uint32_t ncaps)
{
	HOST_CALL(rt, hr__send(rt->host, NULL, h, data, len, caps, ncaps));
}

static int host_kill(hr_rt *rt, hr_handle h)
{
	hr_cent *e = hr__ctab_get(&rt->host->ctab, h);

	if (!e)
		return HB_EBADH;
	if (!(e->c.perms & HR_PERM_KILL))
		return HB_EPERM;
	return hr__kill(rt, NULL, e->c.p, e->c.gen, HR_EXIT_KILLED, NULL, true,
			hr__pid(rt->host, 1));
}

int hr_host_kill(hr_rt *rt, hr_handle h)
{
	HOST_CALL(rt, host_kill(rt, h));
}

int hr_host_monitor(hr_rt *rt, hr_handle h, uint32_t mb, uint64_t *ref)
{
	HOST_CALL(rt, hr__monitor(rt->host, NULL, h, mb, ref));
}

int hr_host_demonitor(hr_rt *rt, uint64_t ref)
{
	HOST_CALL(rt, hr__demonitor(rt->host, NULL, ref));
}

int hr_host_perms(hr_rt *rt, hr_handle h)
{
	HOST_CALL(rt, hr_perms(rt->host, h));
}

int hr_host_demote(hr_rt *rt, hr_handle h, unsigned perms, hr_handle *out)
{
	HOST_CALL(rt, hr_demote(rt->host, h, perms, out));
}

int hr_host_ref_inc(hr_rt *rt, hr_handle h)
{
	HOST_CALL(rt, hr_ref_inc(rt->host, h));
}

int hr_host_ref_dec(hr_rt *rt, hr_handle h)
{
	HOST_CALL(rt, hr_ref_dec(rt->host, h));
}

int hr_host_target_pid(hr_rt *rt, hr_handle h, hr_pid *out)
{
	HOST_CALL(rt, hr_target_pid(rt->host, h, out));
}

int hr_host_same_target(hr_rt *rt, hr_handle a, hr_handle b)
{
	HOST_CALL(rt, hr_same_target(rt->host, a, b));
}

int hr_host_mailbox_new(hr_rt *rt, uint32_t *id)
{
	HOST_CALL(rt, hr__mailbox_new(rt->host, id));
}

int hr_host_mailbox_free(hr_rt *rt, uint32_t id)
{
	HOST_CALL(rt, hr__mailbox_free(rt->host, NULL, id));
}

int hr_host_mailbox_cap(hr_rt *rt, uint32_t id, unsigned perms, hr_handle *h)
{
	HOST_CALL(rt, hr__mailbox_cap(rt->host, id, perms, h));
}

int hr_host_recv(hr_rt *rt, uint32_t mb, int64_t timeout_ns, hr_msg *out)
{
	uint64_t deadline = timeout_ns < 0 ? UINT64_MAX
					   : hr_now_ns() + (uint64_t)timeout_ns;
	hr_proc *host = rt->host;

	for (;;) {
		uint64_t seq;
		hr_node *n;
		int rc = 0;

		pthread_mutex_lock(&rt->hcv_mtx);
		seq = rt->hsignal;
		pthread_mutex_unlock(&rt->hcv_mtx);

		pthread_mutex_lock(&rt->host_mtx);
		for (;;) {
			n = mb == UINT32_MAX ? hr__pop_from(host, NULL, 0)
					     : hr__pop_from(host, &mb, 1);
			if (!n || hr__open(host, NULL, n, out))
				break;
		}
		pthread_mutex_unlock(&rt->host_mtx);
		if (n)
			return 0;

		pthread_mutex_lock(&rt->hcv_mtx);
		while (rt->hsignal == seq && rc == 0) {
			if (deadline == UINT64_MAX) {
				pthread_cond_wait(&rt->hcv, &rt->hcv_mtx);
			} else {
				struct timespec ts = {
					.tv_sec = (time_t)(deadline /
							   1000000000u),
					.tv_nsec =
						(long)(deadline % 1000000000u)};

				rc = pthread_cond_timedwait(&rt->hcv,
							    &rt->hcv_mtx, &ts);
			}
		}
		pthread_mutex_unlock(&rt->hcv_mtx);
		if (rc == ETIMEDOUT && hr_now_ns() >= deadline) {
			/* one last look: the message may have raced the
			 * timeout */
			pthread_mutex_lock(&rt->host_mtx);
			for (;;) {
				n = mb == UINT32_MAX
					    ? hr__pop_from(host, NULL, 0)
					    : hr__pop_from(host, &mb, 1);
				if (!n || hr__open(host, NULL, n, out))
					break;
			}
			pthread_mutex_unlock(&rt->host_mtx);
			return n ? 0 : HB_ETIMEDOUT;
		}
	}
}

void hr_host_msg_free(hr_rt *rt, hr_msg *m)
{
	if (m && m->node_) {
		hr__node_free(rt, NULL, m->node_);
		m->node_ = NULL;
	}
}
