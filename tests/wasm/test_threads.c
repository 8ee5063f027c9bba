/* test_threads.c — an execution stopped on one thread resumes on another:
 * a queue of instances, each run in fuel slices, is shared by worker
 * threads, as Hearth's scheduler will do; and a host-suspended call is
 * resumed from a different thread. Also run under TSan. */
#include <pthread.h>

#include "helpers.h"

enum { NINST = 12, NTHREADS = 3, SLICE = 2000 };

typedef struct job {
	hw_instance *inst;
	hw_func *f;
	hw_val arg, res;
	int state; /* 0 not started, 1 suspended, 2 done */
	int slices;
	pthread_t last; /* thread of the previous slice */
	int moved;	/* slices that ran on another thread than the last */
} job;

typedef struct queue {
	pthread_mutex_t mu;
	job *jobs;
	int next, done;
} queue;

static uint32_t ref_spin(uint32_t n)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < n; i++) {
		h ^= i;
		h *= 16777619u;
		h = (h << 7) | (h >> 25);
	}
	return h;
}

static void *worker(void *arg)
{
	queue *q = arg;

	for (;;) {
		job *j = NULL;
		int rc;

		pthread_mutex_lock(&q->mu);
		if (q->done == NINST) {
			pthread_mutex_unlock(&q->mu);
			return NULL;
		}
		/* take the next job that is not done, round robin */
		for (int k = 0; k < NINST && !j; k++) {
			job *c = &q->jobs[(q->next + k) % NINST];

			if (c->state == 0 || c->state == 1) {
				j = c;
				q->next = (int)(c - q->jobs) + 1;
			}
		}
		if (j)
			j->state += 10; /* taken */
		pthread_mutex_unlock(&q->mu);
		if (!j) {
			sched_yield();
			continue;
		}
		if (j->slices && !pthread_equal(j->last, pthread_self()))
			j->moved++;
		j->last = pthread_self();
		j->slices++;
		hw_instance_set_fuel(j->inst, SLICE);
		if (j->state == 10)
			rc = hw_instance_call(j->inst, j->f, &j->arg, 1,
					      &j->res, 1);
		else
			rc = hw_instance_resume(j->inst, NULL, 0, &j->res, 1);
		pthread_mutex_lock(&q->mu);
		if (rc == HW_OUT_OF_FUEL) {
			j->state = 1;
		} else {
			j->state = rc == HW_DONE ? 2 : 3;
			q->done++;
		}
		pthread_mutex_unlock(&q->mu);
	}
}

TEST_TIMEOUT(threads_share_fuel_sliced_instances, 120)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	job jobs[NINST];
	queue q = {PTHREAD_MUTEX_INITIALIZER, jobs, 0, 0};
	pthread_t th[NTHREADS];
	int moved = 0;

	guest_env_init(&g);
	memset(jobs, 0, sizeof jobs);
	for (int i = 0; i < NINST; i++) {
		jobs[i].inst = guest_instance(m, &g, NULL);
		jobs[i].f = hw_instance_func(jobs[i].inst, "spin");
		jobs[i].arg.i32 = 20000 + 1000 * (uint32_t)i;
	}
	for (int i = 0; i < NTHREADS; i++)
		ASSERT_EQ(pthread_create(&th[i], NULL, worker, &q), 0);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NINST; i++) {
		ASSERT_EQ(jobs[i].state, 2);
		ASSERT_UEQ(jobs[i].res.i32, ref_spin(jobs[i].arg.i32));
		ASSERT_GT(jobs[i].slices, 5);
		moved += jobs[i].moved;
		hw_instance_free(jobs[i].inst);
	}
	/* with several threads some slices must have changed thread; not
	 * asserted (a loaded machine may run one worker only) */
	printf("  %d slices resumed on another thread\n", moved);
	hw_module_free(m);
	guest_env_deinit(&g);
}

typedef struct resumer {
	hw_instance *inst;
	int rc;
	hw_val res;
	int rounds;
} resumer;

static void *resume_elsewhere(void *arg)
{
	resumer *r = arg;
	hw_val v;

	memset(&v, 0, sizeof v);
	v.i32 = 100;
	r->rc = hw_instance_resume(r->inst, &v, 1, &r->res, 1);
	while (r->rc == HW_SUSPENDED) {
		r->rounds++;
		v.i32 = 100;
		r->rc = hw_instance_resume(r->inst, &v, 1, &r->res, 1);
	}
	return NULL;
}

TEST_TIMEOUT(host_suspension_resumes_on_another_thread, 60)
{
	hw_module *m = load_guest(NULL);
	guest_env g;
	resumer r = {0};
	hw_val a;
	pthread_t t;

	guest_env_init(&g);
	r.inst = guest_instance(m, &g, NULL);
	memset(&a, 0, sizeof a);
	a.i32 = 4;
	ASSERT_EQ(hw_instance_call(r.inst,
				   hw_instance_func(r.inst, "sum_waits"), &a, 1,
				   &r.res, 1),
		  HW_SUSPENDED);
	ASSERT_EQ(pthread_create(&t, NULL, resume_elsewhere, &r), 0);
	pthread_join(t, NULL);
	ASSERT_EQ(r.rc, HW_DONE);
	ASSERT_EQ(r.rounds, 3);
	ASSERT_EQ(r.res.i32, 400);
	ASSERT_EQ(g.waits, 4);
	hw_instance_free(r.inst);
	hw_module_free(m);
	guest_env_deinit(&g);
}
