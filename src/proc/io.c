/* io.c — lump I/O off the scheduler threads: lump_new and lump_load hand
 * their store call (an fsync'd write, a verified read) to the host's I/O
 * thread and the process waits for it without holding a thread, as for a
 * receive. The worker marks the job done and pokes the process
 * (hr_poke): a waiting process runs at once, and one that has not parked
 * yet does not park. */
#include <stdlib.h>
#include <string.h>

#include "proc_int.h"

enum { IO_QUEUED = 0, IO_DONE = 1 };

static void job_unref(hp_io *j)
{
	if (atomic_fetch_sub_explicit(&j->refs, 1, memory_order_acq_rel) != 1)
		return;
	hl_lump_unref(j->lump); /* NULL once its process took it */
	free(j->bytes);
	free(j);
}

static void *worker(void *arg)
{
	hp_host *h = arg;
	hp_io *j;

	pthread_mutex_lock(&h->io_mu);
	for (;;) {
		while (!h->io_head && !h->io_stop)
			pthread_cond_wait(&h->io_cv, &h->io_mu);
		j = h->io_head;
		if (!j)
			break; /* stopping, queue drained */
		h->io_head = j->next;
		if (!h->io_head)
			h->io_tail = NULL;
		pthread_mutex_unlock(&h->io_mu);
		if (j->op == HP_IO_PUT)
			j->rc = hl_store_put(h->store, j->bytes, j->len, &j->id,
					     &j->lump);
		else
			j->rc = hl_store_get(h->store, &j->id, &j->lump);
		free(j->bytes);
		j->bytes = NULL;
		atomic_store_explicit(&j->state, IO_DONE, memory_order_release);
		/* under io_mu: a process that stopped waiting (it took the
		 * result, or died, perhaps with the runtime) is not poked */
		pthread_mutex_lock(&h->io_mu);
		if (j->waiting)
			hr_poke(h->rt, j->pid);
		job_unref(j);
	}
	pthread_mutex_unlock(&h->io_mu);
	return NULL;
}

int hp__io_submit(hp_host *h, hp_io *j)
{
	int rc = 0;

	atomic_init(&j->refs, 2); /* the process and the worker */
	atomic_init(&j->state, IO_QUEUED);
	j->next = NULL;
	j->waiting = true;
	pthread_mutex_lock(&h->io_mu);
	if (!h->io_started) {
		if (pthread_create(&h->io_thr, NULL, worker, h) != 0)
			rc = HB_EAGAIN;
		else
			h->io_started = true;
	}
	if (!rc) {
		if (h->io_tail)
			h->io_tail->next = j;
		else
			h->io_head = j;
		h->io_tail = j;
		pthread_cond_signal(&h->io_cv);
	}
	pthread_mutex_unlock(&h->io_mu);
	return rc;
}

void hp__io_stop(hp_host *h)
{
	pthread_mutex_lock(&h->io_mu);
	h->io_stop = true;
	pthread_cond_signal(&h->io_cv);
	pthread_mutex_unlock(&h->io_mu);
	if (h->io_started)
		pthread_join(h->io_thr, NULL);
	h->io_started = false;
}

/* Start waiting for p->io (called from the host function). */
int hp__io_wait(hp_proc *p)
{
	p->wait = HP_W_IO;
	p->deadline = 0; /* no timeout: the worker pokes */
	return HW_HOST_SUSPEND;
}

/* The process stops waiting for its job: the worker will not poke it. */
static void stop_waiting(hp_proc *p)
{
	pthread_mutex_lock(&p->host->io_mu);
	p->io->waiting = false;
	pthread_mutex_unlock(&p->host->io_mu);
}

/* The job of a waiting process: done (true, *val the host call's result)
 * or not yet (false: wait again; the worker's poke ends the wait). */
bool hp__io_over(hp_proc *p, hw_val *val)
{
	hp_io *j = p->io;
	int rc;

	if (atomic_load_explicit(&j->state, memory_order_acquire) != IO_DONE)
		return false;
	stop_waiting(p);
	rc = j->rc;
	if (!rc) {
		rc = hp__lump_keep(p, j->lump);
		if (rc >= 0) {
			j->lump = NULL; /* the table has it now */
			if (j->op == HP_IO_PUT) {
				uint64_t size;
				uint8_t *base = hw_memory_data(
					hw_instance_memory(p->inst), &size);

				/* checked when the call was made; memory
				 * never shrinks */
				if (p->io_out + (uint64_t)HL_ID_BYTES <= size)
					memcpy(base + p->io_out, j->id.b,
					       HL_ID_BYTES);
			}
		}
	}
	val->i32 = (uint32_t)rc;
	p->io = NULL;
	p->deadline = 0;
	job_unref(j);
	return true;
}

void hp__io_abandon(hp_proc *p)
{
	if (p->io) {
		stop_waiting(p);
		job_unref(p->io); /* the worker's reference frees the rest */
		p->io = NULL;
	}
}
